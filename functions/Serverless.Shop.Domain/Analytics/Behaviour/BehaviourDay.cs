namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>
/// The behaviour figures of one UTC day, folded from that day's sessions (<see cref="BehaviourTally"/>): sessions,
/// bounces, page views and time, the clickstream's funnel steps for the shop and per product, visible time per page
/// type and per product, entry and exit pages, and the page-to-page transitions (from → to → sessions' steps).
/// </summary>
public sealed record BehaviourDay(
    DateOnly Day, long Sessions, long Bounces, long PageViews, long DurationMs,
    FunnelTally Funnel, IReadOnlyDictionary<string, FunnelTally> Products,
    IReadOnlyDictionary<string, TimeTally> TimeByPageType, IReadOnlyDictionary<string, TimeTally> TimeByProduct,
    IReadOnlyDictionary<string, long> EntryPages, IReadOnlyDictionary<string, long> ExitPages,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Transitions);

/// <summary>
/// Adds sessions and days up. Sums are exact; only the long tails are bounded so that a day stays one document: beyond
/// <see cref="MaximumPages"/> pages (entry, exit, time by page type), <see cref="MaximumTransitions"/> transitions and
/// <see cref="MaximumProducts"/> products a day keeps the largest and adds the rest up under <see cref="Other"/>.
/// </summary>
public sealed class BehaviourTally
{
    public const int MaximumPages = 500;
    public const int MaximumTransitions = 2000;
    public const int MaximumProducts = 5000;

    /// <summary>The key under which a day's long tail is added up.</summary>
    public const string Other = "(other)";

    private long _sessions, _bounces, _pageViews, _durationMs;
    private FunnelTally _funnel = FunnelTally.Zero;
    private readonly Dictionary<string, FunnelTally> _products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeTally> _timeByPageType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeTally> _timeByProduct = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _entry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _exit = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), long> _transitions = [];

    public BehaviourTally Add(SessionSummary s)
    {
        _sessions++;
        if (s.Bounced) _bounces++;
        _pageViews += s.PageCount;
        _durationMs += s.DurationMs;
        _funnel = _funnel.Plus(new(s.Viewed.Count > 0 ? 1 : 0, s.AddedToCart.Count > 0 ? 1 : 0, s.StartedCheckout ? 1 : 0));
        // A product's checkout step: the session added it to a cart and started a checkout.
        foreach (var product in s.Viewed.Union(s.AddedToCart))
            AddTo(_products, product, new FunnelTally(s.Viewed.Contains(product) ? 1 : 0, s.AddedToCart.Contains(product) ? 1 : 0,
                s.StartedCheckout && s.AddedToCart.Contains(product) ? 1 : 0));
        foreach (var (page, time) in s.TimeByPageType) AddTo(_timeByPageType, page, time);
        foreach (var (product, time) in s.TimeByProduct) AddTo(_timeByProduct, product, time);
        if (s.EntryPage is { } entry) _entry[entry] = _entry.GetValueOrDefault(entry) + 1;
        if (s.ExitPage is { } exit) _exit[exit] = _exit.GetValueOrDefault(exit) + 1;
        foreach (var step in s.Transitions) _transitions[step] = _transitions.GetValueOrDefault(step) + 1;
        return this;
    }

    public BehaviourTally Add(BehaviourDay d)
    {
        _sessions += d.Sessions;
        _bounces += d.Bounces;
        _pageViews += d.PageViews;
        _durationMs += d.DurationMs;
        _funnel = _funnel.Plus(d.Funnel);
        foreach (var (product, funnel) in d.Products) AddTo(_products, product, funnel);
        foreach (var (page, time) in d.TimeByPageType) AddTo(_timeByPageType, page, time);
        foreach (var (product, time) in d.TimeByProduct) AddTo(_timeByProduct, product, time);
        foreach (var (page, n) in d.EntryPages) _entry[page] = _entry.GetValueOrDefault(page) + n;
        foreach (var (page, n) in d.ExitPages) _exit[page] = _exit.GetValueOrDefault(page) + n;
        foreach (var (from, next) in d.Transitions)
            foreach (var (to, n) in next) _transitions[(from, to)] = _transitions.GetValueOrDefault((from, to)) + n;
        return this;
    }

    /// <summary>The figures so far as one day's (the long tails bounded, see the class).</summary>
    public BehaviourDay ToDay(DateOnly day)
    {
        var transitions = Bounded(_transitions.ToDictionary(t => t.Key.Item1 + "\n" + t.Key.Item2, t => t.Value, StringComparer.Ordinal), MaximumTransitions, (a, b) => a + b);
        var nested = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var group in transitions.GroupBy(t => t.Key == Other ? Other : t.Key[..t.Key.IndexOf('\n')], StringComparer.Ordinal))
            nested[group.Key] = group.ToDictionary(t => t.Key == Other ? Other : t.Key[(t.Key.IndexOf('\n') + 1)..], t => t.Value, StringComparer.Ordinal);
        return new(day, _sessions, _bounces, _pageViews, _durationMs, _funnel,
            Bounded(_products, MaximumProducts, (a, b) => a.Plus(b), f => f.Viewed + f.AddedToCart),
            Bounded(_timeByPageType, MaximumPages, (a, b) => a.Plus(b), t => t.Count),
            Bounded(_timeByProduct, MaximumProducts, (a, b) => a.Plus(b), t => t.Count),
            Bounded(_entry, MaximumPages, (a, b) => a + b), Bounded(_exit, MaximumPages, (a, b) => a + b), nested);
    }

    private static void AddTo(Dictionary<string, FunnelTally> into, string key, FunnelTally value) =>
        into[key] = into.TryGetValue(key, out var had) ? had.Plus(value) : value;

    private static void AddTo(Dictionary<string, TimeTally> into, string key, TimeTally value) =>
        into[key] = into.TryGetValue(key, out var had) ? had.Plus(value) : value;

    private static Dictionary<string, long> Bounded(Dictionary<string, long> all, int maximum, Func<long, long, long> plus) =>
        Bounded(all, maximum, plus, n => n);

    private static Dictionary<string, T> Bounded<T>(Dictionary<string, T> all, int maximum, Func<T, T, T> plus, Func<T, long> size)
    {
        if (all.Count <= maximum) return new(all, StringComparer.Ordinal);
        var ranked = all.Where(e => e.Key != Other).OrderByDescending(e => size(e.Value)).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        var kept = ranked.Take(maximum - 1).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var rest = ranked.Skip(maximum - 1).Select(e => e.Value);
        if (all.TryGetValue(Other, out var other)) rest = rest.Append(other);
        kept[Other] = rest.Aggregate(plus);
        return kept;
    }
}
