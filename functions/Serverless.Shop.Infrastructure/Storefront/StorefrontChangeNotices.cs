using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Infrastructure.Storefront;

/// <summary>
/// Puts a <see cref="StorefrontChange"/> on its queue after each write to the catalog, whoever writes (staff's edits,
/// image processing, review ratings), so the RefreshStorefront function purges the CDN and republishes the sitemaps.
/// The write has happened by then: a notice that cannot be queued is logged, not thrown, and the pages it would have
/// purged stay at most their s-maxage old (the hourly sitemap run catches up the rest).
/// </summary>
internal sealed class StorefrontChangeNotices(IWorkQueue queue, TimeProvider clock, ILogger<StorefrontChangeNotices> logger)
{
    public async Task SendAsync(StorefrontChange change, CancellationToken ct)
    {
        try
        {
            await queue.EnqueueAsync(StorefrontChange.QueueName, change with { ChangedAt = clock.GetUtcNow() }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The storefront was not told of a catalog change ({Slugs}); its pages refresh when their cache expires.", string.Join(", ", change.ProductSlugs));
        }
    }
}

/// <summary>The product store, telling the storefront about every product written or deleted.</summary>
internal sealed class ProductStoreWithStorefrontNotices(IProductStore inner, StorefrontChangeNotices notices) : IProductStore
{
    public Task<Versioned<Product>?> FindByIdAsync(string id, CancellationToken ct) => inner.FindByIdAsync(id, ct);
    public Task<Versioned<Product>?> FindBySlugAsync(string slug, CancellationToken ct) => inner.FindBySlugAsync(slug, ct);
    public Task<IReadOnlyList<Versioned<Product>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct) => inner.FindManyByIdsAsync(ids, ct);
    public Task<Page<Product>> ListAsync(ProductFilter filter, PageRequest page, CancellationToken ct) => inner.ListAsync(filter, page, ct);

    public async Task<string> CreateAsync(Product product, CancellationToken ct)
    {
        var version = await inner.CreateAsync(product, ct);
        await notices.SendAsync(StorefrontChange.ForProducts(product), ct);
        return version;
    }

    public async Task<string> ReplaceAsync(Product product, Versioned<Product> previous, CancellationToken ct)
    {
        var version = await inner.ReplaceAsync(product, previous, ct);
        await notices.SendAsync(StorefrontChange.ForProducts(product, previous.Value), ct);
        return version;
    }

    public async Task DeleteAsync(Product product, string expectedVersion, CancellationToken ct)
    {
        await inner.DeleteAsync(product, expectedVersion, ct);
        await notices.SendAsync(StorefrontChange.ForProducts(product), ct);
    }
}

/// <summary>The taxonomy store, telling the storefront about every category or collection written or deleted (all pages show the navigation).</summary>
internal sealed class TaxonomyStoreWithStorefrontNotices(ITaxonomyStore inner, StorefrontChangeNotices notices) : ITaxonomyStore
{
    public Task<IReadOnlyDictionary<string, Category>> GetCategoriesAsync(CancellationToken ct, bool fresh = false) => inner.GetCategoriesAsync(ct, fresh);
    public Task<IReadOnlyDictionary<string, Collection>> GetCollectionsAsync(CancellationToken ct, bool fresh = false) => inner.GetCollectionsAsync(ct, fresh);
    public Task<Versioned<Category>?> FindCategoryAsync(string id, CancellationToken ct) => inner.FindCategoryAsync(id, ct);
    public Task<Versioned<Collection>?> FindCollectionAsync(string id, CancellationToken ct) => inner.FindCollectionAsync(id, ct);

    public async Task<string> SaveCategoryAsync(Category category, string? expectedVersion, CancellationToken ct)
    {
        var version = await inner.SaveCategoryAsync(category, expectedVersion, ct);
        await notices.SendAsync(StorefrontChange.Taxonomy, ct);
        return version;
    }

    public async Task<string> SaveCollectionAsync(Collection collection, string? expectedVersion, CancellationToken ct)
    {
        var version = await inner.SaveCollectionAsync(collection, expectedVersion, ct);
        await notices.SendAsync(StorefrontChange.Taxonomy, ct);
        return version;
    }

    public async Task DeleteCategoryAsync(string id, string expectedVersion, CancellationToken ct)
    {
        await inner.DeleteCategoryAsync(id, expectedVersion, ct);
        await notices.SendAsync(StorefrontChange.Taxonomy, ct);
    }

    public async Task DeleteCollectionAsync(string id, string expectedVersion, CancellationToken ct)
    {
        await inner.DeleteCollectionAsync(id, expectedVersion, ct);
        await notices.SendAsync(StorefrontChange.Taxonomy, ct);
    }
}
