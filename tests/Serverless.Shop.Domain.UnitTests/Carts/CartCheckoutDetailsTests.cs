using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>Where a cart ships (CartCheckoutDetails), used for its price.</summary>
public sealed class CartCheckoutDetailsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly CartTestBed _bed = new();

    [Fact]
    public async Task Setting_where_the_cart_ships_is_used_for_its_price()
    {
        var (id, guest) = await _bed.NewGuestCart();

        var view = await _bed.Details.SetShipToAsync(id, new ShipToInput("us", "ca"), guest, null, None);

        view.Value.ShipTo.ShouldBe(new TaxLocation("US", "CA"));
        _bed.Pricing.LastRequest.TaxLocation.ShouldBe(new TaxLocation("US", "CA"));
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Details.SetShipToAsync(id, new ShipToInput(null, null), guest, null, None))).ShouldReport("country");
        _bed.Stored(id).ShipTo.ShouldBe(new TaxLocation("US", "CA"));
    }
}
