namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>
/// How far <see cref="ProcessClickstream"/> has read the archive: the latest write time of a file done, and the files
/// done within <see cref="Overlap"/> before it (a file that becomes visible late, with an earlier write time than one
/// already read, is still read); and the folded days that late events changed since.
/// </summary>
public sealed record ClickstreamCheckpoint(DateTimeOffset? LastWrittenAt, IReadOnlyList<CapturedFileDone> RecentFiles, IReadOnlyList<DateOnly> StaleDays)
{
    /// <summary>How far back each run looks again for files it has not read.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    public static readonly ClickstreamCheckpoint Start = new(null, [], []);

    public bool IsDone(Clickstream.CapturedFile file) =>
        LastWrittenAt is { } last && (file.WrittenAt < last - Overlap || RecentFiles.Any(f => f.Name == file.Name));

    /// <summary>The checkpoint with the file done (the files that fell out of the overlap forgotten).</summary>
    public ClickstreamCheckpoint With(Clickstream.CapturedFile file)
    {
        var last = LastWrittenAt is { } had && had > file.WrittenAt ? had : file.WrittenAt;
        return this with { LastWrittenAt = last, RecentFiles = [.. RecentFiles.Where(f => f.WrittenAt >= last - Overlap), new CapturedFileDone(file.Name, file.WrittenAt)] };
    }
}

public sealed record CapturedFileDone(string Name, DateTimeOffset WrittenAt);

/// <summary>Paid orders of one UTC day (by payment): how many, and per product how many of them held it.</summary>
public sealed record PurchasesDay(DateOnly Day, long Orders, IReadOnlyDictionary<string, long> Products);

/// <summary>
/// The behaviour documents (Cosmos DB container <c>analytics-behaviour</c>): the processing checkpoint, each session's
/// trail per day (a working document that expires), the days folded from them, and the paid orders per day.
/// </summary>
public interface IBehaviourStore
{
    Task<ClickstreamCheckpoint> ReadCheckpointAsync(CancellationToken ct);

    Task SaveCheckpointAsync(ClickstreamCheckpoint checkpoint, CancellationToken ct);

    /// <summary>
    /// Adds the events to the session's trail of that day, each once by event id (<see cref="SessionTrail.Merge"/>),
    /// in one conditional write; returns how many were new. Running it again with the same events adds nothing.
    /// </summary>
    Task<int> MergeSessionAsync(DateOnly day, string sessionId, IReadOnlyList<TrailEvent> events, CancellationToken ct);

    /// <summary>Every session trail of the day, a page at a time.</summary>
    IAsyncEnumerable<IReadOnlyList<TrailEvent>> ReadSessionsAsync(DateOnly day, CancellationToken ct);

    /// <summary>The folded days in [from, to) (days never folded are absent).</summary>
    Task<IReadOnlyList<BehaviourDay>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken ct);

    /// <summary>Writes (or rewrites) a day folded from its sessions.</summary>
    Task SaveDayAsync(BehaviourDay day, CancellationToken ct);

    /// <summary>Counts a paid order on its day, once however often it is called for the same order number. False when it was counted already.</summary>
    Task<bool> CountPurchaseAsync(DateOnly day, string orderNumber, IReadOnlyCollection<string> productIds, CancellationToken ct);

    Task<IReadOnlyList<PurchasesDay>> ReadPurchasesAsync(DateOnly from, DateOnly to, CancellationToken ct);
}
