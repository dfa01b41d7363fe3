using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// Idempotency records in the <c>idempotency</c> container (partition key /id, 24 h TTL). The claim is a create: of two
/// concurrent requests with one key exactly one gets 201 from Cosmos DB and runs; the other sees the claim.
/// </summary>
public sealed class CosmosIdempotencyStore(ShopContainers containers, TimeProvider clock) : IIdempotencyStore
{
    private Container Records => containers.Idempotency;

    public async Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken ct)
    {
        var record = new IdempotencyRecord { Id = key, Fingerprint = fingerprint, ClaimedAt = clock.GetUtcNow() };
        try
        {
            await Records.CreateItemAsync(record, new PartitionKey(key), cancellationToken: ct);
            return new IdempotencyClaim.Granted();
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict)) { }

        var existing = await Records.ReadItemAsync<IdempotencyRecord>(key, new PartitionKey(key), cancellationToken: ct);
        var stored = existing.Resource;
        if (stored.Fingerprint != fingerprint) return new IdempotencyClaim.Mismatch();
        if (stored.Response is not null) return new IdempotencyClaim.Replay(stored.Response);
        if (clock.GetUtcNow() - stored.ClaimedAt < IIdempotencyStore.AbandonedAfter) return new IdempotencyClaim.InProgress();

        // The first request's process died before finishing: take the claim over, unless someone else just did.
        try
        {
            await Records.ReplaceItemAsync(record, key, new PartitionKey(key), new ItemRequestOptions { IfMatchEtag = existing.ETag }, ct);
            return new IdempotencyClaim.Granted();
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            return new IdempotencyClaim.InProgress();
        }
    }

    public async Task CompleteAsync(string key, StoredResponse response, CancellationToken ct)
    {
        await Records.PatchItemAsync<IdempotencyRecord>(key, new PartitionKey(key), [PatchOperation.Set("/response", response)], cancellationToken: ct);
    }

    public async Task ReleaseAsync(string key, CancellationToken ct)
    {
        try { await Records.DeleteItemAsync<IdempotencyRecord>(key, new PartitionKey(key), cancellationToken: ct); }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound)) { }
    }

    private sealed record IdempotencyRecord
    {
        public required string Id { get; init; }
        public required string Fingerprint { get; init; }
        public required DateTimeOffset ClaimedAt { get; init; }
        public StoredResponse? Response { get; init; }

        [JsonPropertyName("ttl")]
        public int TimeToLive { get; init; } = (int)IIdempotencyStore.Retention.TotalSeconds;
    }
}
