using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// Counters that apply each change key at most once, in any container: the one mechanism behind promotion uses
/// (CosmosPromotionUsageStore) and flash sale units (CosmosFlashSaleStore). A counter is a document
/// <c>{ units, applied, appliedSince, lastTrimAt, keptAtLastTrim }</c> beside whatever fields its store adds when
/// creating it: <c>applied</c> is the journal of the change keys of its recent changes (newest last), complete for every
/// change made at or after <c>appliedSince</c> (an ISO-8601 UTC instant, "o" format, so text order is time order).
/// <para>
/// A change is one conditional patch: <c>Increment</c> of <c>units</c> by the amount (1 for a promotion use, the order's
/// units for a flash sale) and <c>Add /applied/-</c> of the key, with a <c>FilterPredicate</c> such as
/// <c>c.units &lt;= limit - amount AND NOT ARRAY_CONTAINS(c.applied, 'key')</c>, which Cosmos DB applies atomically:
/// concurrent checkouts each spend one write and never take past the limit, without the read-and-retry rounds of an
/// ETag loop that a rush would turn into a storm, and a repeated change (a retry after a crash) is recognised and not
/// made twice. A give-back requires <c>c.units &gt;= amount</c> and <c>c.appliedSince &lt;= covered-from</c>: if the
/// journal does not reach back to the instant from which the give-back may have happened, it is not made (the units
/// stay taken: the safe direction).
/// </para>
/// <para>
/// Trimming keeps the journal between about 200 and 400 keys. A write that returns the document (the change's own
/// response, or the read after a refused change) sees how many keys were added since the last trim; past
/// <see cref="KeysPerTrim"/>, one patch with If-Match drops the keys that were already there at the last trim, sets
/// <c>appliedSince</c> to that trim's instant and <c>lastTrimAt</c> to now. So the journal always reaches back at least
/// one whole trim (200 changes), never just to "now". A 412 on the trim is ignored: someone else wrote, and the next
/// writer trims. A new counter starts with a journal complete from the beginning (it has no history), as does a counter
/// written before journals existed, at its first change.
/// </para>
/// Cosmos DB calls: <c>PatchItemStream</c> for every change (1 call when it applies), <c>CreateItemStream</c> the first
/// time a counter is used (so a first take is 2: the patch's 404, then the create), <c>ReadItemStream</c> after a
/// refused patch to tell why (limit, key already applied, journal too short, a counter without a journal: 2 calls),
/// <c>PatchItemStream</c> with If-Match to trim (about one change in 200) or to start the journal of a counter written
/// before change keys (once per such counter, then the change is tried again).
/// </summary>
public sealed class CosmosKeyedCounter(Container container, TimeProvider clock, string resourceName)
{
    /// <summary>How many keys a counter's journal takes in between two trims (and so the fewest it holds after one).</summary>
    public const int KeysPerTrim = 200;

    private const int MaximumAttempts = 4;

    /// <summary>The start of a journal that has seen every change of its counter.</summary>
    public static readonly string Beginning = Stamp(DateTimeOffset.MinValue);

