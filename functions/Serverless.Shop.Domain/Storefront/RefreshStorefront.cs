using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.Storefront;

/// <summary>
/// A change to the catalog that shows on storefront pages, put on the <see cref="QueueName"/> queue by the catalog's
/// stores after a write. <see cref="Everything"/> is set when every page may show it (a category's name is in every
/// page's navigation).
/// </summary>
public sealed record StorefrontChange(
    IReadOnlyList<string> ProductSlugs, IReadOnlyList<string> CategoryIds, bool Everything = false)
{
    public const string QueueName = Common.WorkQueues.StorefrontChanges;

    /// <summary>When the change was written; a sitemap publication that started well after it already lists it.</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    public static StorefrontChange ForProducts(params Product?[] versions)
    {
        var present = versions.OfType<Product>().ToList();
        return new(present.SelectMany(p => p.FormerSlugs.Prepend(p.Slug)).Distinct(StringComparer.Ordinal).ToList(),
            present.SelectMany(p => p.CategoryPath).Distinct(StringComparer.Ordinal).ToList());
    }

    public static readonly StorefrontChange Taxonomy = new([], [], Everything: true);
}

/// <summary>
/// Brings the storefront up to date after a change: purges the changed pages from the CDN (a product's page under its
/// current and former slugs, the home page, the pages of its categories and the collections), publishes the sitemaps
/// again and purges them too. Idempotent, so a redelivered message only purges again. A burst of changes publishes the
/// sitemaps about once: a change older than the start of the last publication (by <see cref="CoalescingMargin"/>) was
/// already read by it, so only its pages are purged.
/// </summary>
public sealed class RefreshStorefront(ITaxonomyStore taxonomy, PublishSitemaps sitemaps, ICdnPurge cdn)
{
    /// <summary>How much later than a change a publication must have started to count as having read it (clocks of instances differ a little).</summary>
    public static readonly TimeSpan CoalescingMargin = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyCollection<string>> RunAsync(StorefrontChange change, CancellationToken ct)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        if (change.Everything)
        {
            paths.Add("/*");
        }
        else
        {
            var categories = await taxonomy.GetCategoriesAsync(ct, fresh: true);
            var collections = await taxonomy.GetCollectionsAsync(ct, fresh: true);
            paths.Add(StorefrontPaths.Home);
            foreach (var slug in change.ProductSlugs) paths.Add(StorefrontPaths.Product(slug));
            foreach (var id in change.CategoryIds)
                if (categories.TryGetValue(id, out var category)) paths.Add(StorefrontPaths.Category(category.Slug));
            // Rule-based collections may gain or lose the product with any edit; collections are few, so all are purged.
            foreach (var collection in collections.Values) paths.Add(StorefrontPaths.Collection(collection.Slug));
        }
        var lastStarted = change.ChangedAt is null ? null : await sitemaps.LastStartedAtAsync(ct);
        if (lastStarted is null || lastStarted < change.ChangedAt + CoalescingMargin) await sitemaps.RunAsync(ct);
        if (!change.Everything)
        {
            paths.Add(StorefrontPaths.SitemapIndex);
            paths.Add(StorefrontPaths.Robots);
            paths.Add(StorefrontPaths.Sitemap("*"));
        }
        await cdn.PurgeAsync(paths, ct);
        return paths;
    }
}
