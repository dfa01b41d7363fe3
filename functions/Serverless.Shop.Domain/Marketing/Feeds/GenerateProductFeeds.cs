using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Domain.Marketing.Feeds;

/// <summary>
/// Makes the ads feeds (every registered <see cref="IProductFeedFormat"/>) from the catalog (flash sales included, as
/// products carry them), stock and promotions, publishes each at its stable name, and keeps the run's report. The
/// timer calls <see cref="RunIfDueAsync"/>: it regenerates when a product was saved since the last run (so a change reaches the feeds within one timer period:
/// the debounce) or the last run is older than <see cref="FeedSettings.RefreshAfter"/> (stock, promotions and deletions
/// leave no trace on products). Staff call <see cref="RunAsync"/> to regenerate now.
/// </summary>
public sealed class GenerateProductFeeds(
    IFeedCatalogReader catalog, ITaxonomyStore taxonomy, ManageStock stock, IPromotionCatalog promotions,
    IEnumerable<IProductFeedFormat> formats, IFeedPublisher publisher, IFeedRunStore runs,
    ProductFeedBuilder builder, FeedSettings settings, ShopSettings shop, StorefrontSite storefront, TimeProvider clock)
{
    public const string TriggerStaff = "staff";
    public const string TriggerTimer = "timer";

    // Stock is read for this many SKUs per call, so a large catalog does not make one huge request.
    private const int StockBatch = 100;

    /// <summary>Regenerates when something changed or the feeds are old; null when they were left as they are.</summary>
    public async Task<FeedRunReport?> RunIfDueAsync(CancellationToken ct)
    {
        var last = await runs.FindLastAsync(ct);
        var now = clock.GetUtcNow();
        var due = last is null || now - last.GeneratedAt >= settings.RefreshAfter || await catalog.AnyProductChangedSinceAsync(last.GeneratedAt, ct);
        return due ? await RunAsync(TriggerTimer, ct) : null;
    }

    public async Task<FeedRunReport> RunAsync(string trigger, CancellationToken ct)
    {
        // Items link to the storefront's product pages; not configured: NotConfiguredException naming the setting, nothing made.
        var storefrontUrl = new Uri(storefront.Settings.PublicBaseUrl.AbsoluteUri.TrimEnd('/') + "/");
        var now = clock.GetUtcNow();
        var productsRead = catalog.ListActiveProductsAsync(ct);
        var categoriesRead = taxonomy.GetCategoriesAsync(ct);
        var promotionsRead = promotions.ListLiveAutomaticAsync(now, ct);
        var products = await productsRead;
        var skus = products.SelectMany(p => p.Variants.Select(v => v.Sku)).Distinct(StringComparer.Ordinal).ToList();

        var available = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chunk in skus.Chunk(StockBatch))
            foreach (var (sku, units) in await stock.GetAvailableAsync(chunk, ct)) available[sku] = units;
        var feed = builder.Build(new FeedSources(products, await categoriesRead, available, await promotionsRead, storefrontUrl, shop.Currency, now));
        var published = new List<PublishedFeed>();
        foreach (var format in formats)
        {
            var content = format.Render(feed);
            var url = await publisher.PublishAsync(format.FileName, content, format.ContentType, ct);
            published.Add(new PublishedFeed(format.Format, url, feed.Items.Count, content.Length));
        }
        var report = new FeedRunReport(now, trigger, feed.Items.Count, products.Count, published, feed.Skipped);
        await runs.SaveLastAsync(report, ct);
        return report;
    }

    public Task<FeedRunReport?> LastRunAsync(CancellationToken ct) => runs.FindLastAsync(ct);
}
