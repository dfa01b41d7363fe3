using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>A line as a cart or an order holds it: which variant, how many. Prices are never taken from clients.</summary>
public sealed record CartLineRef(string LineId, string ProductId, string Sku, int Quantity);

/// <summary>What pricing knows about the buyer, for eligibility rules.</summary>
public sealed record PricingCustomer(string? CustomerId, bool IsFirstOrder, IReadOnlyList<string> Segments, string? MembershipTier)
{
    public static readonly PricingCustomer Guest = new(null, true, [], null);
}

/// <summary>Where the goods go, for tax. Region is optional (a state or province where rates differ).</summary>
public sealed record TaxLocation(string Country, string? Region);

/// <summary>Everything pricing needs about a line, read from the catalog on the server.</summary>
public sealed record PricingLine(
    string LineId, string ProductId, string Sku, string Name, int Quantity,
    Money UnitListPrice, Money? UnitSalePrice, string TaxClass,
    IReadOnlyList<string> CategoryPath, IReadOnlyList<string> CollectionIds, IReadOnlyList<string> Tags)
{
    /// <summary>The flash sale whose price <see cref="UnitSalePrice"/> is (null: none); checkout holds the sale's units for it.</summary>
    public string? FlashSaleId { get; init; }
}

public sealed record PricingRequest(
    string Currency, IReadOnlyList<PricingLine> Lines, IReadOnlyList<string> Codes, PricingCustomer Customer,
    TaxLocation? TaxLocation, Money? ShippingFee, DateTimeOffset At)
{
    /// <summary>
    /// Discounts that apply after the promotions, whatever those are and however they stack: the value of the points a
    /// customer spends at checkout (docs/loyalty.md#redeeming). Each is an amount off what is left of the goods.
    /// </summary>
    public IReadOnlyList<Promotion> AppliedLast { get; init; } = [];
}

/// <summary>One discount on one line, by promotion name, so a customer can see why a price is what it is.</summary>
public sealed record AppliedDiscount(string PromotionId, string Name, string? Code, Money Amount);

/// <summary>
/// A priced line. <see cref="ListTotal"/> is unit price x quantity before promotions (the sale price when there is one);
/// <see cref="NetTotal"/> is after discounts, without tax; <see cref="Total"/> includes tax.
/// <see cref="Problem"/> says why the line cannot be bought (no longer sold, unknown SKU); such lines cost nothing.
/// </summary>
public sealed record PricedLine(
    string LineId, string ProductId, string Sku, string Name, int Quantity,
    Money UnitListPrice, Money? UnitSalePrice, Money ListTotal,
    IReadOnlyList<AppliedDiscount> Discounts, Money DiscountTotal, Money NetTotal,
    decimal TaxRate, Money Tax, Money Total, string? Problem)
{
    /// <summary>
    /// The flash sale the line is priced by (its <see cref="UnitSalePrice"/> is the sale's price), or null. Checkout
    /// holds the sale's units for the line (docs/marketing.md#flash-sales).
    /// </summary>
    public string? FlashSaleId { get; init; }
}

public sealed record AppliedPromotion(string PromotionId, string Name, string? Code, Money Discount);

/// <summary>A code on the cart that gives nothing, and why (expired, not yet valid, unknown, minimum not met ...).</summary>
public sealed record CodeRejection(string Code, string Reason);

/// <summary>
/// The explainable price of a cart or order. Totals are sums of the rounded line amounts, so no cent is lost
/// between lines and total. Shipping's tax is in <see cref="ShippingTax"/> and counted in <see cref="TaxTotal"/>.
/// </summary>
public sealed record PricedCart(
    string Currency, IReadOnlyList<PricedLine> Lines, IReadOnlyList<AppliedPromotion> Promotions, IReadOnlyList<CodeRejection> RejectedCodes,
    Money Subtotal, Money DiscountTotal, Money ShippingFee, Money ShippingDiscount, Money ShippingTax,
    Money TaxTotal, Money TotalExcludingTax, Money Total, bool PricesIncludeTax)
{
    public bool HasProblems => Lines.Any(l => l.Problem is not null);

    /// <summary>
    /// True when tax comes from a tax service and this is a cart, not a checkout: the tax figures are 0 until checkout
    /// asks the service (as Shopify and Stripe Checkout show "calculated at checkout"). False when the figures are final.
    /// </summary>
    public bool TaxCalculatedAtCheckout { get; init; }
}

/// <summary>The promotions the engine considers: every live automatic one, plus those whose codes a cart carries.</summary>
public interface IPromotionCatalog
{
    Task<IReadOnlyList<Promotion>> ListLiveAutomaticAsync(DateTimeOffset at, CancellationToken ct);

    /// <summary>Promotions for the given codes (any state, so that pricing can say why a code does not apply). Unknown codes are absent.</summary>
    Task<IReadOnlyList<Promotion>> FindByCodesAsync(IReadOnlyCollection<string> codes, CancellationToken ct);
}

/// <summary>Tells pricing who the customer is for eligibility (first order, segment, tier). Guests get <see cref="PricingCustomer.Guest"/>.</summary>
public interface ICustomerPricingProfiles
{
    Task<PricingCustomer> GetAsync(string? customerId, CancellationToken ct);
}

/// <summary>
/// Usage limits of promotions and coupons, held during checkout and released if it fails. All-or-nothing per order and
/// idempotent by order id, so a retried or replayed step never counts a use twice. Never allows more uses than the limit,
/// however many checkouts run at once.
/// </summary>
public interface IPromotionRedemptions
{
    /// <summary>Holds one use of each limited promotion for the order; throws <see cref="BusinessRuleViolationException"/> naming the code when one is used up.</summary>
    Task HoldAsync(string orderId, string? customerId, IReadOnlyList<AppliedPromotion> promotions, CancellationToken ct);

    /// <summary>Makes the held uses final (the order was paid).</summary>
    Task RedeemAsync(string orderId, IReadOnlyList<AppliedPromotion> promotions, CancellationToken ct);

    /// <summary>Gives held (or redeemed, on a full cancellation) uses back. Does nothing for uses the order does not hold.</summary>
    Task ReleaseAsync(string orderId, IReadOnlyList<AppliedPromotion> promotions, CancellationToken ct);
}
