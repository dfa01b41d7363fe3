using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Domain.Analytics.Behaviour;

/// <summary>What one processing run did.</summary>
/// <param name="Files">Capture files read.</param>
/// <param name="Events">Events in them.</param>
/// <param name="Added">Events new to their session (the rest were there already: a batch sent twice, a file read again).</param>
/// <param name="Late">Events too old to change a day any more (or dated too far ahead), left out.</param>
/// <param name="DaysFolded">Days folded from their sessions into one document (closed, or changed by late events).</param>
public sealed record ClickstreamRun(int Files, int Events, int Added, int Late, int DaysFolded);

/// <summary>
/// Reads the capture files written since the checkpoint, adds their events to the sessions they belong to, and folds
/// each finished day into one document (docs/analytics.md#behaviour).
/// <para>
/// Exactly once per event: a session's trail keeps its events by event id, and adding them is one conditional write
/// (<see cref="IBehaviourStore.MergeSessionAsync"/>), so reading a file again, or an event that arrives in two files,
/// changes nothing. The checkpoint (<see cref="ClickstreamCheckpoint"/>) moves after each file only to save work: a run killed between
/// a file's writes and the checkpoint reads that file again next time, and counts nothing twice
/// (ProcessClickstreamTests, ClickstreamProcessingTests).
/// </para>
/// <para>
/// Late and out of order: events are keyed by session and UTC day, whatever file they come in. A day is folded
/// <see cref="DayClosesAfter"/> after it ends; events for a folded day that arrive later (up to <see cref="LateDays"/>
/// days back) mark it stale, and the run folds it again from its sessions. Older events are left out (and counted in
/// <see cref="ClickstreamRun.Late"/>); the ingestion endpoint already refuses events older than a day.
/// </para>
/// </summary>
public sealed class ProcessClickstream(IClickstreamArchive archive, IBehaviourStore store, TimeProvider clock)
{
    /// <summary>Events for days further back than this are left out; session trails are kept longer than this (their TTL).</summary>
    public const int LateDays = 7;

    /// <summary>How long after its end (UTC midnight) a day is folded: time for the last capture files of the day to arrive.</summary>
    public static readonly TimeSpan DayClosesAfter = TimeSpan.FromHours(2);

    /// <summary>Files read per run at most, so one run stays well within the timer's interval; the next run goes on.</summary>
    public const int MaximumFilesPerRun = 200;

    public async Task<ClickstreamRun> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = SessionTrail.DayOf(now);
        var oldest = today.AddDays(-LateDays);
        var checkpoint = await store.ReadCheckpointAsync(ct);
        var folded = (await store.ReadDaysAsync(oldest, today, ct)).Select(d => d.Day).ToHashSet();
        var stale = checkpoint.StaleDays.ToHashSet();
        int files = 0, events = 0, added = 0, late = 0;

        // The first run starts where events stop being late; later runs look back over the overlap for files that showed up late.
        var after = checkpoint.LastWrittenAt is { } last ? last - ClickstreamCheckpoint.Overlap : now.AddDays(-LateDays - 1);
        await foreach (var file in archive.ListAsync(after, ct))
        {
            if (checkpoint.IsDone(file)) continue;
            if (files == MaximumFilesPerRun) break;
            var batch = await archive.ReadAsync(file, ct);
            foreach (var session in batch.GroupBy(e => (e.SessionId, Day: SessionTrail.DayOf(e.OccurredAt))))
            {
                if (session.Key.Day < oldest || session.Key.Day > today.AddDays(1))
                {
                    late += session.Count();
                    continue;
                }
                added += await store.MergeSessionAsync(session.Key.Day, session.Key.SessionId, [.. session.Select(TrailEvent.From)], ct);
                if (folded.Contains(session.Key.Day)) stale.Add(session.Key.Day);
            }
            files++;
            events += batch.Count;
            checkpoint = checkpoint.With(file) with { StaleDays = [.. stale.Order()] };
            await store.SaveCheckpointAsync(checkpoint, ct);
        }

        var daysFolded = 0;
        for (var day = oldest; day < today; day = day.AddDays(1))
        {
            var closesAt = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + DayClosesAfter;
            if (now < closesAt || (folded.Contains(day) && !stale.Contains(day))) continue;
            await store.SaveDayAsync(await FoldAsync(store, day, ct), ct);
            daysFolded++;
        }
        // Every stale day was folded again just now (a day is folded only once it is closed, so it still is).
        if (checkpoint.StaleDays.Count > 0) await store.SaveCheckpointAsync(checkpoint with { StaleDays = [] }, ct);
        return new(files, events, added, late, daysFolded);
    }

    /// <summary>A day's figures from its sessions as they are now.</summary>
    public static async Task<BehaviourDay> FoldAsync(IBehaviourStore store, DateOnly day, CancellationToken ct)
    {
        var tally = new BehaviourTally();
        await foreach (var trail in store.ReadSessionsAsync(day, ct))
            tally.Add(SessionSummary.Of(trail));
        return tally.ToDay(day);
    }
}
