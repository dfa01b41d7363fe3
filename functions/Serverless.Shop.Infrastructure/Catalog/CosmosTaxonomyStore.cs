using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Catalog;

/// <summary>
/// Categories and collections in the <c>taxonomy</c> container, partitioned by kind: each set is small and read whole
/// with one single-partition query. Whole sets are cached for <see cref="CacheLifetime"/> so a listing costs one query.
/// </summary>
public sealed class CosmosTaxonomyStore(ShopContainers containers, TimeProvider clock) : ITaxonomyStore
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private const string CategoryKind = "category";
    private const string CollectionKind = "collection";
    private readonly RecentCopy<IReadOnlyDictionary<string, Category>> _categories = new(clock, CacheLifetime);
    private readonly RecentCopy<IReadOnlyDictionary<string, Collection>> _collections = new(clock, CacheLifetime);

    private Container Taxonomy => containers.Taxonomy;

    public Task<IReadOnlyDictionary<string, Category>> GetCategoriesAsync(CancellationToken ct, bool fresh = false) =>
        _categories.GetAsync(() => ReadAllAsync<Category>(CategoryKind, d => d.Category!, ct), fresh);

    public Task<IReadOnlyDictionary<string, Collection>> GetCollectionsAsync(CancellationToken ct, bool fresh = false) =>
        _collections.GetAsync(() => ReadAllAsync<Collection>(CollectionKind, d => d.Collection!, ct), fresh);

    public async Task<Versioned<Category>?> FindCategoryAsync(string id, CancellationToken ct) =>
        await FindAsync(id, CategoryKind, ct) is { } doc ? new(doc.Category!, doc.ETag!) : null;

    public async Task<Versioned<Collection>?> FindCollectionAsync(string id, CancellationToken ct) =>
        await FindAsync(id, CollectionKind, ct) is { } doc ? new(doc.Collection!, doc.ETag!) : null;

    public async Task<string> SaveCategoryAsync(Category category, string? expectedVersion, CancellationToken ct)
    {
        var etag = await SaveAsync(new TaxonomyDocument { Id = category.Id, Kind = CategoryKind, Category = category }, expectedVersion, "Category", ct);
        _categories.Invalidate();
        return etag;
    }

    public async Task<string> SaveCollectionAsync(Collection collection, string? expectedVersion, CancellationToken ct)
    {
        var etag = await SaveAsync(new TaxonomyDocument { Id = collection.Id, Kind = CollectionKind, Collection = collection }, expectedVersion, "Collection", ct);
        _collections.Invalidate();
        return etag;
    }

    public async Task DeleteCategoryAsync(string id, string expectedVersion, CancellationToken ct)
    {
        await DeleteAsync(id, CategoryKind, expectedVersion, "Category", ct);
        _categories.Invalidate();
    }

    public async Task DeleteCollectionAsync(string id, string expectedVersion, CancellationToken ct)
    {
        await DeleteAsync(id, CollectionKind, expectedVersion, "Collection", ct);
        _collections.Invalidate();
    }

    private async Task<IReadOnlyDictionary<string, T>> ReadAllAsync<T>(string kind, Func<TaxonomyDocument, T> select, CancellationToken ct)
    {
        // The partition key goes in the WHERE clause as well as the options: the local emulator ignores the options.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", kind);
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        using var feed = Taxonomy.GetItemQueryIterator<TaxonomyDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(kind), MaxItemCount = 1000 });
        while (feed.HasMoreResults)
            foreach (var doc in await feed.ReadNextAsync(ct))
                result[doc.Id] = select(doc);
        return result;
    }

    private async Task<TaxonomyDocument?> FindAsync(string id, string kind, CancellationToken ct)
    {
        try
        {
            return (await Taxonomy.ReadItemAsync<TaxonomyDocument>(id, new PartitionKey(kind), cancellationToken: ct)).Resource;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    private async Task<string> SaveAsync(TaxonomyDocument doc, string? expectedVersion, string resource, CancellationToken ct)
    {
        try
        {
            var response = expectedVersion is null
                ? await Taxonomy.CreateItemAsync(doc, new PartitionKey(doc.Kind), cancellationToken: ct)
                : await Taxonomy.ReplaceItemAsync(doc, doc.Id, new PartitionKey(doc.Kind), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException(resource);
        }
    }

    private async Task DeleteAsync(string id, string kind, string expectedVersion, string resource, CancellationToken ct)
    {
        try
        {
            await Taxonomy.DeleteItemAsync<TaxonomyDocument>(id, new PartitionKey(kind), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException(resource);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            throw new ResourceNotFoundException(resource, id);
        }
    }

    private sealed record TaxonomyDocument
    {
        public required string Id { get; init; }
        public required string Kind { get; init; }
        public Category? Category { get; init; }
        public Collection? Collection { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
