using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>
/// Categories and collections in memory, with the short-lived cache the real store has: an entry added
/// "after the cache was filled" is only seen by reads that ask for a fresh answer.
/// </summary>
internal sealed class InMemoryTaxonomyStore : ITaxonomyStore
{
    private readonly Dictionary<string, Versioned<Category>> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Versioned<Collection>> _collections = new(StringComparer.Ordinal);
    private readonly HashSet<string> _notYetCached = new(StringComparer.Ordinal);
    private int _lastVersion;

    public int FreshReads { get; private set; }

    public InMemoryTaxonomyStore With(Category category, bool cached = true)
    {
        _categories[category.Id] = new(category, NextVersion());
        if (!cached) _notYetCached.Add(category.Id);
        return this;
    }

    public InMemoryTaxonomyStore With(Collection collection, bool cached = true)
    {
        _collections[collection.Id] = new(collection, NextVersion());
        if (!cached) _notYetCached.Add(collection.Id);
        return this;
    }

    public Task<IReadOnlyDictionary<string, Category>> GetCategoriesAsync(CancellationToken ct, bool fresh = false) =>
        Task.FromResult(Read(_categories, fresh));

    public Task<IReadOnlyDictionary<string, Collection>> GetCollectionsAsync(CancellationToken ct, bool fresh = false) =>
        Task.FromResult(Read(_collections, fresh));

    public Task<Versioned<Category>?> FindCategoryAsync(string id, CancellationToken ct) => Task.FromResult(_categories.GetValueOrDefault(id));

    public Task<Versioned<Collection>?> FindCollectionAsync(string id, CancellationToken ct) => Task.FromResult(_collections.GetValueOrDefault(id));

    public Task<string> SaveCategoryAsync(Category category, string? expectedVersion, CancellationToken ct) =>
        Task.FromResult(Save(_categories, category.Id, category, expectedVersion));

    public Task<string> SaveCollectionAsync(Collection collection, string? expectedVersion, CancellationToken ct) =>
        Task.FromResult(Save(_collections, collection.Id, collection, expectedVersion));

    public Task DeleteCategoryAsync(string id, string expectedVersion, CancellationToken ct) => Delete(_categories, id, expectedVersion);

    public Task DeleteCollectionAsync(string id, string expectedVersion, CancellationToken ct) => Delete(_collections, id, expectedVersion);

    private IReadOnlyDictionary<string, T> Read<T>(Dictionary<string, Versioned<T>> all, bool fresh)
    {
        if (fresh) FreshReads++;
        return all.Where(e => fresh || !_notYetCached.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value.Value);
    }

    private string Save<T>(Dictionary<string, Versioned<T>> all, string id, T value, string? expectedVersion)
    {
        var exists = all.TryGetValue(id, out var stored);
        if (expectedVersion is null ? exists : !exists || stored!.Version != expectedVersion) throw new StaleVersionException(typeof(T).Name);
        return (all[id] = new Versioned<T>(value, NextVersion())).Version;
    }

    private static Task Delete<T>(Dictionary<string, Versioned<T>> all, string id, string expectedVersion)
    {
        if (!all.TryGetValue(id, out var stored) || stored.Version != expectedVersion) throw new StaleVersionException(typeof(T).Name);
        all.Remove(id);
        return Task.CompletedTask;
    }

    private string NextVersion() => $"\"t{++_lastVersion}\"";
}
