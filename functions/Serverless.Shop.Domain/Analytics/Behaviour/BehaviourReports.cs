using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>A half-open range of UTC days [From, To) an analytics question is about.</summary>
public sealed record DayRange(DateOnly From, DateOnly To)
{
    public const int MaximumDays = 366;
    public const int DefaultDays = 7;

    /// <summary>
    /// The range a request names with <c>from</c> and <c>to</c> (yyyy-MM-dd, <c>to</c> excluded). Either may be left
    /// out: <c>to</c> is then tomorrow (today included), <c>from</c> seven days before <c>to</c>.
    /// </summary>
    /// <exception cref="ValidationFailedException">A date that is not one, <c>to</c> not after <c>from</c>, more than <see cref="MaximumDays"/> days.</exception>
    public static DayRange Parse(string? from, string? to, DateOnly today)
    {
        var v = new Validator();
        var start = Day(from, "from", v);
        var end = Day(to, "to", v);
        v.ThrowIfInvalid();
        var last = end ?? (start is { } s && s > today ? s.AddDays(DefaultDays) : today.AddDays(1));
        var first = start ?? last.AddDays(-DefaultDays);
        if (v.Check(last > first, "to", "must be after from (the range is [from, to): to is the first day left out)."))
            v.Check(last.DayNumber - first.DayNumber <= MaximumDays, "to", $"must be at most {MaximumDays} days after from.");
        v.ThrowIfInvalid();
        return new(first, last);
    }

    private static DateOnly? Day(string? text, string field, Validator v)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        v.Add(field, "must be a date as yyyy-MM-dd.");
        return null;
    }

    public IEnumerable<DateOnly> Days()
    {
        for (var d = From; d < To; d = d.AddDays(1)) yield return d;
    }
}

public sealed record FunnelView(
    DateOnly From, DateOnly To, string? ProductId, long Viewed, long AddedToCart, long StartedCheckout, long Purchased,
    decimal? CartRate, decimal? CheckoutRate, decimal? PurchaseRate, decimal? ConversionRate);

/// <summary>Visible time on a page type or a product's pages: the average per page view, the total, and the page views it was measured on.</summary>
public sealed record TimeOnPage(string Key, long AverageMs, long TotalMs, long PageViews);

public sealed record PageCount(string Page, long Sessions);

public sealed record PagesView(
    DateOnly From, DateOnly To, long Sessions, long Bounces, decimal? BounceRate,
    IReadOnlyList<TimeOnPage> TimeByPageType, IReadOnlyList<TimeOnPage> TimeByProduct,
    IReadOnlyList<PageCount> EntryPages, IReadOnlyList<PageCount> ExitPages);

public sealed record PagePath(string From, string To, long Count);

public sealed record PathsView(DateOnly From, DateOnly To, int Top, IReadOnlyList<PagePath> Paths);

public sealed record SessionsDay(DateOnly Day, long Sessions, long PageViews, long Bounces, long? AverageDurationMs);

public sealed record SessionsView(
    DateOnly From, DateOnly To, long Sessions, long PageViews, long Bounces, decimal? BounceRate, long? AverageDurationMs,
    decimal? AveragePageViews, IReadOnlyList<SessionsDay> Days);

/// <summary>
/// The behaviour figures, read (docs/analytics.md#behaviour): folded days from their documents (one query), and the
/// days not folded yet (today, yesterday until it closes) from their sessions, one query per such day. Raw events are
/// never read here.
/// </summary>
public sealed class BehaviourReports(IBehaviourStore store, TimeProvider clock)
{
    public const int MaximumTop = 100;
    public const int DefaultTop = 20;

    public DateOnly Today => SessionTrail.DayOf(clock.GetUtcNow());

    public async Task<FunnelCounts> FunnelAsync(DateOnly from, DateOnly to, string? productId, CancellationToken ct)
    {
        var days = await DaysAsync(new(from, to), ct);
        var purchases = await store.ReadPurchasesAsync(from, to, ct);
        var clicks = productId is null
            ? days.Aggregate(FunnelTally.Zero, (sum, d) => sum.Plus(d.Funnel))
            : days.Aggregate(FunnelTally.Zero, (sum, d) => sum.Plus(d.Products.GetValueOrDefault(productId) ?? FunnelTally.Zero));
        var purchased = productId is null ? purchases.Sum(p => p.Orders) : purchases.Sum(p => p.Products.GetValueOrDefault(productId));
        return new(clicks.Viewed, clicks.AddedToCart, clicks.StartedCheckout, purchased);
    }

