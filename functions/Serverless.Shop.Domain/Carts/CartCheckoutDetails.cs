using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Carts;

/// <summary>
/// What a cart carries into checkout besides its lines: where the goods go (for the tax shown) and the visits that led
/// to it (attribution). The cart itself and its lines are <see cref="ManageCarts"/>.
/// </summary>
public sealed class CartCheckoutDetails(ICartStore carts, ICartPricing pricing, CartSettings settings, TimeProvider clock)
{
    private readonly CartChanges _changes = new(carts, pricing, settings, clock);

    /// <summary>Where the goods go, so the cart shows the right tax.</summary>
    public async Task<Versioned<CartView>> SetShipToAsync(string cartId, ShipToInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var shipTo = CartRules.ShipTo(input, "", v);
        v.ThrowIfInvalid();
        return await _changes.OpenChangeAndViewAsync(cartId, access, ifMatch, c => c.WithShipTo(shipTo!), ct);
    }

    /// <summary>Records a visit that led to the cart (UTM parameters, click ids): the first touch is kept, a later one becomes the last.</summary>
    public async Task<Versioned<CartView>> RecordAttributionAsync(string cartId, AttributionInput input, CartAccess access, string? ifMatch, CancellationToken ct)
    {
        var v = new Validator();
        var touch = AttributionRules.Validate(input, "", clock.GetUtcNow(), v);
        v.ThrowIfInvalid();
        return await _changes.RecordVisitAsync(cartId, touch!, access, ifMatch, ct);
    }
}
