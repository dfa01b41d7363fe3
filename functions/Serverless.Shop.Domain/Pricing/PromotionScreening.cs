using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>The promotions that may apply to a cart, in priority order, and why each code the cart carries cannot.</summary>
internal sealed record Screened(
    IReadOnlyList<Candidate> Candidates, IReadOnlyList<string> Codes,
    IReadOnlyDictionary<string, Candidate> CandidatesByCode, IReadOnlyDictionary<string, string> RejectedCodes);

/// <summary>
/// Decides which promotions take part before any is applied: the window (<see cref="Promotion.IsLiveAt"/>), the code,
/// the customer's eligibility, the currency, and whether the cart holds anything the promotion targets. Automatic
/// promotions that fail a check are left out silently; a code that fails one gets a reason the customer can act on.
/// Usage limits (<see cref="Promotion.UsageLimit"/>, <see cref="Promotion.PerCustomerLimit"/>) are not checked here:
/// they are counts held at checkout by <see cref="IPromotionRedemptions"/>, which refuses a use past the limit under
/// concurrency. Pricing shows the discount; checkout is where a used-up code is refused.
/// </summary>
internal static class PromotionScreening
{
    public static Screened Screen(PricingContext ctx, IReadOnlyList<Promotion> promotions)
    {
        var request = ctx.Request;
        var codes = NormaliseCodes(request.Codes);
        var wanted = codes.ToHashSet(StringComparer.Ordinal);
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        var byCode = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var passed = new List<(Promotion Promotion, int[] Lines, int[][]? Components)>();

        // Deterministic whatever order the store returned them in.
        foreach (var p in promotions.Where(p => p is not null).OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            if (!seen.Add(p.Id)) continue;
            var code = p.Code?.Trim().ToUpperInvariant();
            if (code is not null && (!wanted.Contains(code) || !found.Add(code))) continue;

            var problem = Problem(p, ctx);
            var (lines, components) = problem is null ? Match(p, ctx) : ([], null);
            if (problem is null && lines.Length == 0) problem = NothingQualifies;
            if (problem is not null)
            {
                if (code is not null) rejected[code] = problem;
                continue;
            }
            passed.Add((p, lines, components));
        }
        foreach (var code in codes)
            if (!found.Contains(code)) rejected[code] = "This code does not exist.";

        var ordered = passed
            .OrderBy(x => x.Promotion.Priority).ThenBy(x => x.Promotion.CreatedAt).ThenBy(x => x.Promotion.Id, StringComparer.Ordinal)
            .Select((x, i) => new Candidate(x.Promotion, x.Lines, x.Components, i))
            .ToList();
        foreach (var c in ordered)
            if (c.Promotion.Code is { } code) byCode[code.Trim().ToUpperInvariant()] = c;
        return new Screened(ordered, codes, byCode, rejected);
    }

    public const string NothingQualifies = "Nothing in the cart qualifies for this code.";

    /// <summary>Trimmed, upper-case, each once, in the order given.</summary>
    public static List<string> NormaliseCodes(IReadOnlyList<string>? codes) =>
        (codes ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Why the promotion cannot apply to this customer now, before looking at what it would take off; null when it can.</summary>
    private static string? Problem(Promotion p, PricingContext ctx)
    {
        var at = ctx.Request.At;
        if (!p.Enabled) return "This code is not active.";
        if (p.StartsAt is { } starts && at < starts) return $"This code is valid from {Describe(starts)}.";
        if (p.EndsAt is { } ends && at >= ends) return $"This code expired on {Describe(ends)}.";

        var customer = ctx.Request.Customer ?? PricingCustomer.Guest;
        var eligibility = p.Eligibility ?? Eligibility.Everyone;
        if (eligibility.FirstOrderOnly && !customer.IsFirstOrder) return "This code is for a first order only.";
        // A per-customer limit can only be counted for a known customer: checkout would refuse the guest's order.
        if (p.PerCustomerLimit is not null && customer.CustomerId is null) return "Sign in to use this code: it is limited per customer.";
        if (p.CustomerId is { } owner && customer.CustomerId != owner) return "This code is not available to this customer.";
        if (eligibility.Segments is { Count: > 0 } segments && !segments.Any(s => (customer.Segments ?? []).Contains(s, StringComparer.OrdinalIgnoreCase)))
            return "This code is not available to this customer.";
        if (eligibility.MembershipTiers is { Count: > 0 } tiers && (customer.MembershipTier is null || !tiers.Contains(customer.MembershipTier, StringComparer.OrdinalIgnoreCase)))
            return $"This code is for {string.Join(" or ", tiers)} members only.";

        if (!InCurrency(p, ctx.Currency)) return $"This code is not valid for prices in {ctx.Currency}.";
        if (eligibility.MinimumSubtotal is { } minimum && ctx.Subtotal < ctx.ToMinor(minimum.Amount))
            return $"This code needs a subtotal of at least {ctx.ToMoney(ctx.ToMinor(minimum.Amount))}; the cart comes to {ctx.ToMoney(ctx.Subtotal)}.";
        return null;
    }

    /// <summary>Amounts in another currency than the cart's cannot be applied (the shop sells in one currency).</summary>
    private static bool InCurrency(Promotion p, string currency) =>
        (p.Amount is null || p.Amount.Currency == currency)
        && (p.Bundle?.Price is null || p.Bundle.Price.Currency == currency)
        && (p.Tiers ?? []).All(t => t?.Amount is null || t.Amount.Currency == currency)
        && (p.Eligibility?.MinimumSubtotal is null || p.Eligibility.MinimumSubtotal.Currency == currency);

    private static (int[] Lines, int[][]? Components) Match(Promotion p, PricingContext ctx)
    {
        var lines = ctx.Targets.Match(p.Target);
        if (p.Kind != PromotionKind.Bundle || lines.Length == 0) return (lines, null);
        if (p.Bundle?.Components is not { Count: > 0 } parts) return ([], null);

        // A bundle's lines: those the promotion's target and at least one component's target match.
        var inTarget = lines.ToHashSet();
        var perComponent = parts.Select(c => ctx.Targets.Match(c?.Target).Where(inTarget.Contains).ToArray()).ToArray();
        if (perComponent.Any(c => c.Length == 0)) return ([], null);
        var union = perComponent.SelectMany(c => c).Distinct().Order().ToArray();
        var position = new Dictionary<int, int>();
        for (var j = 0; j < union.Length; j++) position[union[j]] = j;
        return (union, perComponent.Select(c => c.Select(line => position[line]).ToArray()).ToArray());
    }

    private static string Describe(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
