using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>Who a customer is to the promotions engine and the points ledger: their membership tier and segments.</summary>
public sealed record CustomerStanding(string? Tier, IReadOnlyList<string> Segments);

/// <summary>A customer's standing as last computed (on their latest order event or the nightly review). One point read.</summary>
public interface ICustomerStandings
{
    Task<CustomerStanding> GetStandingAsync(string customerId, CancellationToken ct);
}

/// <summary>
/// What follows from a purchase history: the tier (rolling 12-month spend against <see cref="LoyaltySettings.Tiers"/>),
/// the segments (<see cref="LoyaltySettings.Segments"/>), the personal offer, and when time alone will change any of
/// them (<see cref="CustomerSummary.NextReviewAt"/>, what the nightly timer looks for). Tests: CustomerStandingRulesTests.
/// </summary>
public static class CustomerStandingRules
{
    /// <summary>Personal offers target at most this many categories: the ones bought from most often in the window.</summary>
    public const int OfferCategories = 3;

    public const string OfferPromotionPrefix = "offer-";

    /// <summary>Recomputes everything that follows from the history at <paramref name="now"/>. Same instance when nothing changed.</summary>
    public static CustomerSummary Refresh(CustomerSummary summary, LoyaltySettings settings, string shopCurrency, DateTimeOffset now)
    {
        var folded = PurchaseHistoryRules.Fold(summary, now);
        var tier = MembershipTiers.For(folded.RollingSpend(shopCurrency, now), settings.Tiers);
        var segments = CustomerSegments.Of(folded, settings.Segments, shopCurrency, now);
        var offers = folded.Offers.Where(o => o.ValidUntil > now).ToList();
        var issued = folded.OffersIssued;
        if (offers.Count == 0 && NewOffer(folded, tier, settings, shopCurrency, now, issued + 1) is { } offer)
        {
            offers.Add(offer);
            issued++;
        }
        var refreshed = folded with { Tier = tier?.Name, Segments = segments, Offers = offers, OffersIssued = issued };
        refreshed = refreshed with { NextReviewAt = NextReviewAt(refreshed, settings, shopCurrency, now) };
        return Same(summary, refreshed) ? summary : refreshed;
    }

    /// <summary>
    /// The offer a customer gets when they have none: their tier's <see cref="MembershipTier.OfferPercent"/> off the
    /// (up to three) categories they bought from most often in the window, for <see cref="LoyaltySettings.OfferDays"/>.
    /// None without a tier, with an offer percent of 0, or without a kept order in the window.
    /// </summary>
    private static PersonalOffer? NewOffer(CustomerSummary summary, MembershipTier? tier, LoyaltySettings settings, string currency, DateTimeOffset now, int number)
    {
        if (tier is not { OfferPercent: > 0m }) return null;
        var categories = summary.InWindow(currency, now).SelectMany(o => o.LeafCategories.Distinct(StringComparer.Ordinal))
            .GroupBy(c => c, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(OfferCategories).Select(g => g.Key).ToList();
        if (categories.Count == 0) return null;
        var (promotionId, code) = OfferIds(summary.CustomerId, number);
        return new PersonalOffer(code, promotionId, tier.Name, tier.OfferPercent, categories, now, now.AddDays(settings.OfferDays));
    }

    /// <summary>
    /// The offer's promotion id and code, derived from the customer and the offer's number: issuing the same offer again
    /// (a retried event, a lost write) finds the promotion it created before instead of making another.
    /// The code need not be secret: the promotion is restricted to the customer (<see cref="Promotion.CustomerId"/>).
    /// </summary>
    public static (string PromotionId, string Code) OfferIds(string customerId, int number)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{number}"));
        return ($"{OfferPromotionPrefix}{Convert.ToHexStringLower(hash.AsSpan(0, 12))}", "YOU-" + Convert.ToHexString(hash.AsSpan(12, 5)));
    }

    /// <summary>The promotion behind an offer: percent off its categories, one use in all and for its customer only.</summary>
    public static Promotion PromotionFor(PersonalOffer offer, string customerId, DateTimeOffset now) => new()
    {
        Id = offer.PromotionId,
        Name = $"Your {offer.Tier} offer: {offer.Percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}% off",
        Description = "A personal offer for one order (docs/loyalty.md).",
        Kind = PromotionKind.PercentOff,
        Percent = offer.Percent,
        Target = new PromotionTarget(TargetKind.Categories, offer.CategoryIds),
        Stacking = Stacking.Stackable,
        Priority = 100,
        StartsAt = offer.ValidFrom,
        EndsAt = offer.ValidUntil,
        Code = offer.Code,
        UsageLimit = 1,
        PerCustomerLimit = 1,
        CustomerId = customerId,
        Eligibility = Eligibility.Everyone,
        Enabled = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The first moment after <paramref name="now"/> when time alone changes the tier, a segment or the offer.</summary>
    private static DateTimeOffset? NextReviewAt(CustomerSummary summary, LoyaltySettings settings, string currency, DateTimeOffset now) =>
        summary.InWindow(currency, now).Select(o => (DateTimeOffset?)o.PaidAt.AddMonths(PurchaseHistoryRules.WindowMonths))
            .Append(CustomerSegments.NextInactivityAt(summary, settings.Segments, now))
            .Concat(summary.Offers.Select(o => (DateTimeOffset?)o.ValidUntil))
            .Where(at => at is not null && at > now)
            .Min();

    private static bool Same(CustomerSummary a, CustomerSummary b) =>
        a.Orders.SequenceEqual(b.Orders) && a.Tier == b.Tier && a.Segments.SequenceEqual(b.Segments) && a.Offers.SequenceEqual(b.Offers)
        && a.OffersIssued == b.OffersIssued && a.NextReviewAt == b.NextReviewAt && a.ArchivedOrders.Count == b.ArchivedOrders.Count;
}
