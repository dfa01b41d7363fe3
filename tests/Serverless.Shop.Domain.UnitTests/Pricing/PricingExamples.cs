using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

/// <summary>Lines, promotions and engines to test pricing with. Tests change the one thing they are about.</summary>
internal static class PricingExamples
{
    public const string Eur = "EUR";
    public static readonly DateTimeOffset Now = FixedClock.Instant;

    public static readonly TaxLocation Germany = new("DE", null);

    public static PricingLine Line(
        string id, decimal price, int quantity = 1, decimal? sale = null, string currency = Eur, string? product = null, string? sku = null,
        string[]? categories = null, string[]? collections = null, string[]? tags = null, string taxClass = "standard") =>
        new(id, product ?? "prod_" + id, sku ?? "SKU-" + id.ToUpperInvariant(), "Item " + id, quantity,
            new Money(price, currency), sale is null ? null : new Money(sale.Value, currency), taxClass,
            categories ?? [], collections ?? [], tags ?? []);

    public static PricingRequest Request(params PricingLine[] lines) =>
        new(lines.FirstOrDefault()?.UnitListPrice.Currency ?? Eur, lines, [], PricingCustomer.Guest, null, null, Now);

    public static PricingRequest WithCodes(this PricingRequest request, params string[] codes) => request with { Codes = codes };

    public static PricingRequest Shipping(this PricingRequest request, decimal fee) => request with { ShippingFee = new Money(fee, request.Currency) };

    public static Promotion Promo(string id, PromotionKind kind, PromotionTarget? target = null) => new()
    {
        Id = id,
        Name = "Promotion " + id,
        Kind = kind,
        Target = target ?? PromotionTarget.WholeCart,
        Stacking = Stacking.Stackable,
        Priority = 100,
        Eligibility = Eligibility.Everyone,
        Enabled = true,
        CreatedAt = Now.AddDays(-1),
        UpdatedAt = Now.AddDays(-1),
    };

    public static Promotion PercentOff(decimal percent, PromotionTarget? target = null, string id = "promo_pct") =>
        Promo(id, PromotionKind.PercentOff, target) with { Percent = percent };

    public static Promotion AmountOff(decimal amount, PromotionTarget? target = null, string id = "promo_amt", string currency = Eur) =>
        Promo(id, PromotionKind.AmountOff, target) with { Amount = new Money(amount, currency) };

    public static Promotion FreeShipping(decimal? percent = null, string id = "promo_ship") =>
        Promo(id, PromotionKind.FreeShipping) with { Percent = percent };

    public static Promotion Exclusive(this Promotion p, int? priority = null) => p with { Stacking = Stacking.Exclusive, Priority = priority ?? p.Priority };

    public static Promotion Priority(this Promotion p, int priority) => p with { Priority = priority };

    public static Promotion WithCode(this Promotion p, string code) => p with { Code = code };

    public static PromotionTarget Products(params string[] ids) => new(TargetKind.Products, ids);
    public static PromotionTarget Variants(params string[] skus) => new(TargetKind.Variants, skus);
    public static PromotionTarget Categories(params string[] ids) => new(TargetKind.Categories, ids);
    public static PromotionTarget Collections(params string[] ids) => new(TargetKind.Collections, ids);
    public static PromotionTarget Tags(params string[] tags) => new(TargetKind.Tags, tags);

    /// <summary>A rate of 0 everywhere, so that promotion tests read in plain amounts.</summary>
    public static readonly ITaxRates NoTax = new ZeroRatesEverywhere();

    private sealed class ZeroRatesEverywhere : ITaxRates
    {
        public decimal? RateFor(TaxLocation location, string taxClass) => 0m;
    }

    public static PromotionEngine Engine(
        StackingStrategy strategy = StackingStrategy.BestForCustomer, bool pricesIncludeTax = true, ITaxRates? rates = null, TaxLocation? defaultLocation = null) =>
        new(new PricingSettings { Strategy = strategy, PricesIncludeTax = pricesIncludeTax, DefaultTaxLocation = defaultLocation }, rates ?? NoTax);

    public static PricedCart Price(this PricingRequest request, params Promotion[] promotions) => Engine().Price(request, promotions);

    public static PricedLine Line(this PricedCart cart, string lineId) => cart.Lines.Single(l => l.LineId == lineId);

    public static decimal[] LineDiscounts(this PricedCart cart) => cart.Lines.Select(l => l.DiscountTotal.Amount).ToArray();
}
