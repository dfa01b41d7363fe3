using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Sales;

/// <summary>
/// The sales rollups written, in the <c>analytics-sales</c> container: per order what was counted of it, per bucket
/// (dimension value, currency, day and month) its counters, per customer their first paid order.
/// </summary>
/// <remarks>
/// A delta reaches a bucket by one patch that increments its counters and appends <c>&lt;hour&gt;:&lt;delta id&gt;</c>,
/// conditional on that entry not being there yet (<c>NOT ARRAY_CONTAINS(c.applied, ...)</c>): Cosmos DB applies a
/// patch atomically, so a bucket either has the delta and remembers it, or neither. A document holds many hours (a
/// month document many days), so it remembers a delta per hour (day). A bucket's first delta creates it (409: another
/// created it first, so patch). Each hour of a delta goes to its day document, and each day (its hours summed) to its
/// month document, so a long range reads months. Cosmos DB calls: a patch per hour and per day a delta changes (one
/// more, the create, for a document's first delta). Tests: SalesExactlyOnceTests.
/// </remarks>
public sealed class CosmosSalesRollups(ShopContainers containers) : ISalesContributions, ISalesBuckets, ISalesFirstOrders
{
    private const int MaximumAttempts = 4;

    /// <summary>The container of the rollups and the orders' records (the checkout benchmark counts its calls apart).</summary>
    public const string ContainerName = SalesDocuments.ContainerName;

    internal Container Container => containers.DataKeys.Database.GetContainer(SalesDocuments.ContainerName);

    private static string ContributionId(string number) => "order:" + number;

