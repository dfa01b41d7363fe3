using System.Globalization;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>
/// Keeps the sales rollups equal to the orders, exactly once: for each order change (at least once, late or out of
/// order) it brings what the rollups counted of the order to what the order now contributes
/// (<see cref="SalesContribution.Of"/>). docs/analytics.md ("Exactly once") explains it; tests: SalesExactlyOnceTests.
/// </summary>
/// <remarks>
/// The order's record (<see cref="SalesCounted"/>) says what was counted. A change first finishes a delta a dead process
/// left pending, then computes the target from the order; an entry no newer than the record's is a replay or came late
/// (the record already reflects a later state of the order) and changes nothing. Otherwise the difference is written
/// down as pending under the record's version (two copies at once: one wins, the other starts over), added to each
/// bucket by a patch that remembers the delta's id (a second patch with it adds nothing), and the record then says it
/// was counted. A crash anywhere leaves either nothing or a pending delta that the next change, or the hourly
/// <see cref="CompactSalesRollups"/>, finishes. The target includes the sale whenever it includes a refund, so a
/// refund never reaches the figures before its sale.
/// </remarks>
public sealed class CountOrderSales(
    ISalesContributions contributions, ISalesBuckets buckets, ISalesFirstOrders firstOrders, IProductStore products,
    IPersonalDataVault vault, TimeProvider clock) : IOrderChangeReaction
{
    private const int MaximumAttempts = 8;

    /// <summary>
    /// How long a pending delta is taken to be in the hands of the process that wrote it. The queue delivers an order's
    /// entries together, and each reaction reads the order as it stands, so several copies meet the same state at once:
    /// one writes the delta down, and a copy that finds it pending for that state (or a later one) and this young
    /// leaves it to its writer instead of repeating every bucket's patch (each refused, and each paid for). Copies meet
    /// within a second, or a few on a loaded machine (3 s proved too short in the checkout benchmark). A writer that dies
    /// comes back after its message's lease (30 s locally, minutes in Azure) and finishes the delta; one that fails and
    /// is retried sooner (host.json's visibilityTimeout, 5 s) leaves it to the order's next change or to the hourly
    /// compaction: the figures are late, never wrong. Tests: SalesExactlyOnceTests.
    /// </summary>
    public static readonly TimeSpan InProgressFor = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a copy for a later state of the order waits for the writer of an earlier state's delta (one in its hands,
    /// <see cref="InProgressFor"/>) to finish it before finishing it itself: it reads the record again after
    /// <see cref="FirstWriterPoll"/>, then after twice as long each time (each read is paid for), until this much has
    /// passed (0.2, 0.6, 1.4, 3.0 and 5 s). Finishing it at once would repeat the writer's patches while the writer makes them: an order's Paid and
    /// ShipmentCreated entries arrive together, and the copy that reads the shipped order met the paid one's delta half
    /// done (the checkout benchmark saw 13 refused patches a checkout). A writer takes well under a second, a few on a
    /// loaded machine; one that died leaves the copy to finish its delta after the wait, as before. Tests:
    /// SalesExactlyOnceTests.
    /// </summary>
    public static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan FirstWriterPoll = TimeSpan.FromMilliseconds(200);

    public Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct) => ReconcileAsync(order, ct);

    /// <summary>
    /// Brings the rollups to <paramref name="order"/> as it stands; nothing when they already reflect it (or a later
    /// state). True when it changed figures (a delta applied, or one a dead process left finished).
    /// </summary>
    public async Task<bool> ReconcileAsync(Order order, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReconcileOnceAsync(order, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                // Another copy of a change of this order wrote its record first: read it again and go on from there.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    /// <summary>Finishes the delta a dead process left on the order's record, if any (the hourly compaction's job).</summary>
    public async Task FinishPendingAsync(string orderNumber, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await contributions.FindAsync(orderNumber, ct) is { Value.Pending: not null } found) await FinishAsync(found, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    private async Task<bool> ReconcileOnceAsync(Order order, CancellationToken ct)
    {
        var found = await contributions.FindAsync(order.Number, ct);
        var waited = TimeSpan.Zero;
        while (found?.Value.Pending is { } inHand && clock.GetUtcNow() - inHand.WrittenAt < InProgressFor)
        {
            // This state (or a later one) is in its writer's hands.
            if (inHand.Sequence >= order.LastSequence) return false;
            // An earlier state's: let its writer finish, then go on from what it counted.
            if (waited >= WriterWait) break;
            // 0.2, 0.4, 0.8 ... s: each wait as long as all before it and one first poll more, the last cut at WriterWait.
            var poll = waited + FirstWriterPoll < WriterWait - waited ? waited + FirstWriterPoll : WriterWait - waited;
            await Task.Delay(poll, clock, ct);
            waited += poll;
            found = await contributions.FindAsync(order.Number, ct);
        }
        var finishedPending = found is { Value.Pending: not null };
        if (finishedPending) found = await FinishAsync(found!, ct);
        var counted = found?.Value ?? SalesCounted.Nothing(order.Number);
        if (order.LastSequence <= counted.Sequence) return finishedPending;

        var facts = counted.Facts ?? (order.PaidAt is { } paidAt ? await DecideFactsAsync(order, paidAt, ct) : null);
        var target = facts is null ? new Dictionary<string, SalesMeasures>() : SalesContribution.Of(order, facts);
        var delta = SalesContribution.Delta(counted.Counted, target);
        if (delta.Count == 0)
        {
            // Nothing to add: the record only moves on, so that the next replay of an entry up to here stops at once.
            await contributions.SaveAsync(counted with { Sequence = order.LastSequence, Facts = facts }, found?.Version, ct);
            return finishedPending;
        }

        var now = clock.GetUtcNow();
        var pending = new PendingSalesDelta(
            $"{order.Number}#{order.LastSequence.ToString(CultureInfo.InvariantCulture)}@{now.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}",
            order.LastSequence, delta, target, now);
        var written = counted with { Facts = facts, Pending = pending };
        var version = await contributions.SaveAsync(written, found?.Version, ct);
        await FinishAsync(new Versioned<SalesCounted>(written, version), ct);
        return true;
    }

    private async Task<Versioned<SalesCounted>> FinishAsync(Versioned<SalesCounted> found, CancellationToken ct)
    {
        var pending = found.Value.Pending!;
        foreach (var (bucket, change) in pending.Delta) await buckets.AddToHourAsync(pending.Id, bucket, change, ct);
        foreach (var (day, change) in ByDay(pending.Delta)) await buckets.AddToDayAsync(pending.Id, day, change, ct);
        var done = found.Value with { Sequence = pending.Sequence, Counted = pending.Target, Pending = null };
        return new Versioned<SalesCounted>(done, await contributions.SaveAsync(done, found.Version, ct));
    }

    /// <summary>A delta's hours summed per day (a bucket key at the day's midnight), days whose hours cancel out left out.</summary>
    public static IReadOnlyDictionary<string, SalesMeasures> ByDay(IReadOnlyDictionary<string, SalesMeasures> delta) =>
        delta.GroupBy(kv =>
            {
                var bucket = SalesBucket.Parse(kv.Key);
                var hour = bucket.Hour;
                return (bucket with { Hour = new DateTimeOffset(hour.Year, hour.Month, hour.Day, 0, 0, 0, TimeSpan.Zero) }).ToString();
            }, StringComparer.Ordinal)
            .Select(g => (g.Key, Sum: g.Aggregate(SalesMeasures.Zero, (sum, kv) => sum.Plus(kv.Value))))
            .Where(d => d.Sum != SalesMeasures.Zero)
            .ToDictionary(d => d.Key, d => d.Sum, StringComparer.Ordinal);

    private async Task<SalesFacts> DecideFactsAsync(Order order, DateTimeOffset paidAt, CancellationToken ct)
    {
        var ids = SalesContribution.ProductIds(order);
        var paths = ids.Count == 0 ? [] : await products.FindManyByIdsAsync(ids, ct);
        var customerKey = order.CustomerId is { } customer
            ? "customer:" + customer
            : "guest:" + await vault.BlindIndexAsync(BlindIndexKind.Email, order.Email, ct);
        var isNew = await firstOrders.IsFirstAsync(customerKey, order.Number, paidAt, ct);
        return new SalesFacts(isNew, paths.ToDictionary(p => p.Value.Id, p => (IReadOnlyList<string>)[.. p.Value.CategoryPath], StringComparer.Ordinal));
    }
}

/// <summary>
/// The hourly tidy-up of the rollups: finishes the deltas that processes died under (older than
/// <see cref="PendingGrace"/>, so a live change is not overtaken), then lets buckets forget the delta ids they applied
/// more than <see cref="AppliedKept"/> ago. Tests: SalesExactlyOnceTests.
/// </summary>
public sealed class CompactSalesRollups(ISalesContributions contributions, ISalesBuckets buckets, CountOrderSales counting, TimeProvider clock)
{
    public static readonly TimeSpan PendingGrace = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan AppliedKept = TimeSpan.FromDays(1);
    private const int PendingPerRun = 500;

    public sealed record Result(int PendingFinished, int BucketsTrimmed);

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var pending = await contributions.ListPendingAsync(now - PendingGrace, PendingPerRun, ct);
        foreach (var number in pending) await counting.FinishPendingAsync(number, ct);
        var trimmed = await buckets.ForgetAppliedBeforeAsync(now - AppliedKept, ct);
        return new Result(pending.Count, trimmed);
    }
}
