using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// One paid order as the purchase history counts it: what the customer kept of it (<see cref="Spend"/>: captured less
/// refunded, 0 once cancelled or returned) and the categories of its products when it was first seen paid. Its status
/// is not kept: the order store has it, and a status change that moves no money then costs no write here.
/// </summary>
/// <param name="Categories">Every category on the products' paths (root to leaf), for "bought from category X".</param>
/// <param name="LeafCategories">The products' own (deepest) categories, which personal offers target.</param>
/// <param name="Sequence">The order's last history entry when its spend last changed: an older copy of the order (read by a slower, concurrent event) is ignored.</param>
public sealed record HistoryOrder(
    string Number, string Currency, decimal Spend, DateTimeOffset PaidAt,
    IReadOnlyList<string> Categories, IReadOnlyList<string> LeafCategories, long Sequence)
{
    /// <summary>An order counts (in the order count, the segments, the tier) while the customer kept something of it.</summary>
    public bool Kept => Spend > 0m;
}

/// <summary>
/// A personal offer (docs/loyalty.md#personalised-offers): a single-use code for <see cref="Percent"/> off the
/// categories the customer buys from, valid from <see cref="ValidFrom"/> until <see cref="ValidUntil"/>, usable by this
/// customer only. The code is a stored promotion (<see cref="PromotionId"/>), so checkout holds and redeems it like any coupon.
/// </summary>
public sealed record PersonalOffer(
    string Code, string PromotionId, string Tier, decimal Percent, IReadOnlyList<string> CategoryIds, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil);

/// <summary>
/// What the shop keeps about a customer's buying, kept from order events (never by scanning orders): the paid orders of
/// the last 13 months one by one (<see cref="Orders"/>), older ones folded into totals, and what follows from them:
/// the membership tier, the segments and the personal offers. The rules are in <see cref="PurchaseHistoryRules"/> and
/// <see cref="CustomerStandingRules"/>.
/// </summary>
public sealed record CustomerSummary(string CustomerId, IReadOnlyList<HistoryOrder> Orders)
{
    /// <summary>Spend per currency of the orders folded out of <see cref="Orders"/> (paid more than 13 months ago).</summary>
    public IReadOnlyDictionary<string, decimal> ArchivedSpend { get; init; } = new Dictionary<string, decimal>();
    public int ArchivedOrderCount { get; init; }
    public IReadOnlyList<string> ArchivedCategories { get; init; } = [];
    public DateTimeOffset? ArchivedLastOrderAt { get; init; }

    /// <summary>The numbers of the folded orders (the latest <see cref="ArchivedOrdersKept"/>), so a replayed event of one does not count it again.</summary>
    public IReadOnlyList<string> ArchivedOrders { get; init; } = [];

    public string? Tier { get; init; }
    public IReadOnlyList<string> Segments { get; init; } = [];

    /// <summary>The profile's language and consents as last told by the profile (<see cref="Customers.ICustomerProfileFollower"/>), for segments; null: never changed.</summary>
    public Customers.ProfileFacts? Profile { get; init; }

    /// <summary>The personal offers still valid (expired ones drop out when the summary is next refreshed).</summary>
    public IReadOnlyList<PersonalOffer> Offers { get; init; } = [];

    /// <summary>How many offers were ever issued: numbers the next one, so issuing it again after a failed write finds the same promotion.</summary>
    public int OffersIssued { get; init; }

    /// <summary>When the nightly timer must look again (a tier or segment that time alone can change, an offer that runs out); null: never by itself.</summary>
    public DateTimeOffset? NextReviewAt { get; init; }

    public const int ArchivedOrdersKept = 1000;

    public static CustomerSummary Empty(string customerId) => new(customerId, []);

    public bool Knows(string orderNumber) => Orders.Any(o => o.Number == orderNumber) || ArchivedOrders.Contains(orderNumber);

    /// <summary>Lifetime spend per currency: everything kept of every paid order.</summary>
    public IReadOnlyDictionary<string, decimal> LifetimeSpend =>
        Orders.Where(o => o.Kept).Select(o => (o.Currency, o.Spend)).Concat(ArchivedSpend.Select(a => (Currency: a.Key, Spend: a.Value)))
            .GroupBy(s => s.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Spend), StringComparer.Ordinal);

    /// <summary>Paid orders the customer kept (not cancelled, returned or fully refunded).</summary>
    public int OrderCount => ArchivedOrderCount + Orders.Count(o => o.Kept);

    public DateTimeOffset? LastOrderAt => Orders.Where(o => o.Kept).Select(o => (DateTimeOffset?)o.PaidAt).Append(ArchivedLastOrderAt).Max();

    /// <summary>Every category bought from (paths included), of orders kept.</summary>
    public IReadOnlyList<string> Categories =>
        [.. Orders.Where(o => o.Kept).SelectMany(o => o.Categories).Concat(ArchivedCategories).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>What the customer spent in <paramref name="currency"/> in the 12 months before <paramref name="now"/>.</summary>
    public decimal RollingSpend(string currency, DateTimeOffset now) => InWindow(currency, now).Sum(o => o.Spend);

    /// <summary>The same spend by calendar month (UTC, "yyyy-MM"), oldest first, months with no spend left out.</summary>
    public IReadOnlyList<MonthlySpend> SpendByMonth(string currency, DateTimeOffset now) =>
        [.. InWindow(currency, now).GroupBy(o => o.PaidAt.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new MonthlySpend(g.Key, g.Sum(o => o.Spend)))];

    internal IEnumerable<HistoryOrder> InWindow(string currency, DateTimeOffset now) =>
        Orders.Where(o => o.Kept && o.Currency == currency && o.PaidAt > now.AddMonths(-PurchaseHistoryRules.WindowMonths) && o.PaidAt <= now);
}

