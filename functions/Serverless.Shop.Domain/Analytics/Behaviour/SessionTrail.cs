using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>
/// One clickstream event as a session keeps it: what the behaviour figures need and nothing else (no address, no
/// referrer, no search text).
/// </summary>
public sealed record TrailEvent(
    string EventId, ClickstreamEventType Type, DateTimeOffset OccurredAt, string PageType, string Path, string? ProductId = null, long? VisibleMs = null)
{
    public static TrailEvent From(ClickstreamEvent e) => new(e.EventId, e.Type, e.OccurredAt, e.PageType, e.Path, e.ProductId, e.VisibleMs);
}

/// <summary>
/// A session's events, keyed by session id and the UTC day they happened on (a session across midnight is two), as
/// they arrive from any number of capture files in any order.
/// </summary>
public static class SessionTrail
{
    /// <summary>More events than this in one session and day are not kept: no shopper clicks that much, a script does.</summary>
    public const int MaximumEvents = 1000;

    /// <summary>The UTC day an event counts on.</summary>
    public static DateOnly DayOf(DateTimeOffset occurredAt) => DateOnly.FromDateTime(occurredAt.UtcDateTime);

    /// <summary>
    /// The trail with the incoming events added, once each by event id (a batch sent twice, or a capture file read
    /// again, adds nothing), in the order they happened. Returns how many were new; 0 means the trail is unchanged.
    /// </summary>
    public static (IReadOnlyList<TrailEvent> Trail, int Added) Merge(IReadOnlyList<TrailEvent> trail, IEnumerable<TrailEvent> incoming)
    {
        var known = trail.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var added = new List<TrailEvent>();
        foreach (var e in incoming)
        {
            if (known.Count >= MaximumEvents) break;
            if (known.Add(e.EventId)) added.Add(e);
        }
        if (added.Count == 0) return (trail, 0);
        return ([.. trail.Concat(added).OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId, StringComparer.Ordinal)], added.Count);
    }
}

/// <summary>
/// What one session did on one day, worked out from its events (<see cref="Of"/>): the pages it saw in order (page
/// views only), how long it lasted, the funnel steps it reached, and the visible time it spent per page type and product.
/// </summary>
/// <param name="PageCount">Page views; a bounce is a session with exactly one.</param>
/// <param name="DurationMs">From its first event to its last (a session of one event lasts 0).</param>
/// <param name="Viewed">Products it viewed (a product view, or a page view of a product page).</param>
/// <param name="AddedToCart">Products it added to a cart.</param>
/// <param name="StartedCheckout">Whether it started a checkout.</param>
public sealed record SessionSummary(
    string? EntryPage, string? ExitPage, int PageCount, long DurationMs,
    IReadOnlyList<(string From, string To)> Transitions,
    IReadOnlySet<string> Viewed, IReadOnlySet<string> AddedToCart, bool StartedCheckout,
    IReadOnlyDictionary<string, TimeTally> TimeByPageType, IReadOnlyDictionary<string, TimeTally> TimeByProduct)
{
    public bool Bounced => PageCount == 1;

    /// <summary>The page types the beacon knows; any other page is named by its path.</summary>
    public static readonly IReadOnlySet<string> PageTypes = new HashSet<string>(["home", "category", "product", "search", "cart", "checkout"], StringComparer.Ordinal);

    /// <summary>How a page is named in entry, exit and path figures: its type, or its path when it is of no known type.</summary>
    public static string PageKey(string pageType, string path) => PageTypes.Contains(pageType) ? pageType : path.Length > 200 ? path[..200] : path;

    /// <param name="trail">The session's events, in the order they happened (<see cref="SessionTrail.Merge"/>).</param>
    public static SessionSummary Of(IReadOnlyList<TrailEvent> trail)
    {
        var views = trail.Where(e => e.Type == ClickstreamEventType.PageView).Select(e => PageKey(e.PageType, e.Path)).ToList();
        var transitions = views.Zip(views.Skip(1), (from, to) => (from, to)).ToList();
        var viewed = trail
            .Where(e => e.ProductId is { Length: > 0 } && (e.Type == ClickstreamEventType.ProductView || (e.Type == ClickstreamEventType.PageView && e.PageType == "product")))
            .Select(e => e.ProductId!).ToHashSet(StringComparer.Ordinal);
        var carted = trail.Where(e => e.Type == ClickstreamEventType.AddToCart && e.ProductId is { Length: > 0 }).Select(e => e.ProductId!).ToHashSet(StringComparer.Ordinal);
        var timed = TimedPages(trail);
        var byType = Tally(timed, t => PageKey(t.Event.PageType, t.Event.Path));
        var byProduct = Tally(timed.Where(t => t.Event.ProductId is { Length: > 0 }), t => t.Event.ProductId!);
        var duration = trail.Count == 0 ? 0 : (long)(trail[^1].OccurredAt - trail[0].OccurredAt).TotalMilliseconds;
        return new(views.FirstOrDefault(), views.LastOrDefault(), views.Count, duration, transitions, viewed, carted,
            trail.Any(e => e.Type == ClickstreamEventType.CheckoutStart), byType, byProduct);
    }

    /// <summary>
    /// The page-time reports, each with the page view it was measured on: the beacon reports a page's visible time with
    /// the page's path (once each time the page is hidden, so one view may report several times), so a report belongs to
    /// the latest page view of its path before it, and takes that view's product when it names none.
    /// </summary>
    private static List<(TrailEvent Event, int View)> TimedPages(IReadOnlyList<TrailEvent> trail)
    {
        var viewOfPath = new Dictionary<string, (int Index, string? ProductId)>(StringComparer.Ordinal);
        var timed = new List<(TrailEvent, int)>();
        for (var i = 0; i < trail.Count; i++)
        {
            var e = trail[i];
            if (e.Type == ClickstreamEventType.PageView) viewOfPath[e.Path] = (i, e.ProductId);
            else if (e.Type == ClickstreamEventType.PageTime && e.VisibleMs is >= 0)
            {
                // A report with no page view before it (that view is in a file still to come) counts as a view of its own.
                var (view, product) = viewOfPath.TryGetValue(e.Path, out var seen) ? seen : (-1 - i, null);
                timed.Add((e.ProductId is { Length: > 0 } ? e : e with { ProductId = product }, view));
            }
        }
        return timed;
    }

    /// <summary>Visible time summed per key, with the number of page views it was measured on.</summary>
    private static Dictionary<string, TimeTally> Tally(IEnumerable<(TrailEvent Event, int View)> timed, Func<(TrailEvent Event, int View), string> key) =>
        timed.GroupBy(key, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => new TimeTally(g.Sum(t => t.Event.VisibleMs!.Value), g.Select(t => t.View).Distinct().LongCount()), StringComparer.Ordinal);
}

/// <summary>Visible time on pages: the sum in milliseconds and the number of page views it was measured on (their average is the time on page).</summary>
public sealed record TimeTally(long TotalMs, long Count)
{
    public long? AverageMs => Count == 0 ? null : TotalMs / Count;

    public TimeTally Plus(TimeTally other) => new(TotalMs + other.TotalMs, Count + other.Count);
}

/// <summary>Sessions that reached each step the clickstream shows (purchases come from paid orders, see <see cref="PurchasesDay"/>).</summary>
public sealed record FunnelTally(long Viewed, long AddedToCart, long StartedCheckout)
{
    public static readonly FunnelTally Zero = new(0, 0, 0);

    public FunnelTally Plus(FunnelTally o) => new(Viewed + o.Viewed, AddedToCart + o.AddedToCart, StartedCheckout + o.StartedCheckout);
}
