using System.Runtime.CompilerServices;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Behaviour;

/// <summary>Clickstream events for tests: a session's clicks at given minutes past a start.</summary>
internal static class Clicks
{
    public static readonly DateTimeOffset Day = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    public static ClickstreamEvent Page(string session, int minute, string pageType, string path, string? productId = null, string? id = null) =>
        Event(session, minute, ClickstreamEventType.PageView, pageType, path, productId, id: id);

    public static ClickstreamEvent Time(string session, int minute, string pageType, string path, long visibleMs, string? productId = null) =>
        Event(session, minute, ClickstreamEventType.PageTime, pageType, path, productId, visibleMs);

    public static ClickstreamEvent Event(string session, int minute, ClickstreamEventType type, string pageType, string path,
        string? productId = null, long? visibleMs = null, string? id = null, DateTimeOffset? start = null) =>
        new(id ?? Guid.NewGuid().ToString("N"), type, session, (start ?? Day).AddMinutes(minute), (start ?? Day).AddMinutes(minute + 1),
            path, pageType, productId, VisibleMs: visibleMs);

    public static IReadOnlyList<TrailEvent> Trail(params ClickstreamEvent[] events) =>
        SessionTrail.Merge([], events.Select(TrailEvent.From)).Trail;
}

/// <summary>Capture files in memory, in the order they were written.</summary>
internal sealed class ListArchive : IClickstreamArchive
{
    private readonly List<(CapturedFile File, IReadOnlyList<ClickstreamEvent> Events)> _files = [];

    public CapturedFile Write(DateTimeOffset at, params ClickstreamEvent[] events)
    {
        var file = new CapturedFile($"capture/{at:yyyy/MM/dd/HH/mm/ss}-{_files.Count}.avro", at);
        _files.Add((file, events));
        return file;
    }

    public int Reads { get; private set; }

    public async IAsyncEnumerable<CapturedFile> ListAsync(DateTimeOffset writtenAfter, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var (file, _) in _files.Where(f => f.File.WrittenAt > writtenAfter).OrderBy(f => f.File.WrittenAt).ThenBy(f => f.File.Name, StringComparer.Ordinal)) yield return file;
    }

    public Task<IReadOnlyList<ClickstreamEvent>> ReadAsync(CapturedFile file, CancellationToken ct)
    {
        Reads++;
        return Task.FromResult(_files.Single(f => f.File == file).Events);
    }

    public Task<int> DeleteWrittenBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) => Task.FromResult(_files.RemoveAll(f => f.File.WrittenAt < cutoff));
}

/// <summary>The behaviour documents in memory, with a switch that makes the next checkpoint save fail (a run killed there).</summary>
internal sealed class InMemoryBehaviourStore : IBehaviourStore
{
    private ClickstreamCheckpoint _checkpoint = ClickstreamCheckpoint.Start;
    private readonly Dictionary<(DateOnly, string), IReadOnlyList<TrailEvent>> _sessions = [];
    private readonly Dictionary<DateOnly, BehaviourDay> _days = [];
    private readonly Dictionary<DateOnly, (long Orders, List<string> Numbers, List<IReadOnlyCollection<string>> Lines)> _purchases = [];

    public bool FailNextCheckpoint { get; set; }
    public int DaysSaved { get; private set; }

    public Task<ClickstreamCheckpoint> ReadCheckpointAsync(CancellationToken ct) => Task.FromResult(_checkpoint);

    public Task SaveCheckpointAsync(ClickstreamCheckpoint checkpoint, CancellationToken ct)
    {
        if (FailNextCheckpoint)
        {
            FailNextCheckpoint = false;
            throw new OperationCanceledException("The run was killed before its checkpoint.");
        }
        _checkpoint = checkpoint;
        return Task.CompletedTask;
    }

    public Task<int> MergeSessionAsync(DateOnly day, string sessionId, IReadOnlyList<TrailEvent> events, CancellationToken ct)
    {
        var (trail, added) = SessionTrail.Merge(_sessions.GetValueOrDefault((day, sessionId)) ?? [], events);
        _sessions[(day, sessionId)] = trail;
        return Task.FromResult(added);
    }

    public async IAsyncEnumerable<IReadOnlyList<TrailEvent>> ReadSessionsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var (key, trail) in _sessions.Where(s => s.Key.Item1 == day).ToList()) yield return trail;
    }

    public Task<IReadOnlyList<BehaviourDay>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BehaviourDay>>([.. _days.Values.Where(d => d.Day >= from && d.Day < to)]);

    public Task SaveDayAsync(BehaviourDay day, CancellationToken ct)
    {
        _days[day.Day] = day;
        DaysSaved++;
        return Task.CompletedTask;
    }

    public Task<bool> CountPurchaseAsync(DateOnly day, string orderNumber, IReadOnlyCollection<string> productIds, CancellationToken ct)
    {
        var had = _purchases.GetValueOrDefault(day, (0, [], []));
        if (had.Numbers.Contains(orderNumber)) return Task.FromResult(false);
        _purchases[day] = (had.Orders + 1, [.. had.Numbers, orderNumber], [.. had.Lines, productIds]);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<PurchasesDay>> ReadPurchasesAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PurchasesDay>>([.. _purchases.Where(p => p.Key >= from && p.Key < to).Select(p => new PurchasesDay(p.Key, p.Value.Orders,
            p.Value.Lines.SelectMany(l => l).GroupBy(x => x).ToDictionary(g => g.Key, g => g.LongCount())))]);
}