    public async Task<Versioned<SalesCounted>?> FindAsync(string orderNumber, CancellationToken ct)
    {
        var id = ContributionId(orderNumber);
        try
        {
            var read = await Container.ReadItemAsync<ContributionDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return new Versioned<SalesCounted>(FromDocument(read.Resource), read.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveAsync(SalesCounted counted, string? expectedVersion, CancellationToken ct)
    {
        var doc = ToDocument(counted);
        var options = new ItemRequestOptions { EnableContentResponseOnWrite = false };
        try
        {
            if (expectedVersion is null) return (await Container.CreateItemAsync(doc, new PartitionKey(doc.Period), options, ct)).ETag;
            options.IfMatchEtag = expectedVersion;
            return (await Container.ReplaceItemAsync(doc, doc.Id, new PartitionKey(doc.Period), options, ct)).ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict))
        {
            throw new StaleVersionException("Sales contribution");
        }
    }

    public async Task<IReadOnlyList<string>> ListPendingAsync(DateTimeOffset before, int max, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT c.orderNumber FROM c WHERE c.type = @type AND IS_DEFINED(c.pending) AND c.pending.writtenAt < @before")
            .WithParameter("@type", SalesDocuments.ContributionType).WithParameter("@before", Instant(before));
        var numbers = new List<string>();
        using var feed = Container.GetItemQueryIterator<NumberOnly>(query, requestOptions: new QueryRequestOptions { MaxItemCount = Math.Min(max, 1000) });
        while (feed.HasMoreResults && numbers.Count < max)
            numbers.AddRange((await feed.ReadNextAsync(ct)).Select(n => n.OrderNumber));
        return numbers.Take(max).ToList();
    }

    private sealed record NumberOnly(string OrderNumber);

    public Task AddToHourAsync(string deltaId, string bucketKey, SalesMeasures delta, CancellationToken ct)
    {
        var bucket = Checked(deltaId, bucketKey);
        var hour = bucket.Hour.UtcDateTime;
        return AddToAsync(SalesDocuments.BucketId(bucket.Currency, bucket.Value), SalesDocuments.DayPeriod(bucket.Dimension, bucket.Hour), SalesDocuments.DayType,
            bucket, hour.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "h" + hour.ToString("HH", CultureInfo.InvariantCulture), delta, deltaId, ct);
    }

    public Task AddToDayAsync(string deltaId, string dayKey, SalesMeasures delta, CancellationToken ct)
    {
        var bucket = Checked(deltaId, dayKey);
        var day = bucket.Hour.UtcDateTime;
        if (day.TimeOfDay != TimeSpan.Zero) throw new ArgumentException($"'{dayKey}' is not a day's key (its hour is not midnight).", nameof(dayKey));
        return AddToAsync(SalesDocuments.BucketId(bucket.Currency, bucket.Value), SalesDocuments.MonthPeriod(bucket.Dimension, bucket.Hour), SalesDocuments.MonthType,
            bucket, day.ToString("yyyy-MM", CultureInfo.InvariantCulture), "d" + day.ToString("dd", CultureInfo.InvariantCulture), delta, deltaId, ct);
    }

    private static SalesBucket Checked(string deltaId, string bucketKey)
    {
        // The id goes into the predicate's text: it is an order number, a sequence and a minute, checked to be plain.
        if (!deltaId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '#' or '@')) throw new ArgumentException($"'{deltaId}' is not a delta id.", nameof(deltaId));
        return SalesBucket.Parse(bucketKey);
    }

    private async Task AddToAsync(string id, string period, string type, SalesBucket bucket, string start, string slot,
        SalesMeasures delta, string deltaId, CancellationToken ct)
    {
        // One document holds many hours (or days): it remembers the delta per hour (day), as "<slot>:<delta id>".
        var applied = slot + ":" + deltaId;
        var dimension = SalesBucket.Name(bucket.Dimension);
        var partition = new PartitionKey(period);
        var counters = SalesDocuments.ToArray(delta);
        // At most 9 increments and the id: within the 10 operations Cosmos DB allows in one patch.
        var operations = new List<PatchOperation>();
        for (var i = 0; i < counters.Length; i++)
        {
            if (counters[i] != 0) operations.Add(PatchOperation.Increment($"/{SalesDocuments.MeasureNames[i]}/{slot}", counters[i]));
        }
        operations.Add(PatchOperation.Add("/applied/-", applied));
        var options = new PatchItemRequestOptions
        {
            FilterPredicate = $"FROM c WHERE NOT ARRAY_CONTAINS(c.applied, '{applied}')",
            EnableContentResponseOnWrite = false,
        };
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await Container.PatchItemStreamAsync(id, partition, operations, options, ct))
            {
                // 412: the bucket has this delta already.
                if (patched.IsSuccessStatusCode || patched.StatusCode == HttpStatusCode.PreconditionFailed) return;
                if (patched.StatusCode != HttpStatusCode.NotFound || attempt >= MaximumAttempts) patched.EnsureSuccessStatusCode();
            }
            try
            {
                await Container.CreateItemAsync(BucketDocument.Holding(id, period, type, dimension, bucket.Value, bucket.Currency, start, slot, delta, applied),
                    partition, new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
                return;
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
            {
                // Another delta created the bucket first: add this one to it.
            }
        }
    }

    public async Task<int> ForgetAppliedBeforeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var cutoff = before.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var query = new QueryDefinition("SELECT c.id, c.period, c.applied, c._etag FROM c WHERE (c.type = @day OR c.type = @month) AND ARRAY_LENGTH(c.applied) > 0")
            .WithParameter("@day", SalesDocuments.DayType).WithParameter("@month", SalesDocuments.MonthType);
        var trimmed = 0;
        using var feed = Container.GetItemQueryIterator<AppliedIds>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 500 });
        while (feed.HasMoreResults)
        {
            foreach (var bucket in await feed.ReadNextAsync(ct))
            {
                // An id ends with the minute its delta was written (yyyyMMddHHmm): ids of the same length compare as text.
                var kept = bucket.Applied.Where(a => string.CompareOrdinal(a[(a.LastIndexOf('@') + 1)..], cutoff) >= 0).ToList();
                if (kept.Count == bucket.Applied.Count) continue;
                using var patched = await Container.PatchItemStreamAsync(bucket.Id, new PartitionKey(bucket.Period), [PatchOperation.Set("/applied", kept)],
                    new PatchItemRequestOptions { IfMatchEtag = bucket.ETag, EnableContentResponseOnWrite = false }, ct);
                // 412: a delta arrived meanwhile; the next run trims it.
                if (patched.IsSuccessStatusCode) trimmed++;
                else if (patched.StatusCode != HttpStatusCode.PreconditionFailed) patched.EnsureSuccessStatusCode();
            }
        }
        return trimmed;
    }

    private sealed record AppliedIds(string Id, string Period, List<string> Applied)
    {
        [System.Text.Json.Serialization.JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }

    public async Task<bool> IsFirstAsync(string customerKey, string orderNumber, DateTimeOffset paidAt, CancellationToken ct)
    {
        var id = FirstOrderId(customerKey);
        try
        {
            await Container.CreateItemAsync(new FirstOrderDocument(id, id, SalesDocuments.FirstOrderType, orderNumber, paidAt), new PartitionKey(id),
                new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            return true;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
        {
            var first = await Container.ReadItemAsync<FirstOrderDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return first.Resource.OrderNumber == orderNumber;
        }
    }

    internal static string FirstOrderId(string customerKey) => "first:" + SalesDocuments.IdPart(customerKey);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, long[]> ToArrays(IReadOnlyDictionary<string, SalesMeasures> measures) =>
        measures.ToDictionary(kv => kv.Key, kv => SalesDocuments.ToArray(kv.Value), StringComparer.Ordinal);

    private static Dictionary<string, SalesMeasures> FromArrays(Dictionary<string, long[]>? arrays) =>
        (arrays ?? []).ToDictionary(kv => kv.Key, kv => SalesDocuments.FromArray(kv.Value), StringComparer.Ordinal);

    private static ContributionDocument ToDocument(SalesCounted c) => new()
    {
        Id = ContributionId(c.OrderNumber), Period = ContributionId(c.OrderNumber), OrderNumber = c.OrderNumber, Sequence = c.Sequence,
        Counted = ToArrays(c.Counted),
        Facts = c.Facts is { } f ? new FactsDocument(f.NewCustomer, f.CategoryPaths.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal)) : null,
        Pending = c.Pending is { } p ? new PendingDocument(p.Id, p.Sequence, ToArrays(p.Delta), ToArrays(p.Target), Instant(p.WrittenAt)) : null,
    };

    private static SalesCounted FromDocument(ContributionDocument d) => new(
        d.OrderNumber, d.Sequence, FromArrays(d.Counted),
        d.Facts is { } f ? new SalesFacts(f.NewCustomer, f.CategoryPaths.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal)) : null,
        d.Pending is { } p ? new PendingSalesDelta(p.Id, p.Sequence, FromArrays(p.Delta), FromArrays(p.Target),
            DateTimeOffset.Parse(p.WrittenAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)) : null);
}
