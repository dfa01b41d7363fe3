namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// A membership tier (setting <c>Loyalty:Tiers</c>, docs/loyalty.md): a customer whose spend over the last 12 months
/// reaches <see cref="Threshold"/> (in the shop's currency) holds it, earns points times <see cref="PointsMultiplier"/>,
/// and is offered <see cref="OfferPercent"/> off in their personal offers (0: no offers).
/// </summary>
public sealed record MembershipTier(string Name, decimal Threshold, decimal PointsMultiplier, decimal OfferPercent);

/// <summary>Which tier a rolling 12-month spend reaches. Tests: CustomerStandingRulesTests.</summary>
public static class MembershipTiers
{
    /// <summary>What applies when <c>Loyalty:Tiers</c> is not set: Bronze from the first euro, Silver from 500, Gold from 2000.</summary>
    public static readonly IReadOnlyList<MembershipTier> Defaults =
    [
        new("Bronze", 0m, 1m, 5m),
        new("Silver", 500m, 1.25m, 10m),
        new("Gold", 2000m, 1.5m, 15m),
    ];

    /// <summary>The highest tier whose threshold the spend reaches; null when it reaches none (or no tiers are set).</summary>
    public static MembershipTier? For(decimal rollingSpend, IReadOnlyList<MembershipTier> tiers) =>
        tiers.Where(t => rollingSpend >= t.Threshold).MaxBy(t => t.Threshold);

    /// <summary>The tier's points multiplier; 1 for no tier (or a tier that is no longer configured).</summary>
    public static decimal MultiplierOf(string? tier, IReadOnlyList<MembershipTier> tiers) =>
        tiers.FirstOrDefault(t => string.Equals(t.Name, tier, StringComparison.OrdinalIgnoreCase))?.PointsMultiplier ?? 1m;
}
