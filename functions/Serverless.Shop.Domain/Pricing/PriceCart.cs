using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>What a cart or checkout asks pricing for. The customer id (if any) decides eligibility; prices come from the catalog.</summary>
public sealed record CartPricingInput(
    IReadOnlyList<CartLineRef> Lines, IReadOnlyList<string> Codes, string? CustomerId, TaxLocation? TaxLocation, Money? ShippingFee);

/// <summary>Prices carts; carts and checkout depend on this, <see cref="PriceCart"/> implements it.</summary>
public interface ICartPricing
{
    Task<PricedCart> PriceAsync(CartPricingInput input, CancellationToken ct);
}

/// <summary>
/// Prices a cart on the server: reads the lines' products, the live promotions and the customer's profile, and runs the
/// promotion engine. Carts and checkout both price through here, so a cart shows exactly what checkout will charge.
/// </summary>
public sealed class PriceCart : ICartPricing
{
    // PLACEHOLDER while the pricing engine is built on its branch (issue 3); replaced there, never merged as is.
    public Task<PricedCart> PriceAsync(CartPricingInput input, CancellationToken ct) => throw new NotImplementedException();
}