    public async Task<FunnelView> FunnelAsync(DayRange range, string? productId, CancellationToken ct)
    {
        if (productId is not null && !Ids.IsWellFormed(productId))
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["productId"] = ["is not a product id."] });
        var f = await FunnelAsync(range.From, range.To, productId, ct);
        return new(range.From, range.To, productId, f.Viewed, f.AddedToCart, f.StartedCheckout, f.Purchased,
            Rate(f.AddedToCart, f.Viewed), Rate(f.StartedCheckout, f.AddedToCart), Rate(f.Purchased, f.StartedCheckout), Rate(f.Purchased, f.Viewed));
    }

    public async Task<PagesView> PagesAsync(DayRange range, int? top, CancellationToken ct)
    {
        var n = Top(top);
        var all = Sum(range, await DaysAsync(range, ct));
        return new(range.From, range.To, all.Sessions, all.Bounces, Rate(all.Bounces, all.Sessions),
            Times(all.TimeByPageType, int.MaxValue), Times(all.TimeByProduct, n), Counts(all.EntryPages, n), Counts(all.ExitPages, n));
    }

    public async Task<PathsView> PathsAsync(DayRange range, int? top, CancellationToken ct)
    {
        var n = Top(top);
        var all = Sum(range, await DaysAsync(range, ct));
        var paths = all.Transitions.SelectMany(from => from.Value.Select(to => new PagePath(from.Key, to.Key, to.Value)))
            .OrderByDescending(p => p.Count).ThenBy(p => p.From, StringComparer.Ordinal).ThenBy(p => p.To, StringComparer.Ordinal).Take(n).ToList();
        return new(range.From, range.To, n, paths);
    }

    public async Task<SessionsView> SessionsAsync(DayRange range, CancellationToken ct)
    {
        var days = await DaysAsync(range, ct);
        var all = Sum(range, days);
        return new(range.From, range.To, all.Sessions, all.PageViews, all.Bounces, Rate(all.Bounces, all.Sessions), Average(all.DurationMs, all.Sessions),
            Rate(all.PageViews, all.Sessions),
            [.. days.Where(d => d.Sessions > 0).OrderBy(d => d.Day).Select(d => new SessionsDay(d.Day, d.Sessions, d.PageViews, d.Bounces, Average(d.DurationMs, d.Sessions)))]);
    }

    /// <summary>Each day of the range that has figures: folded, or (within the late window) folded now from its sessions.</summary>
    private async Task<IReadOnlyList<BehaviourDay>> DaysAsync(DayRange range, CancellationToken ct)
    {
        var folded = (await store.ReadDaysAsync(range.From, range.To, ct)).ToDictionary(d => d.Day);
        var today = Today;
        var open = range.Days().Where(d => !folded.ContainsKey(d) && d >= today.AddDays(-ProcessClickstream.LateDays) && d <= today.AddDays(1));
        var days = folded.Values.ToList();
        foreach (var day in open) days.Add(await ProcessClickstream.FoldAsync(store, day, ct));
        return days;
    }

    private static BehaviourDay Sum(DayRange range, IReadOnlyList<BehaviourDay> days) =>
        days.Aggregate(new BehaviourTally(), (t, d) => t.Add(d)).ToDay(range.From);

    private static int Top(int? top)
    {
        if (top is null) return DefaultTop;
        if (top is < 1 or > MaximumTop)
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["top"] = [$"must be from 1 to {MaximumTop}."] });
        return top.Value;
    }

    private static IReadOnlyList<TimeOnPage> Times(IReadOnlyDictionary<string, TimeTally> times, int top) =>
        [.. times.Where(t => t.Value.Count > 0).OrderByDescending(t => t.Value.Count).ThenBy(t => t.Key, StringComparer.Ordinal).Take(top)
            .Select(t => new TimeOnPage(t.Key, t.Value.AverageMs!.Value, t.Value.TotalMs, t.Value.Count))];

    private static IReadOnlyList<PageCount> Counts(IReadOnlyDictionary<string, long> counts, int top) =>
        [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(top).Select(c => new PageCount(c.Key, c.Value))];

    private static decimal? Rate(long part, long whole) => whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);

    private static long? Average(long total, long count) => count == 0 ? null : total / count;
}

/// <summary>What the behaviour processors built, for other capabilities (the reports): the funnel and the abandoned carts.</summary>
public sealed class BehaviourAnalytics(BehaviourReports reports, ReadAbandonedCarts carts) : IBehaviourAnalytics
{
    public Task<FunnelCounts> FunnelAsync(DateOnly from, DateOnly to, string? productId, CancellationToken ct) => reports.FunnelAsync(from, to, productId, ct);

    public Task<IReadOnlyList<AbandonedCartDay>> AbandonedCartsAsync(DateOnly from, DateOnly to, CancellationToken ct) => carts.AbandonedCartsAsync(from, to, ct);
}
