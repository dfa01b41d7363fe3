using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <summary>
/// Usage of limited promotions in the <c>coupon-usage</c> container (partition key /code). Every document of a
/// promotion shares the partition <c>promo:&lt;promotionId&gt;</c>, for coupons too: a use belongs to the promotion, not
/// to the text of its code, so renaming a code keeps its count and a new promotion that reuses a deleted one's code
/// starts from zero. In that partition:
/// <list type="bullet">
/// <item><c>uses</c> and <c>redemptions</c>: counters; <c>customer:&lt;hash of the customer id&gt;</c>: one customer's uses.</item>
/// <item><c>order:&lt;orderId&gt;</c>: one small record per order that used the promotion (held, redeemed or released).</item>
/// </list>
/// A counter is <c>{ units, applied, appliedSince, lastTrimAt, keptAtLastTrim }</c>: <c>applied</c> is the journal of
/// the change keys of its recent changes (newest last), complete for every change made at or after
/// <c>appliedSince</c> (an ISO-8601 UTC instant, "o" format, so text order is time order).
/// A counter changes by one conditional patch (<c>Increment</c> of <c>units</c> and <c>Add /applied/-</c> of the key,
/// with a <c>FilterPredicate</c> such as <c>c.units &lt; 5 AND NOT ARRAY_CONTAINS(c.applied, 'key')</c>), which Cosmos
/// DB applies atomically: concurrent checkouts each spend one write and never more units than the limit, without the
/// read-and-retry rounds of an ETag loop that a popular code would turn into a storm, and a repeated change (a retry
/// after a crash) is recognised and not made twice. A give-back also requires <c>c.appliedSince &lt;= covered-from</c>:
/// if the journal does not reach back to the instant from which the give-back may have happened, it is not made.
/// <para>
/// Trimming keeps the journal between about 200 and 400 keys. A write that returns the document (the change's own
/// response, or the read after a refused take) sees how many keys were added since the last trim; past
/// <see cref="KeysPerTrim"/>, one patch with If-Match drops the keys that were already there at the last trim, sets
/// <c>appliedSince</c> to that trim's instant and <c>lastTrimAt</c> to now. So the journal always reaches back at least
/// one whole trim (200 changes), never just to "now", and a give-back right after its record is verifiable unless the
/// counter changed more than 200 times within the clocks' margin. A 412 on the trim is ignored: someone else wrote, and
/// the next writer trims. A new counter starts with a journal complete from the beginning (it has no history), as does
/// a counter written before journals existed, at its first take or give-back.
/// </para>
/// Use records change with If-Match. Cosmos DB calls: take or give back a unit = 1 (a take 2 the first time a counter is
/// used; a take or give-back that is refused, or finds its key already applied, reads the counter to tell why: 2);
/// about one call in 200 more to trim; read or write a use record = 1; the usage figures = 1 (ReadMany).
/// </summary>
public sealed class CosmosPromotionUsageStore(ShopContainers containers, TimeProvider clock) : IPromotionUsageStore
{
    /// <summary>How many keys a counter's journal takes in between two trims (and so the fewest it holds after one).</summary>
    public const int KeysPerTrim = 200;

    private const int MaximumAttempts = 4;

    /// <summary>The start of a journal that has seen every change of its counter.</summary>
    private static readonly string Beginning = Stamp(DateTimeOffset.MinValue);

    private Container Usage => containers.CouponUsage;

    public static string PartitionFor(string promotionId) => "promo:" + promotionId;