public sealed record MonthlySpend(string Month, decimal Amount);

/// <summary>
/// Keeps the purchase history in line with order events. Like the points (<see cref="PointsRules"/>), each rule compares
/// the summary with the order as it stands now and records only the difference, so a replayed, retried or out-of-order
/// event never counts an order twice. Tests: PurchaseHistoryRulesTests.
/// </summary>
public static class PurchaseHistoryRules
{
    /// <summary>The rolling window of tiers and "spent over" segments.</summary>
    public const int WindowMonths = 12;

    /// <summary>Orders stay one by one for a month past the window (a late refund still finds them), then are folded.</summary>
    public const int KeptMonths = WindowMonths + 1;

    /// <summary>Whether applying the order will add it (so the caller must look up its products' categories first).</summary>
    public static bool IsNew(CustomerSummary summary, Order order) =>
        order.CustomerId == summary.CustomerId && order.CapturedAmount > 0m && !summary.Knows(order.Number);

    /// <summary>
    /// Brings the summary in line with <paramref name="order"/>: a paid order seen for the first time is added with
    /// <paramref name="categories"/>; a known one has its spend and status updated (a refund, return or cancellation
    /// reduces the spend). Returns the same instance when nothing changed; an order folded into the totals is not touched
    /// again, nor is one already applied in a later state (two events of one order handled at once each read it).
    /// </summary>
    public static CustomerSummary Apply(CustomerSummary summary, Order order, OrderCategories categories)
    {
        if (order.CustomerId != summary.CustomerId || summary.ArchivedOrders.Contains(order.Number)) return summary;
        var existing = summary.Orders.FirstOrDefault(o => o.Number == order.Number);
        if (existing is null)
        {
            if (order.CapturedAmount <= 0m) return summary;
            var added = new HistoryOrder(order.Number, order.Currency, SpendOf(order), order.PaidAt ?? order.CreatedAt, categories.All, categories.Leaves, order.LastSequence);
            return summary with { Orders = [.. summary.Orders, added] };
        }
        var spend = SpendOf(order);
        if (order.LastSequence <= existing.Sequence || spend == existing.Spend) return summary;
        var updated = existing with { Spend = spend, Sequence = order.LastSequence };
        return summary with { Orders = [.. summary.Orders.Select(o => o == existing ? updated : o)] };
    }

    /// <summary>What the customer kept of the order: the money captured less what was refunded; nothing once it was cancelled or returned.</summary>
    public static decimal SpendOf(Order order) =>
        order.Status is OrderStatus.Cancelled or OrderStatus.Returned || order.LastEntryOf(OrderChange.Returned) is not null
            ? 0m
            : Math.Max(0m, order.CapturedAmount - order.RefundedAmount);

    /// <summary>Folds the orders paid more than <see cref="KeptMonths"/> ago into the totals. Same instance when none are that old.</summary>
    public static CustomerSummary Fold(CustomerSummary summary, DateTimeOffset now)
    {
        var cutoff = now.AddMonths(-KeptMonths);
        var old = summary.Orders.Where(o => o.PaidAt < cutoff).ToList();
        if (old.Count == 0) return summary;
        var kept = old.Where(o => o.Kept).ToList();
        var spend = new Dictionary<string, decimal>(summary.ArchivedSpend, StringComparer.Ordinal);
        foreach (var o in kept) spend[o.Currency] = spend.GetValueOrDefault(o.Currency) + o.Spend;
        return summary with
        {
            Orders = [.. summary.Orders.Where(o => o.PaidAt >= cutoff)],
            ArchivedSpend = spend,
            ArchivedOrderCount = summary.ArchivedOrderCount + kept.Count,
            ArchivedCategories = [.. summary.ArchivedCategories.Concat(kept.SelectMany(o => o.Categories)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            ArchivedLastOrderAt = kept.Select(o => (DateTimeOffset?)o.PaidAt).Append(summary.ArchivedLastOrderAt).Max(),
            ArchivedOrders = [.. summary.ArchivedOrders.Concat(old.Select(o => o.Number)).TakeLast(CustomerSummary.ArchivedOrdersKept)],
        };
    }
}

/// <summary>The categories of an order's products, looked up once when the history first sees the order paid.</summary>
public sealed record OrderCategories(IReadOnlyList<string> All, IReadOnlyList<string> Leaves)
{
    public static readonly OrderCategories None = new([], []);
}
