using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

public enum PromotionKind
{
    /// <summary>A percentage off the targeted lines (or the whole cart).</summary>
    PercentOff,
    /// <summary>A fixed amount off the targeted lines together (or the whole cart), never more than they cost.</summary>
    AmountOff,
    /// <summary>Buy <see cref="BuyXGetY.Buy"/> targeted units, get the next <see cref="BuyXGetY.Get"/> (the cheapest) at a discount.</summary>
    BuyXGetY,
    /// <summary>A set of items together for a fixed price.</summary>
    Bundle,
    /// <summary>The discount grows with spend or quantity of the targeted lines.</summary>
    Tiered,
    /// <summary>Shipping costs nothing (or less) when the promotion applies.</summary>
    FreeShipping,
}

/// <summary>What a promotion applies to. <see cref="TargetKind.Cart"/> has no ids.</summary>
public enum TargetKind { Cart, Products, Variants, Categories, Collections, Tags }

public sealed record PromotionTarget(TargetKind Kind, IReadOnlyList<string> Ids)
{
    public static readonly PromotionTarget WholeCart = new(TargetKind.Cart, []);
}

public enum Stacking
{
    /// <summary>Combines with other stackable promotions.</summary>
    Stackable,
    /// <summary>Applies alone: when it wins, no other promotion applies to the cart.</summary>
    Exclusive,
}

/// <summary>How the shop combines promotions that could all apply (a shop-wide setting, Pricing:Strategy).</summary>
public enum StackingStrategy
{
    /// <summary>By priority (lowest number first); an exclusive promotion met first stops the rest.</summary>
    InPriorityOrder,
    /// <summary>Whichever valid combination gives the customer the lowest total.</summary>
    BestForCustomer,
}

public enum TierMeasure { Spend, Quantity }

/// <summary>From <see cref="Threshold"/> (an amount for spend tiers, a unit count for quantity tiers) the tier's percent or amount applies.</summary>
public sealed record PromotionTier(decimal Threshold, decimal? Percent, Money? Amount);

/// <summary>For every <see cref="Buy"/> units bought, <see cref="Get"/> more of the cheapest targeted units get <see cref="PercentOff"/> (100 = free).</summary>
public sealed record BuyXGetY(int Buy, int Get, decimal PercentOff);

/// <summary>One part of a bundle: <see cref="Quantity"/> units of anything the target matches.</summary>
public sealed record BundleComponent(PromotionTarget Target, int Quantity);

public sealed record BundleOffer(IReadOnlyList<BundleComponent> Components, Money Price);

/// <summary>Who may have the promotion. Empty lists mean everyone.</summary>
public sealed record Eligibility(bool FirstOrderOnly, IReadOnlyList<string> Segments, IReadOnlyList<string> MembershipTiers, Money? MinimumSubtotal)
{
    public static readonly Eligibility Everyone = new(false, [], [], null);
}

/// <summary>
/// A promotion as marketers define it. Without a <see cref="Code"/> it applies automatically; with one, only to carts
/// that carry the code. <see cref="UsageLimit"/> caps redemptions (orders) in total, across all customers: the
/// "limited quantity" of a flash sale, or of a coupon; <see cref="PerCustomerLimit"/> caps them per customer.
/// </summary>
public sealed record Promotion
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required PromotionKind Kind { get; init; }
    public required PromotionTarget Target { get; init; }

    /// <summary>PercentOff; FreeShipping uses 100 unless set lower.</summary>
    public decimal? Percent { get; init; }

    /// <summary>AmountOff.</summary>
    public Money? Amount { get; init; }

    public BuyXGetY? BuyXGetY { get; init; }
    public BundleOffer? Bundle { get; init; }
    public TierMeasure? TierMeasure { get; init; }
    public IReadOnlyList<PromotionTier>? Tiers { get; init; }

    public required Stacking Stacking { get; init; }

    /// <summary>Lower numbers apply first.</summary>
    public required int Priority { get; init; }

    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Upper-case coupon code, unique in the shop; null for automatic promotions.</summary>
    public string? Code { get; init; }

    public int? UsageLimit { get; init; }
    public int? PerCustomerLimit { get; init; }

    /// <summary>
    /// Set on a personal offer (docs/loyalty.md#personalised-offers): the only customer who may use the promotion; null
    /// for everyone. Not part of the marketers' API: the loyalty capability issues these.
    /// </summary>
    public string? CustomerId { get; init; }

    public required Eligibility Eligibility { get; init; }

    /// <summary>Paused promotions never apply, whatever their dates.</summary>
    public required bool Enabled { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsLiveAt(DateTimeOffset at) => Enabled && (StartsAt is null || at >= StartsAt) && (EndsAt is null || at < EndsAt);
}
