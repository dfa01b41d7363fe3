using Serverless.Shop.Domain.Catalog;
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
/// Reads: one call for all the products, one for the live automatic promotions, one for the codes (when there are
/// any) and one for the customer, all at once.
/// </summary>
public sealed class PriceCart(
    IProductStore products, IPromotionCatalog promotions, ICustomerPricingProfiles customers, PromotionEngine engine,
    ShopSettings shop, TimeProvider clock) : ICartPricing
{
    public const string ProductGone = "This product is no longer sold.";
    public const string ProductNotActive = "This product is not available at the moment.";
    public const string VariantGone = "This variant is no longer sold.";

    public async Task<PricedCart> PriceAsync(CartPricingInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lines = input.Lines ?? [];
        // The cart validates quantities (1 to 999) when lines change; this is the last line of defence, since a
        // quantity of 0 or less would turn a price into a credit.
        var v = new Validator();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!v.Check(lines[i] is not null, $"lines[{i}]", "must not be null.")) continue;
            v.Check(lines[i].Quantity > 0, $"lines[{i}].quantity", "must be at least 1.");
        }
        if (input.ShippingFee is { } fee)
            v.Check(fee.Currency == shop.Currency && fee.Amount >= 0, "shippingFee", $"must be an amount in {shop.Currency}, not negative.");
        v.ThrowIfInvalid();

        var at = clock.GetUtcNow();
        var codes = PromotionScreening.NormaliseCodes(input.Codes);
        var productIds = lines.Select(l => l.ProductId).Where(id => id is not null).Distinct(StringComparer.Ordinal).ToList();

        var productsRead = productIds.Count == 0 ? Task.FromResult<IReadOnlyList<Versioned<Product>>>([]) : products.FindManyByIdsAsync(productIds, ct);
        var automaticRead = promotions.ListLiveAutomaticAsync(at, ct);
        var codesRead = codes.Count == 0 ? Task.FromResult<IReadOnlyList<Promotion>>([]) : promotions.FindByCodesAsync(codes, ct);
        var customerRead = customers.GetAsync(input.CustomerId, ct);
        await Task.WhenAll(productsRead, automaticRead, codesRead, customerRead);

        var byId = productsRead.Result.ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);
        var sellable = new List<PricingLine>(lines.Count);
        var problems = new Dictionary<int, PricedLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            var (line, problem) = Describe(lines[i], lines[i].ProductId is { } productId ? byId.GetValueOrDefault(productId) : null);
            if (problem is null) sellable.Add(line);
            else problems[i] = Unsellable(line, problem);
        }

        var request = new PricingRequest(shop.Currency, sellable, codes, customerRead.Result ?? PricingCustomer.Guest,
            input.TaxLocation, input.ShippingFee, at);
        var candidates = automaticRead.Result.Concat(codesRead.Result).ToList();
        var priced = engine.Price(request, candidates);
        if (problems.Count == 0) return priced;

        // Back in the cart's order, the unsellable lines at zero among the priced ones.
        var merged = new List<PricedLine>(lines.Count);
        var next = 0;
        for (var i = 0; i < lines.Count; i++)
            merged.Add(problems.TryGetValue(i, out var unsellable) ? unsellable : priced.Lines[next++]);
        return priced with { Lines = merged };
    }

    /// <summary>The line as pricing sees it, from the catalog, and why it cannot be bought (null when it can).</summary>
    private (PricingLine Line, string? Problem) Describe(CartLineRef line, Product? product)
    {
        var variant = product?.Variants.FirstOrDefault(x => string.Equals(x.Sku, line.Sku, StringComparison.OrdinalIgnoreCase));
        var name = product is null ? line.Sku ?? "" : variant?.Name is { Length: > 0 } variantName ? $"{product.Name} ({variantName})" : product.Name;
        var zero = MoneyRounding.ToMoney(0, shop.Currency);
        var pricingLine = new PricingLine(
            line.LineId, line.ProductId, variant?.Sku ?? line.Sku ?? "", name, line.Quantity,
            variant?.Price ?? zero, variant?.SalePrice, product?.TaxClass ?? ProductRules.StandardTaxClass,
            product?.CategoryPath ?? [], product?.CollectionIds ?? [], product?.Tags ?? []);
        var problem = product is null ? ProductGone
            : !product.IsVisibleToShoppers ? ProductNotActive
            : variant is null ? VariantGone
            : variant.Price.Currency != shop.Currency ? VariantGone
            : null;
        return (pricingLine, problem);
    }

    private PricedLine Unsellable(PricingLine line, string problem)
    {
        var zero = MoneyRounding.ToMoney(0, shop.Currency);
        return new PricedLine(line.LineId, line.ProductId, line.Sku, line.Name, line.Quantity, line.UnitListPrice, line.UnitSalePrice,
            zero, [], zero, zero, 0, zero, zero, problem);
    }
}
