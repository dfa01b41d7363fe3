using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.UnitTests.Carts;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Attribution;

/// <summary>The customer's export lists the journeys kept on their cart and their orders, and nobody else's.</summary>
public sealed class AttributionExportSectionTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = FixedClock.Instant;

    private static CartAttribution Journey(string gclid) => CartAttribution.Start(new MarketingTouch("google", "cpc", null, null, null, gclid, null, null, Now));

    [Fact]
    public async Task The_export_has_the_attribution_of_the_customers_orders_and_cart_only()
    {
        var bed = new OrderTestBed();
        var carts = new InMemoryCartStore();
        var mine = await bed.Orders.PlaceAsync(OrderTestBed.Placement() with { Attribution = Journey("G-MINE") }, None);
        await bed.Orders.PlaceAsync(OrderTestBed.Placement(customerId: "cust_bob") with { Attribution = Journey("G-BOB") }, None);
        await bed.Orders.PlaceAsync(OrderTestBed.Placement(), None);
        var cart = Cart.New("cart_ada", OrderTestBed.CustomerId, null, null, "EUR", Now, TimeSpan.FromDays(30)) with { Attribution = Journey("G-CART") };
        await carts.CreateAsync(cart, None);
        (await carts.TrySetCustomerCartIdAsync(OrderTestBed.CustomerId, cart.Id, null, None)).ShouldBeTrue();

        var export = (IReadOnlyList<ExportedAttribution>?)await new AttributionExportSection(bed.Store, carts).ExportAsync(OrderTestBed.CustomerId, None);

        export.ShouldNotBeNull();
        export.Select(e => (e.OrderNumber, e.CartId, e.Attribution.LatestGclid)).ShouldBe(
            [(null, "cart_ada", "G-CART"), (mine.Number, null, "G-MINE")], ignoreOrder: true);
    }

    [Fact]
    public async Task A_customer_with_no_journey_kept_has_no_section()
    {
        var bed = new OrderTestBed();
        await bed.Orders.PlaceAsync(OrderTestBed.Placement(), None);
        (await new AttributionExportSection(bed.Store, new InMemoryCartStore()).ExportAsync(OrderTestBed.CustomerId, None)).ShouldBeNull();
    }
}
