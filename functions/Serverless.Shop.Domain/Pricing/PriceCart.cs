using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>What a cart or checkout asks pricing for. The customer id (if any) decides eligibility; prices come from the catalog.</summary>
public sealed record CartPricingInput(
    IReadOnlyList<CartLineRef> Lines, IReadOnlyList<string> Codes, string? CustomerId, TaxLocation? TaxLocation, Money? ShippingFee)
{
    /// <summary>
    /// The full delivery address, given by checkout when it prices what it will charge: a tax service (if tax comes from
    /// one) is then asked for the final tax. Carts leave it out and show the estimate (docs/pricing.md#tax).
    /// </summary>
    public ShippingAddress? CheckoutAddress { get; init; }

    /// <summary>Discounts applied after the promotions: the points spent at checkout (<see cref="PricingRequest.AppliedLast"/>).</summary>
    public IReadOnlyList<Promotion> AppliedLast { get; init; } = [];

    /// <summary>Who the customer is for eligibility, when the caller read it already: checkout prices twice and reads it once.</summary>
    public PricingCustomer? Customer { get; init; }
}

/// <summary>Prices carts; carts and checkout depend on this, <see cref="PriceCart"/> implements it.</summary>
public interface ICartPricing
{
    Task<PricedCart> PriceAsync(CartPricingInput input, CancellationToken ct);
}

/// <summary>
/// Prices a cart on the server: reads the lines' products, the live promotions and the customer's profile, and runs the
/// promotion engine. Carts and checkout both price through here, so a cart shows exactly what checkout will charge.
/// Reads: one call for all the products, one for the live automatic promotions, one for the codes (when there are
/// any), one for the customer and one for the tax rates (cached like the promotions), all at once. With a tax service,
/// checkout (<see cref="CartPricingInput.CheckoutAddress"/>) also asks the service, once, for the final tax.
/// </summary>
/// <exception cref="NoTaxRateException">The input's place has no tax rate.</exception>
/// <exception cref="TaxNotConfiguredException">No tax source is configured.</exception>
public sealed class PriceCart(
    IProductStore products, IPromotionCatalog promotions, ICustomerPricingProfiles customers, PromotionEngine engine,
    TaxSource tax, ShopSettings shop, TimeProvider clock) : ICartPricing
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
        var customerRead = input.Customer is { } known ? Task.FromResult(known) : customers.GetAsync(input.CustomerId, ct);
        var ratesRead = tax.RatesForPricingAsync(ct);
        await Task.WhenAll(productsRead, automaticRead, codesRead, customerRead, ratesRead);

        var byId = productsRead.Result.ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);
        var sellable = new List<PricingLine>(lines.Count);
        var problems = new Dictionary<int, PricedLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            var (line, problem) = Describe(lines[i], lines[i].ProductId is { } productId ? byId.GetValueOrDefault(productId) : null, at);
            if (problem is null) sellable.Add(line);
            else problems[i] = Unsellable(line, problem);
        }

        var request = new PricingRequest(shop.Currency, sellable, codes, customerRead.Result ?? PricingCustomer.Guest,
            input.TaxLocation, input.ShippingFee, at) { AppliedLast = input.AppliedLast ?? [] };
        var candidates = automaticRead.Result.Concat(codesRead.Result).ToList();
        var priced = engine.Price(request, candidates, ratesRead.Result) with { TaxCalculatedAtCheckout = tax.Service is not null };
        if (problems.Count > 0)
        {
            // Back in the cart's order, the unsellable lines at zero among the priced ones.
            var merged = new List<PricedLine>(lines.Count);
            var next = 0;
            for (var i = 0; i < lines.Count; i++)
                merged.Add(problems.TryGetValue(i, out var unsellable) ? unsellable : priced.Lines[next++]);
            priced = priced with { Lines = merged };
        }

        if (tax.Service is { } service && input.CheckoutAddress is { } address)
        {
            var classes = sellable.ToDictionary(l => l.LineId, l => l.TaxClass, StringComparer.Ordinal);
            var calculation = await service.CalculateAsync(TaxApplication.RequestFor(priced, address, classes), ct);
            priced = TaxApplication.Apply(priced, calculation);
        }
        return priced;
    }

    /// <summary>The line as pricing sees it, from the catalog, and why it cannot be bought (null when it can).</summary>
    /// <remarks>
    /// A variant in a live flash sale (by the product's copy of the sale, read in the same call) starts from the sale's
    /// price; the sale's cap and per-customer limit are held by checkout, not here.
    /// </remarks>
    private (PricingLine Line, string? Problem) Describe(CartLineRef line, Product? product, DateTimeOffset at)
    {
        var variant = product?.Variants.FirstOrDefault(x => string.Equals(x.Sku, line.Sku, StringComparison.OrdinalIgnoreCase));
        var name = product is null ? line.Sku ?? "" : variant?.Name is { Length: > 0 } variantName ? $"{product.Name} ({variantName})" : product.Name;
        var zero = MoneyRounding.ToMoney(0, shop.Currency);
        var pricingLine = new PricingLine(
            line.LineId, line.ProductId, variant?.Sku ?? line.Sku ?? "", name, line.Quantity,
            variant?.Price ?? zero, variant?.SalePrice, product?.TaxClass ?? ProductRules.StandardTaxClass,
            product?.CategoryPath ?? [], product?.CollectionIds ?? [], product?.Tags ?? []);
        if (product is not null && variant is not null && FlashSaleOffers.LiveOffer(product, variant.Sku, at) is { } offer
            && offer.Variant.SalePrice.Currency == shop.Currency)
            pricingLine = pricingLine with { UnitSalePrice = offer.Variant.SalePrice, FlashSaleId = offer.Sale.SaleId };
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
