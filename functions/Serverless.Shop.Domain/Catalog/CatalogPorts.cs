using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>Where products live. Slugs are unique across products; <see cref="DuplicateResourceException"/> says when one is taken.</summary>
public interface IProductStore
{
    Task<Versioned<Product>?> FindByIdAsync(string id, CancellationToken ct);
    Task<Versioned<Product>?> FindBySlugAsync(string slug, CancellationToken ct);

    /// <summary>The products with these ids, in one call (pricing a cart reads all its products at once). Missing ids are left out; the order is not defined.</summary>
    Task<IReadOnlyList<Versioned<Product>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct);
    Task<Page<Product>> ListAsync(ProductFilter filter, PageRequest page, CancellationToken ct);

    /// <returns>The new version.</returns>
    Task<string> CreateAsync(Product product, CancellationToken ct);

    /// <summary>Replaces <paramref name="previous"/> if it is still at its version, else throws <see cref="StaleVersionException"/>.</summary>
    Task<string> ReplaceAsync(Product product, Versioned<Product> previous, CancellationToken ct);

    Task DeleteAsync(Product product, string expectedVersion, CancellationToken ct);
}

/// <summary>
/// Categories and collections: small sets read whole. Reads may come from a short-lived cache so that a listing costs
/// one Cosmos DB query; pass <c>fresh: true</c> where a stale answer would be wrong (validating a write, a cache miss).
/// </summary>
public interface ITaxonomyStore
{
    Task<IReadOnlyDictionary<string, Category>> GetCategoriesAsync(CancellationToken ct, bool fresh = false);
    Task<IReadOnlyDictionary<string, Collection>> GetCollectionsAsync(CancellationToken ct, bool fresh = false);
    Task<Versioned<Category>?> FindCategoryAsync(string id, CancellationToken ct);
    Task<Versioned<Collection>?> FindCollectionAsync(string id, CancellationToken ct);
    Task<string> SaveCategoryAsync(Category category, string? expectedVersion, CancellationToken ct);
    Task<string> SaveCollectionAsync(Collection collection, string? expectedVersion, CancellationToken ct);
    Task DeleteCategoryAsync(string id, string expectedVersion, CancellationToken ct);
    Task DeleteCollectionAsync(string id, string expectedVersion, CancellationToken ct);
}

/// <summary>The shop-wide settings a use case needs.</summary>
public sealed record ShopSettings(string Currency = "EUR");
