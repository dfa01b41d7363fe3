using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>A claim document: its id is the unique value (<c>slug:mug</c>, <c>code:SUMMER</c>), so it is its own partition.</summary>
internal interface IUniqueClaim
{
    string Id { get; }

    /// <summary>The id of the document holding the value.</summary>
    string Owner { get; }

    /// <summary>When it was claimed; absent on claims written before this was recorded (treated as old).</summary>
    DateTimeOffset? ClaimedAt { get; }
}

/// <summary>
/// Values that must be unique across a container (a product's slug, a promotion's code). Cosmos DB enforces unique ids
/// only within a partition, so each value gets a claim document that is its own partition: creating it is the check.
/// The owner claims first and writes itself second; a claim left behind by a process that died in between (its owner
/// does not hold the value) is taken over, but only once it is older than <see cref="AbandonedAfter"/>, because a
/// moment after claiming, its owner is still writing itself and two owners would end up with one value.
/// </summary>
internal static class UniqueClaims
{
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    /// <param name="ownerHolds">Whether that owner (by id) holds the value now.</param>
    /// <param name="taken">The conflict to report, given the id of the owner that has the value.</param>
    public static async Task ClaimAsync<TClaim>(
        Container container, TClaim claim, Func<string, CancellationToken, Task<bool>> ownerHolds,
        Func<string, DuplicateResourceException> taken, TimeProvider clock, CancellationToken ct) where TClaim : IUniqueClaim
    {
        try
        {
            await container.CreateItemAsync(claim, new PartitionKey(claim.Id), cancellationToken: ct);
            return;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict)) { }

        var existing = await container.ReadItemAsync<TClaim>(claim.Id, new PartitionKey(claim.Id), cancellationToken: ct);
        var owner = existing.Resource.Owner;
        if (owner == claim.Owner) return;
        var age = clock.GetUtcNow() - (existing.Resource.ClaimedAt ?? DateTimeOffset.MinValue);
        if (age < AbandonedAfter || await ownerHolds(owner, ct)) throw taken(owner);
        try
        {
            await container.ReplaceItemAsync(claim, claim.Id, new PartitionKey(claim.Id), new ItemRequestOptions { IfMatchEtag = existing.ETag }, ct);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw taken(owner);
        }
    }

    /// <summary>Removes the claim if <paramref name="owner"/> still has it; one claimed again meanwhile is not ours to remove.</summary>
    public static async Task ReleaseAsync<TClaim>(Container container, string id, string owner) where TClaim : IUniqueClaim
    {
        try
        {
            var existing = await container.ReadItemAsync<TClaim>(id, new PartitionKey(id));
            if (existing.Resource.Owner != owner) return;
            await container.DeleteItemAsync<TClaim>(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = existing.ETag });
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            // Already released, or claimed again meanwhile. A claim left over is taken over later.
        }
    }
}