    public async Task<CounterChange> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, string changeKey, DateTimeOffset? coveredFrom, CancellationToken ct)
    {
        RequireKey(changeKey);
        var partition = PartitionFor(promotionId);
        var id = CounterId(counter);
        var conditions = new List<string>();
        if (limit is { } max) conditions.Add($"c.units < {max.ToString(CultureInfo.InvariantCulture)}");
        conditions.Add($"NOT ARRAY_CONTAINS(c.applied, '{changeKey}')");
        if (coveredFrom is { } from) conditions.Add($"c.appliedSince <= '{Stamp(from)}'");
        var options = new PatchItemRequestOptions { EnableContentResponseOnWrite = true, FilterPredicate = "FROM c WHERE " + string.Join(" AND ", conditions) };
        PatchOperation[] change = [PatchOperation.Increment("/units", 1), PatchOperation.Add("/applied/-", changeKey)];

        for (var attempt = 1; ; attempt++)
        {
            HttpStatusCode refused;
            using (var patched = await Usage.PatchItemStreamAsync(id, new PartitionKey(partition), change, options, ct))
            {
                if (patched.IsSuccessStatusCode)
                {
                    await TrimIfDueAsync(await ReadAsync(patched, ct), ct);
                    return CounterChange.Applied;
                }
                if (patched.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) patched.EnsureSuccessStatusCode();
                refused = patched.StatusCode;
            }

            // 412: read the counter to tell why. 404: there is none yet.
            var current = refused == HttpStatusCode.NotFound ? null : await FindCounterAsync(id, partition, ct);
            if (current is null)
            {
                // The first use of this counter: create it holding the unit; if another writer created it first, patch again.
                if (limit is <= 0) return CounterChange.LimitReached;
                var doc = new CounterDocument
                {
                    Id = id, Code = partition, Type = CounterDocument.Kind, PromotionId = promotionId, CustomerId = counter.CustomerId, Units = 1,
                    Applied = [changeKey], AppliedSince = Beginning, LastTrimAt = Beginning, KeptAtLastTrim = 0,
                };
                using var created = await Usage.CreateItemStreamAsync(ToStream(doc), new PartitionKey(partition), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
                if (created.IsSuccessStatusCode) return CounterChange.Applied;
                if (created.StatusCode != HttpStatusCode.Conflict) created.EnsureSuccessStatusCode();
            }
            else if (current.Applied is null)
            {
                await StartJournalAsync(current, ct);
            }
            else
            {
                await TrimIfDueAsync(current, ct);
                if (current.Applied.Contains(changeKey)) return CounterChange.AlreadyApplied;
                if (limit is { } reached && current.Units >= reached) return CounterChange.LimitReached;
                if (coveredFrom is { } notBefore && string.CompareOrdinal(current.AppliedSince, Stamp(notBefore)) > 0) return CounterChange.NotCovered;
                // Otherwise the counter changed between the patch and the read: patch again.
            }
            if (attempt >= MaximumAttempts) throw new BusyResourceException("Promotion");
        }
    }

    public async Task<bool> DecrementAsync(string promotionId, UsageCounter counter, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct)
    {
        RequireKey(changeKey);
        var options = new PatchItemRequestOptions
        {
            EnableContentResponseOnWrite = true,
            FilterPredicate = $"FROM c WHERE c.units > 0 AND NOT ARRAY_CONTAINS(c.applied, '{changeKey}') AND c.appliedSince <= '{Stamp(coveredFrom)}'",
        };
        PatchOperation[] change = [PatchOperation.Increment("/units", -1), PatchOperation.Add("/applied/-", changeKey)];
        var id = CounterId(counter);
        var partition = PartitionFor(promotionId);
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await Usage.PatchItemStreamAsync(id, new PartitionKey(partition), change, options, ct))
            {
                if (patched.IsSuccessStatusCode)
                {
                    await TrimIfDueAsync(await ReadAsync(patched, ct), ct);
                    return true;
                }
                // 404: never counted, nothing to give back.
                if (patched.StatusCode == HttpStatusCode.NotFound) return false;
                if (patched.StatusCode != HttpStatusCode.PreconditionFailed) patched.EnsureSuccessStatusCode();
            }

            // 412: given back already, at zero, or the journal does not reach back far enough to know. Nothing is given
            // back in any of these: the unit stays taken rather than risk giving it back twice. The read tells them
            // from a counter written before change keys (a hold taken before they existed, released after): that one
            // gets its journal, then the give-back is tried again.
            var current = await FindCounterAsync(id, partition, ct);
            if (current is null || current.Applied is not null || attempt >= 2)
            {
                if (current is not null) await TrimIfDueAsync(current, ct);
                return false;
            }
            await StartJournalAsync(current, ct);
        }
    }

    public async Task<(int Uses, int Redemptions)> GetCountsAsync(string promotionId, CancellationToken ct)
    {
        var partition = new PartitionKey(PartitionFor(promotionId));
        var ids = new[] { CounterId(UsageCounter.Uses), CounterId(UsageCounter.Redemptions) };
        var found = await Usage.ReadManyItemsAsync<CounterDocument>(ids.Select(id => (id, partition)).ToList(), cancellationToken: ct);
        int Units(string id) => found.FirstOrDefault(d => d.Id == id)?.Units ?? 0;
        return (Units(ids[0]), Units(ids[1]));
    }

    public async Task<Versioned<PromotionUse>?> FindUseAsync(string promotionId, string orderId, CancellationToken ct)
    {
        try
        {
            var response = await Usage.ReadItemAsync<UseDocument>(UseDocument.IdFor(orderId), new PartitionKey(PartitionFor(promotionId)), cancellationToken: ct);
            return new(response.Resource.Use, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveUseAsync(PromotionUse use, string? expectedVersion, CancellationToken ct)
    {
        var partition = PartitionFor(use.PromotionId);
        var doc = new UseDocument { Id = UseDocument.IdFor(use.OrderId), Code = partition, Type = UseDocument.Kind, Use = use };
        try
        {
            var response = expectedVersion is null
                ? await Usage.CreateItemAsync(doc, new PartitionKey(partition), cancellationToken: ct)
                : await Usage.ReplaceItemAsync(doc, doc.Id, new PartitionKey(partition), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new StaleVersionException("Promotion use");
        }
    }

    // Customer ids come from identity providers and may hold characters a document id cannot ('/', '#', '?'); a hash fits.
    public static string CounterId(UsageCounter counter) => counter.CustomerId is null
        ? counter.Name
        : $"{counter.Name}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(counter.CustomerId)))[..32].ToLowerInvariant()}";

    /// <summary>An instant as the journal keeps it: UTC, "o" format, fixed width, so comparing the text compares the instants.</summary>
    public static string Stamp(DateTimeOffset instant) => instant.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture);

    /// <summary>
    /// Past <see cref="KeysPerTrim"/> keys since the last trim: drop the keys from before it. What is left is every change
    /// since that trim, so the journal is complete from its instant. If-Match: if anyone wrote meanwhile, the next writer trims.
    /// </summary>
    private async Task TrimIfDueAsync(CounterDocument counter, CancellationToken ct)
    {
        if (counter.Applied is not { } applied || applied.Count - counter.KeptAtLastTrim <= KeysPerTrim || counter.ETag is null) return;
        var kept = applied.Skip(counter.KeptAtLastTrim).ToList();
        PatchOperation[] trim =
        [
            PatchOperation.Set("/applied", kept),
            PatchOperation.Set("/appliedSince", counter.LastTrimAt ?? Beginning),
            PatchOperation.Set("/lastTrimAt", Stamp(clock.GetUtcNow())),
            PatchOperation.Set("/keptAtLastTrim", kept.Count),
        ];
        var options = new PatchItemRequestOptions { IfMatchEtag = counter.ETag, EnableContentResponseOnWrite = false };
        using var trimmed = await Usage.PatchItemStreamAsync(counter.Id, new PartitionKey(counter.Code), trim, options, ct);
        if (!trimmed.IsSuccessStatusCode && trimmed.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) trimmed.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// A counter written before change keys existed: give it an empty journal. It has never seen a keyed change, so the
    /// journal is complete from the beginning. If-Match: if another writer started it first, theirs stands.
    /// </summary>
    private async Task StartJournalAsync(CounterDocument counter, CancellationToken ct)
    {
        PatchOperation[] start =
        [
            PatchOperation.Set("/applied", Array.Empty<string>()),
            PatchOperation.Set("/appliedSince", Beginning),
            PatchOperation.Set("/lastTrimAt", Beginning),
            PatchOperation.Set("/keptAtLastTrim", 0),
        ];
        var options = new PatchItemRequestOptions { IfMatchEtag = counter.ETag, EnableContentResponseOnWrite = false };
        using var started = await Usage.PatchItemStreamAsync(counter.Id, new PartitionKey(counter.Code), start, options, ct);
        if (!started.IsSuccessStatusCode && started.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) started.EnsureSuccessStatusCode();
    }

    private async Task<CounterDocument?> FindCounterAsync(string id, string partition, CancellationToken ct)
    {
        using var read = await Usage.ReadItemStreamAsync(id, new PartitionKey(partition), cancellationToken: ct);
        if (read.StatusCode == HttpStatusCode.NotFound) return null;
        read.EnsureSuccessStatusCode();
        return await ReadAsync(read, ct);
    }

    private static async Task<CounterDocument> ReadAsync(ResponseMessage response, CancellationToken ct) =>
        await System.Text.Json.JsonSerializer.DeserializeAsync<CounterDocument>(response.Content, ShopJson.Options, ct)
            ?? throw new InvalidOperationException("Cosmos DB returned an empty counter document.");

    // Keys go into a filter predicate as text: only the domain's hexadecimal keys are accepted, so nothing can be injected.
    private static void RequireKey(string changeKey)
    {
        if (changeKey.Length is < 8 or > 64 || !changeKey.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("A change key is lower-case hexadecimal, 8 to 64 characters.", nameof(changeKey));
    }

    private static MemoryStream ToStream<T>(T value) => new(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, ShopJson.Options));

    internal sealed record CounterDocument
    {
        public const string Kind = "counter";
        public required string Id { get; init; }
        public required string Code { get; init; }
        public required string Type { get; init; }
        public required string PromotionId { get; init; }
        public string? CustomerId { get; init; }
        public required int Units { get; init; }

        /// <summary>The change keys of recent changes, newest last (absent on counters written before change keys).</summary>
        public List<string>? Applied { get; init; }

        /// <summary>The journal holds every change made at or after this instant (<see cref="Stamp"/>).</summary>
        public string? AppliedSince { get; init; }

        /// <summary>The instant of the last trim; the first <see cref="KeptAtLastTrim"/> keys of the journal are from before it.</summary>
        public string? LastTrimAt { get; init; }

        public int KeptAtLastTrim { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }

    internal sealed record UseDocument
    {
        public const string Kind = "use";
        public static string IdFor(string orderId) => "order:" + orderId;
        public required string Id { get; init; }
        public required string Code { get; init; }
        public required string Type { get; init; }
        public required PromotionUse Use { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
