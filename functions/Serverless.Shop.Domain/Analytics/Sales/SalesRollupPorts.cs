using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>
/// A delta written down before it is applied to the buckets: what is being added (<see cref="Delta"/>), what will then
/// have been counted (<see cref="Target"/>) and up to which history entry (<see cref="Sequence"/>). Its
/// <see cref="Id"/> (<c>&lt;number&gt;#&lt;sequence&gt;@&lt;yyyyMMddHHmm&gt;</c>, the minute it was written) is what each
/// bucket remembers having applied, so applying it again adds nothing.
/// </summary>
public sealed record PendingSalesDelta(string Id, long Sequence, IReadOnlyDictionary<string, SalesMeasures> Delta, IReadOnlyDictionary<string, SalesMeasures> Target, DateTimeOffset WrittenAt);

/// <summary>
/// What the rollups hold of one order: the buckets counted (<see cref="Counted"/>) as of history entry
/// <see cref="Sequence"/>, the facts decided when its sale was first counted, and a delta under way.
/// </summary>
public sealed record SalesCounted(
    string OrderNumber, long Sequence, IReadOnlyDictionary<string, SalesMeasures> Counted, SalesFacts? Facts, PendingSalesDelta? Pending)
{
    public static SalesCounted Nothing(string orderNumber) => new(orderNumber, 0, new Dictionary<string, SalesMeasures>(), null, null);
}

/// <summary>Per order, what the rollups counted of it (one document per order, written under its version).</summary>
public interface ISalesContributions
{
    Task<Versioned<SalesCounted>?> FindAsync(string orderNumber, CancellationToken ct);

    /// <summary>Writes the order's record; <paramref name="expectedVersion"/> null creates it. Throws <see cref="StaleVersionException"/> when another wrote first.</summary>
    Task<string> SaveAsync(SalesCounted counted, string? expectedVersion, CancellationToken ct);

    /// <summary>Orders with a delta written before <paramref name="before"/> and not yet finished (a process died under it).</summary>
    Task<IReadOnlyList<string>> ListPendingAsync(DateTimeOffset before, int max, CancellationToken ct);
}

/// <summary>The sales buckets, written.</summary>
public interface ISalesBuckets
{
    /// <summary>
    /// Adds <paramref name="delta"/> to the hour of <paramref name="bucketKey"/> (<see cref="SalesBucket"/>) in its day's
    /// counters, unless that hour already applied <paramref name="deltaId"/>: a second call with the same id changes nothing.
    /// </summary>
    Task AddToHourAsync(string deltaId, string bucketKey, SalesMeasures delta, CancellationToken ct);

    /// <summary>
    /// Adds <paramref name="delta"/> (a delta's hours of one day, summed) to that day in its month's counters, unless that
    /// day already applied <paramref name="deltaId"/>. <paramref name="dayKey"/> is a bucket key at the day's midnight.
    /// </summary>
    Task AddToDayAsync(string deltaId, string dayKey, SalesMeasures delta, CancellationToken ct);

    /// <summary>Forgets the delta ids buckets applied before <paramref name="before"/> (a replay that old stops at the order's record). Returns how many buckets changed.</summary>
    Task<int> ForgetAppliedBeforeAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>
/// Who counts as a new customer: the first paid order counted for each customer (a signed-in customer by their id, a
/// guest by the blind index of their email), remembered once.
/// </summary>
public interface ISalesFirstOrders
{
    /// <summary>True when <paramref name="orderNumber"/> is the first paid order counted for <paramref name="customerKey"/> (it becomes it when there is none).</summary>
    Task<bool> IsFirstAsync(string customerKey, string orderNumber, DateTimeOffset paidAt, CancellationToken ct);
}
