using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Marketing.Attribution;

/// <summary>How long after an email touch an order still counts for its campaign or flow (<c>Marketing:AttributionWindowDays</c>).</summary>
public sealed record EmailAttributionSettings(TimeSpan Window)
{
    public const int DefaultWindowDays = 5;
    public const int MaximumWindowDays = 90;

    /// <summary>Five days, Klaviyo's default window for an email click.</summary>
    public static readonly EmailAttributionSettings Default = new(TimeSpan.FromDays(DefaultWindowDays));
}

/// <summary>A paid order credited to one campaign or flow: its total in the order's currency, in minor units (cents).</summary>
public sealed record AttributedOrder(string CampaignId, string OrderNumber, DateTimeOffset PlacedAt, string Currency, long MinorUnits);

/// <summary>
/// The orders credited to one campaign or flow and their revenue, per currency in minor units (never converted: a shop
/// selling in EUR and GBP sees both).
/// </summary>
public sealed record AttributedRevenue(long Orders, IReadOnlyDictionary<string, long> MinorUnitsByCurrency)
{
    public static readonly AttributedRevenue None = new(0, new Dictionary<string, long>());

    /// <summary>The revenue as money, one amount per currency, ordered by currency code.</summary>
    public IReadOnlyList<Money> Amounts =>
        [.. MinorUnitsByCurrency.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => MoneyRounding.ToMoney(c.Value, c.Key))];
}

/// <summary>What was credited to a campaign or flow id (the <c>utm_campaign</c> of its links); <see cref="AttributedRevenue.None"/> when nothing was.</summary>
public interface IAttributedRevenueReader
{
    Task<AttributedRevenue> ReadAsync(string campaignOrFlowId, CancellationToken ct);
}

/// <summary>The counters behind <see cref="IAttributedRevenueReader"/>.</summary>
public interface IAttributedRevenueCounters : IAttributedRevenueReader
{
    /// <summary>
    /// Adds the order to its campaign's counters, once: true when this call counted it, false when it was counted before
    /// (a replayed or redelivered event). Counting and remembering the order are one atomic write, so no crash can count
    /// an order twice or leave it remembered but uncounted.
    /// </summary>
    Task<bool> CountAsync(AttributedOrder order, CancellationToken ct);
}

/// <summary>
/// Which email campaign or flow an order is credited to: the latest touch of its journey (last touch, else first) that
/// came from an email link (<c>utm_medium=email</c>, any case, with a <c>utm_campaign</c> the shop could have issued)
/// and was captured within the window before the order was placed. A later touch from another channel (an ad, a search)
/// does not take the credit away, as in Klaviyo: the question is "did the shopper come from this email shortly before
/// buying", not "which channel was last". docs/marketing.md, "Attributed revenue". Tests: EmailRevenueAttributionTests.
/// </summary>
public static class EmailAttribution
{
    /// <summary>The <c>utm_medium</c> of every campaign and flow link.</summary>
    public const string EmailMedium = Campaigns.CampaignTemplates.UtmMedium;

    public static MarketingTouch? TouchOf(CartAttribution? journey, DateTimeOffset placedAt, TimeSpan window)
    {
        if (journey is null) return null;
        MarketingTouch[] touches = journey.LastTouch == journey.FirstTouch ? [journey.LastTouch] : [journey.LastTouch, journey.FirstTouch];
        return touches
            .Where(t => string.Equals(t.UtmMedium, EmailMedium, StringComparison.OrdinalIgnoreCase) && Ids.IsWellFormed(t.UtmCampaign))
            // The capture time is the shopper's clock: it may run a little ahead of the order's (AttributionRules allows as much).
            .Where(t => t.CapturedAt >= placedAt - window && t.CapturedAt <= placedAt + AttributionRules.AllowedClockSkew)
            .OrderByDescending(t => t.CapturedAt)
            .FirstOrDefault();
    }
}

/// <summary>
/// When an order is paid (an <see cref="IOrderChangeReaction"/> on <see cref="OrderChange.Paid"/>), credits it to the
/// email campaign or flow its journey names (<see cref="EmailAttribution"/>): one order more and its total, in its
/// currency. Once per order however often the reaction runs (<see cref="IAttributedRevenueCounters.CountAsync"/>).
/// Paid, not placed: an order whose payment never came is no revenue. Refunds and cancellations after payment do not
/// take it back (the credit is for the sale the email brought, as Klaviyo's placed-order revenue is).
/// </summary>
public sealed class AttributeEmailRevenue(IAttributedRevenueCounters counters, EmailAttributionSettings settings) : IOrderChangeReaction
{
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (Credit(order, entry, settings) is { } credited) await counters.CountAsync(credited, ct);
    }

    /// <summary>What the order credits to which campaign on this history entry; null when nothing.</summary>
    public static AttributedOrder? Credit(Order order, OrderHistoryEntry entry, EmailAttributionSettings settings)
    {
        if (entry.Change != OrderChange.Paid || EmailAttribution.TouchOf(order.Attribution, order.CreatedAt, settings.Window) is not { } touch) return null;
        var total = order.Pricing.Total;
        return new AttributedOrder(touch.UtmCampaign!, order.Number, order.CreatedAt, total.Currency,
            MoneyRounding.ToMinorUnits(total.Amount, Currencies.MinorDigits(total.Currency)));
    }
}
