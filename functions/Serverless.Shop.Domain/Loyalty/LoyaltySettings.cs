namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// Settings of the loyalty capability (configuration section <c>Loyalty</c>, docs/loyalty.md).
/// </summary>
/// <param name="PointsPerCurrencyUnit">Points earned per unit of the shop's currency paid (1 = one point per euro), rounded down per order.</param>
/// <param name="PointsExpiryDays">Days points stay spendable after they became available; then the timer expires what is left of them.</param>
/// <param name="ReturnWindowDays">The orders' return window (<c>Orders:ReturnWindowDays</c>): points stay pending until it has passed after delivery.</param>
/// <param name="PointValue">What one point takes off an order at checkout, in the shop's currency (0.01 = 100 points per euro).</param>
public sealed record LoyaltySettings(decimal PointsPerCurrencyUnit, int PointsExpiryDays, int ReturnWindowDays, decimal PointValue = LoyaltySettings.DefaultPointValue)
{
    public const decimal DefaultPointValue = 0.01m;
    public const decimal DefaultPointsPerCurrencyUnit = 1m;
    public const int DefaultPointsExpiryDays = 365;
    public const int DefaultOfferDays = 30;

    /// <summary>Membership tiers by rolling 12-month spend (<c>Loyalty:Tiers</c>); <see cref="MembershipTiers.Defaults"/> unless set.</summary>
    public IReadOnlyList<MembershipTier> Tiers { get; init; } = MembershipTiers.Defaults;

    /// <summary>Segment rules over the purchase history (<c>Loyalty:Segments</c>); none unless set.</summary>
    public IReadOnlyList<SegmentRule> Segments { get; init; } = [];

    /// <summary>Days a personal offer stays valid (<c>Loyalty:OfferDays</c>); the next one is issued once it has run out.</summary>
    public int OfferDays { get; init; } = DefaultOfferDays;
}