    /// <summary>An instant as the journal keeps it: UTC, "o" format, fixed width, so comparing the text compares the instants.</summary>
    public static string Stamp(DateTimeOffset instant) => instant.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture);

    /// <summary>
    /// Adds <paramref name="amount"/> under <paramref name="changeKey"/> if the counter stays at or below
    /// <paramref name="limit"/> (no limit when null) and the journal does not hold the key; with
    /// <paramref name="coveredFrom"/>, only if the journal is complete from that instant. A counter that does not exist is
    /// created holding the amount, with the fields of <paramref name="newCounter"/> (its id and partition key field among
    /// them, and whatever its store needs to find it).
    /// </summary>
    /// <returns>What happened, and the counter's units after (as last seen; 0 when there is no counter).</returns>
    public async Task<(CounterChange Change, int Units)> TryAddAsync(
        string partition, string id, int amount, int? limit, string changeKey, DateTimeOffset? coveredFrom, Func<JsonObject> newCounter, CancellationToken ct)
    {
        RequireKey(changeKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        var conditions = new List<string>();
        if (limit is { } max) conditions.Add($"c.units <= {(max - amount).ToString(CultureInfo.InvariantCulture)}");
        conditions.Add($"NOT ARRAY_CONTAINS(c.applied, '{changeKey}')");
        if (coveredFrom is { } from) conditions.Add($"c.appliedSince <= '{Stamp(from)}'");
        var options = new PatchItemRequestOptions { EnableContentResponseOnWrite = true, FilterPredicate = "FROM c WHERE " + string.Join(" AND ", conditions) };
        PatchOperation[] change = [PatchOperation.Increment("/units", amount), PatchOperation.Add("/applied/-", changeKey)];

        for (var attempt = 1; ; attempt++)
        {
            HttpStatusCode refused;
            using (var patched = await container.PatchItemStreamAsync(id, new PartitionKey(partition), change, options, ct))
            {
                if (patched.IsSuccessStatusCode)
                {
                    var after = await ReadAsync(patched, ct);
                    await TrimIfDueAsync(partition, after, ct);
                    return (CounterChange.Applied, after.Units);
                }
                if (patched.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) patched.EnsureSuccessStatusCode();
                refused = patched.StatusCode;
            }

            // 412: read the counter to tell why. 404: there is none yet.
            var current = refused == HttpStatusCode.NotFound ? null : await FindAsync(partition, id, ct);
            if (current is null)
            {
                // The first use of this counter: create it holding the amount; if another writer created it first, patch again.
                if (amount > limit) return (CounterChange.LimitReached, 0);
                var doc = newCounter();
                doc["id"] = id;
                doc["units"] = amount;
                doc["applied"] = new JsonArray(changeKey);
                doc["appliedSince"] = Beginning;
                doc["lastTrimAt"] = Beginning;
                doc["keptAtLastTrim"] = 0;
                using var created = await container.CreateItemStreamAsync(
                    new MemoryStream(System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString())), new PartitionKey(partition), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
                if (created.IsSuccessStatusCode) return (CounterChange.Applied, amount);
                if (created.StatusCode != HttpStatusCode.Conflict) created.EnsureSuccessStatusCode();
            }
            else if (current.Applied is null)
            {
                await StartJournalAsync(partition, current, ct);
            }
            else
            {
                await TrimIfDueAsync(partition, current, ct);
                if (current.Applied.Contains(changeKey)) return (CounterChange.AlreadyApplied, current.Units);
                if (limit is { } reached && current.Units + amount > reached) return (CounterChange.LimitReached, current.Units);
                if (coveredFrom is { } notBefore && string.CompareOrdinal(current.AppliedSince, Stamp(notBefore)) > 0) return (CounterChange.NotCovered, current.Units);
                // Otherwise the counter changed between the patch and the read: patch again.
            }
            if (attempt >= MaximumAttempts) throw new BusyResourceException(resourceName);
        }
    }

    /// <summary>
    /// Takes <paramref name="amount"/> off under <paramref name="changeKey"/>, never below zero, and only when the journal
    /// does not hold the key and is complete from <paramref name="coveredFrom"/>. Nothing changes when it was given back
    /// already (<see cref="CounterChange.AlreadyApplied"/>), the counter holds fewer units or does not exist
    /// (<see cref="CounterChange.LimitReached"/>), or the journal no longer reaches back far enough to know
    /// (<see cref="CounterChange.NotCovered"/>): the units stay taken rather than risk giving them back twice.
    /// </summary>
    /// <returns>What happened, and the counter's units after (as last seen; 0 when there is no counter).</returns>
    public async Task<(CounterChange Change, int Units)> TrySubtractAsync(
        string partition, string id, int amount, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct)
    {
        RequireKey(changeKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        var options = new PatchItemRequestOptions
        {
            EnableContentResponseOnWrite = true,
            FilterPredicate = $"FROM c WHERE c.units >= {amount.ToString(CultureInfo.InvariantCulture)} AND NOT ARRAY_CONTAINS(c.applied, '{changeKey}') AND c.appliedSince <= '{Stamp(coveredFrom)}'",
        };
        PatchOperation[] change = [PatchOperation.Increment("/units", -amount), PatchOperation.Add("/applied/-", changeKey)];
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await container.PatchItemStreamAsync(id, new PartitionKey(partition), change, options, ct))
            {
                if (patched.IsSuccessStatusCode)
                {
                    var after = await ReadAsync(patched, ct);
                    await TrimIfDueAsync(partition, after, ct);
                    return (CounterChange.Applied, after.Units);
                }
                // 404: never counted, nothing to give back.
                if (patched.StatusCode == HttpStatusCode.NotFound) return (CounterChange.LimitReached, 0);
                if (patched.StatusCode != HttpStatusCode.PreconditionFailed) patched.EnsureSuccessStatusCode();
            }

            // 412: the read tells why, and tells a counter written before change keys (units taken before they existed,
            // given back after): that one gets its journal, then the give-back is tried again, once.
            var current = await FindAsync(partition, id, ct);
            if (current is null) return (CounterChange.LimitReached, 0);
            if (current.Applied is null && attempt < 2)
            {
                await StartJournalAsync(partition, current, ct);
                continue;
            }
            await TrimIfDueAsync(partition, current, ct);
            if (current.Applied?.Contains(changeKey) == true) return (CounterChange.AlreadyApplied, current.Units);
            if (current.Units < amount) return (CounterChange.LimitReached, current.Units);
            // Not covered, or the counter changed between the patch and the read: either way nothing is given back now.
            return (CounterChange.NotCovered, current.Units);
        }
    }

    /// <summary>
    /// Past <see cref="KeysPerTrim"/> keys since the last trim: drop the keys from before it. What is left is every change
    /// since that trim, so the journal is complete from its instant. If-Match: if anyone wrote meanwhile, the next writer trims.
    /// </summary>
    private async Task TrimIfDueAsync(string partition, KeyedCounterDocument counter, CancellationToken ct)
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
        using var trimmed = await container.PatchItemStreamAsync(counter.Id, new PartitionKey(partition), trim, options, ct);
        if (!trimmed.IsSuccessStatusCode && trimmed.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) trimmed.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// A counter written before change keys existed: give it an empty journal. It has never seen a keyed change, so the
    /// journal is complete from the beginning. If-Match: if another writer started it first, theirs stands.
    /// </summary>
    private async Task StartJournalAsync(string partition, KeyedCounterDocument counter, CancellationToken ct)
    {
        PatchOperation[] start =
        [
            PatchOperation.Set("/applied", Array.Empty<string>()),
            PatchOperation.Set("/appliedSince", Beginning),
            PatchOperation.Set("/lastTrimAt", Beginning),
            PatchOperation.Set("/keptAtLastTrim", 0),
        ];
        var options = new PatchItemRequestOptions { IfMatchEtag = counter.ETag, EnableContentResponseOnWrite = false };
        using var started = await container.PatchItemStreamAsync(counter.Id, new PartitionKey(partition), start, options, ct);
        if (!started.IsSuccessStatusCode && started.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) started.EnsureSuccessStatusCode();
    }

    private async Task<KeyedCounterDocument?> FindAsync(string partition, string id, CancellationToken ct)
    {
        using var read = await container.ReadItemStreamAsync(id, new PartitionKey(partition), cancellationToken: ct);
        if (read.StatusCode == HttpStatusCode.NotFound) return null;
        read.EnsureSuccessStatusCode();
        return await ReadAsync(read, ct);
    }

    private static async Task<KeyedCounterDocument> ReadAsync(ResponseMessage response, CancellationToken ct) =>
        await System.Text.Json.JsonSerializer.DeserializeAsync<KeyedCounterDocument>(response.Content, ShopJson.Options, ct)
            ?? throw new InvalidOperationException("Cosmos DB returned an empty counter document.");

    // Keys go into a filter predicate as text: only the domain's hexadecimal keys are accepted, so nothing can be injected.
    private static void RequireKey(string changeKey)
    {
        if (changeKey.Length is < 8 or > 64 || !changeKey.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("A change key is lower-case hexadecimal, 8 to 64 characters.", nameof(changeKey));
    }

    /// <summary>The fields of a counter this class reads; its store's own fields are left alone.</summary>
    private sealed record KeyedCounterDocument
    {
        public required string Id { get; init; }
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
}
