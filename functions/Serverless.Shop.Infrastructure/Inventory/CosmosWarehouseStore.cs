using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Inventory;

/// <summary>
/// The warehouse directory: one document (<c>directory</c>) in the <c>warehouses</c> container, holding every warehouse
/// with its own version. One document because allocation needs all of them (one point read) and because a unique name
/// is checked and claimed by the same conditional replace. A shop's few warehouses stay far below the 2 MB item limit.
/// Quotes and checkouts price parcels from a copy kept <see cref="RecentLifetime"/> (<see cref="ReadRecentAsync"/>), so
/// a storefront's quote stays one Cosmos DB call.
/// </summary>
public sealed class CosmosWarehouseStore(ShopContainers containers, TimeProvider clock) : IWarehouseStore
{
    public static readonly TimeSpan RecentLifetime = TimeSpan.FromSeconds(30);
    private const string DirectoryId = "directory";
    private readonly RecentCopy<WarehouseDirectory> _recent = new(clock, RecentLifetime);

    private Container Warehouses => containers.Warehouses;

    public async Task<(WarehouseDirectory Directory, string? Version)> ReadAsync(CancellationToken ct)
    {
        try
        {
            var response = await Warehouses.ReadItemAsync<DirectoryDocument>(DirectoryId, new PartitionKey(DirectoryId), cancellationToken: ct);
            return (new WarehouseDirectory(response.Resource.Warehouses), response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return (WarehouseDirectory.Empty, null);
        }
    }

    public Task<WarehouseDirectory> ReadRecentAsync(CancellationToken ct) => _recent.GetAsync(async () => (await ReadAsync(CancellationToken.None)).Directory).WaitAsync(ct);

    public async Task SaveAsync(WarehouseDirectory directory, string? expectedVersion, CancellationToken ct)
    {
        var document = new DirectoryDocument { Id = DirectoryId, Warehouses = directory.Warehouses };
        try
        {
            if (expectedVersion is null) await Warehouses.CreateItemAsync(document, new PartitionKey(DirectoryId), cancellationToken: ct);
            else await Warehouses.ReplaceItemAsync(document, DirectoryId, new PartitionKey(DirectoryId), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.Conflict))
        {
            throw new StaleVersionException("Warehouse directory");
        }
        finally
        {
            // After the write, so a read racing it cannot keep the old directory for the lifetime.
            _recent.Invalidate();
        }
    }

    private sealed record DirectoryDocument
    {
        public required string Id { get; init; }
        public required IReadOnlyList<Warehouse> Warehouses { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
