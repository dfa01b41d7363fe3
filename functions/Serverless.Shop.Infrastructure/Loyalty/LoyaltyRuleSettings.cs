using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Loyalty;

namespace Serverless.Shop.Infrastructure.Loyalty;

/// <summary>
/// Reads the tiers and segments from their one-line settings (docs/configuration.md#loyalty), so an app setting in
/// Azure holds each. Anything malformed stops the app at startup with a message naming the setting and the entry
/// (LoyaltySettingsTests); nothing falls back silently.
/// </summary>
public static partial class LoyaltyRuleSettings
{
    public const string TiersKey = "Loyalty:Tiers";
    public const string SegmentsKey = "Loyalty:Segments";

    /// <summary>
    /// <c>Name:threshold:multiplier:offerPercent</c>, comma-separated, e.g. <c>Bronze:0:1:5, Silver:500:1.25:10</c>;
    /// unset: <see cref="MembershipTiers.Defaults"/>; <c>none</c>: no tiers.
    /// </summary>
    public static IReadOnlyList<MembershipTier> ReadTiers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return MembershipTiers.Defaults;
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        var tiers = new List<MembershipTier>();
        foreach (var entry in Entries(text))
        {
            var parts = entry.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 4 || !NamePattern().IsMatch(parts[0])
                || !TryNumber(parts[1], out var threshold) || threshold < 0m
                || !TryNumber(parts[2], out var multiplier) || multiplier is <= 0m or > 10m
                || !TryNumber(parts[3], out var percent) || percent is < 0m or > 100m)
                throw Invalid(TiersKey, entry, "Name:threshold:multiplier:offerPercent (a name of 1-50 letters, digits, - or _; a threshold of 0 or more; a multiplier above 0 up to 10; an offer percent from 0 to 100), e.g. 'Silver:500:1.25:10'");
            if (tiers.Any(t => t.Name.Equals(parts[0], StringComparison.OrdinalIgnoreCase)))
                throw Invalid(TiersKey, entry, "a name no other tier has");
            if (tiers.Count > 0 && threshold <= tiers[^1].Threshold)
                throw Invalid(TiersKey, entry, "a threshold above the tier before it (tiers go from the lowest to the highest)");
            tiers.Add(new MembershipTier(parts[0], threshold, multiplier, percent));
        }
        return tiers;
    }

    /// <summary>
    /// <c>name=rule:value</c>, comma-separated, where rule is <c>boughtCategory</c> (a category id),
    /// <c>spentOver</c> (an amount), <c>ordersAtLeast</c> (a count), <c>inactiveDays</c> (days), <c>language</c> (a
    /// language code) or <c>marketingConsent</c> (<c>email</c> or <c>sms</c>); unset: no segments.
    /// </summary>
    public static IReadOnlyList<SegmentRule> ReadSegments(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var rules = new List<SegmentRule>();
        foreach (var entry in Entries(text))
        {
            var nameAndRule = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            var ruleAndValue = nameAndRule.Length == 2 ? nameAndRule[1].Split(':', 2, StringSplitOptions.TrimEntries) : [];
            if (nameAndRule.Length != 2 || !NamePattern().IsMatch(nameAndRule[0]) || ruleAndValue.Length != 2
                || int.TryParse(ruleAndValue[0], out _) // Enum.TryParse takes numbers too
                || !Enum.TryParse<SegmentRuleKind>(ruleAndValue[0], ignoreCase: true, out var kind)
                || !ValueFits(kind, ruleAndValue[1]))
                throw Invalid(SegmentsKey, entry, "name=rule:value (a name of 1-50 letters, digits, - or _; rule boughtCategory with a category id, spentOver with an amount of 0 or more, ordersAtLeast with a whole number from 1, inactiveDays with a whole number of days from 1, language with a language code, or marketingConsent with email or sms), e.g. 'lapsed=inactiveDays:90'");
            if (rules.Any(r => r.Name.Equals(nameAndRule[0], StringComparison.OrdinalIgnoreCase)))
                throw Invalid(SegmentsKey, entry, "a name no other segment has");
            rules.Add(new SegmentRule(nameAndRule[0], kind, ruleAndValue[1]));
        }
        return rules;
    }

    private static bool ValueFits(SegmentRuleKind kind, string value) => kind switch
    {
        SegmentRuleKind.BoughtCategory => value.Length is > 0 and <= 200,
        SegmentRuleKind.SpentOver => TryNumber(value, out var amount) && amount >= 0m,
        SegmentRuleKind.OrdersAtLeast or SegmentRuleKind.InactiveDays =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000,
        SegmentRuleKind.Language => LanguagePattern().IsMatch(value),
        SegmentRuleKind.MarketingConsent => value.ToLowerInvariant() is Domain.Customers.MarketingChannels.Email or Domain.Customers.MarketingChannels.Sms,
        _ => false,
    };

    private static IEnumerable<string> Entries(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    private static InvalidOperationException Invalid(string key, string entry, string expected) =>
        new($"{key}: '{entry}' must be {expected}. See docs/configuration.md.");

    // Segment and tier names are what promotions' eligibility lists hold (at most 50 characters each).
    [GeneratedRegex("^[A-Za-z0-9_-]{1,50}$")]
    private static partial Regex NamePattern();

    // A language tag as profiles keep it: "nl", "en-GB".
    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();
}
