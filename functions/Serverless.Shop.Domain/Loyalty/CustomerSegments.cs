namespace Serverless.Shop.Domain.Loyalty;

public enum SegmentRuleKind
{
    /// <summary>Bought from the category (or one below it) in any order they kept (not cancelled, returned or fully refunded).</summary>
    BoughtCategory,
    /// <summary>Spent more than the amount (shop currency) over the last 12 months.</summary>
    SpentOver,
    /// <summary>Kept at least this many orders, lifetime.</summary>
    OrdersAtLeast,
    /// <summary>Has ordered before, but not in the last this many days.</summary>
    InactiveDays,
    /// <summary>The profile's language is this one (e.g. <c>nl</c>, ignoring case).</summary>
    Language,
    /// <summary>Agreed to marketing on this channel (<c>email</c> or <c>sms</c>), as the profile says now.</summary>
    MarketingConsent,
}

/// <summary>
/// A segment (setting <c>Loyalty:Segments</c>, docs/loyalty.md): a customer is in <see cref="Name"/> while the rule
/// holds over their purchase history or their profile's language and consents. Promotions limited to segments (<c>eligibility.segments</c>) match these names.
/// </summary>
public sealed record SegmentRule(string Name, SegmentRuleKind Kind, string Value)
{
    internal decimal Number => decimal.Parse(Value, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Which segments a purchase history falls in, and when that can next change by time alone. Tests: CustomerStandingRulesTests.</summary>
public static class CustomerSegments
{
    public static IReadOnlyList<string> Of(CustomerSummary summary, IReadOnlyList<SegmentRule> rules, string shopCurrency, DateTimeOffset now) =>
        [.. rules.Where(r => Holds(r, summary, shopCurrency, now)).Select(r => r.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static bool Holds(SegmentRule rule, CustomerSummary summary, string shopCurrency, DateTimeOffset now) => rule.Kind switch
    {
        SegmentRuleKind.BoughtCategory => summary.Categories.Contains(rule.Value, StringComparer.Ordinal),
        SegmentRuleKind.SpentOver => summary.RollingSpend(shopCurrency, now) > rule.Number,
        SegmentRuleKind.OrdersAtLeast => summary.OrderCount >= rule.Number,
        SegmentRuleKind.InactiveDays => summary.LastOrderAt is { } last && last.AddDays((double)rule.Number) <= now,
        SegmentRuleKind.Language => string.Equals(summary.Profile?.Language, rule.Value, StringComparison.OrdinalIgnoreCase),
        SegmentRuleKind.MarketingConsent => rule.Value.ToLowerInvariant() switch
        {
            Customers.MarketingChannels.Email => summary.Profile?.EmailMarketing == true,
            Customers.MarketingChannels.Sms => summary.Profile?.SmsMarketing == true,
            _ => false,
        },
        _ => false,
    };

    /// <summary>When an inactivity rule will next start to hold with no order in between (null: none will).</summary>
    public static DateTimeOffset? NextInactivityAt(CustomerSummary summary, IReadOnlyList<SegmentRule> rules, DateTimeOffset now) =>
        summary.LastOrderAt is not { } last ? null
            : rules.Where(r => r.Kind == SegmentRuleKind.InactiveDays).Select(r => last.AddDays((double)r.Number)).Where(at => at > now).Order().Cast<DateTimeOffset?>().FirstOrDefault();
}
