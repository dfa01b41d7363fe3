using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Feeds;

public enum FeedAvailability { InStock, OutOfStock }

/// <summary>
/// One variant as the ads platforms list it (Google Merchant Center, the Meta catalog). Variants of a product share
/// <see cref="ItemGroupId"/> (the product id). Prices are the catalog's; <see cref="SalePrice"/> is what a guest pays for
/// one unit now, with the window it holds for when it comes from a promotion or a sale that ends.
/// </summary>
public sealed record FeedItem(
    string Id, string ItemGroupId, string Title, string Description, FeedAvailability Availability,
    Money Price, Money? SalePrice, DateTimeOffset? SaleStartsAt, DateTimeOffset? SaleEndsAt,
    string Brand, string? Gtin, string? Mpn, string ImageLink, IReadOnlyList<string> AdditionalImageLinks,
    string? ProductType, string Link)
{
    /// <summary>Every item is new goods: the shop sells nothing used or refurbished.</summary>
    public const string Condition = "new";

    /// <summary>False when the item has neither GTIN nor MPN: Google then wants identifier_exists "no".</summary>
    public bool HasIdentifier => Gtin is not null || Mpn is not null;
}

/// <summary>A product (or one variant of it) left out of the feeds, and every reason why: a broken item is never published.</summary>
public sealed record SkippedFeedItem(string ProductId, string? Sku, string ProductName, IReadOnlyList<string> Reasons);

/// <summary>The feed of the whole catalog at one moment: the items both formats render, and what was left out.</summary>
public sealed record ProductFeed(DateTimeOffset GeneratedAt, IReadOnlyList<FeedItem> Items, IReadOnlyList<SkippedFeedItem> Skipped);

/// <summary>What a run published where, and what it left out: the staff route shows the last one.</summary>
public sealed record FeedRunReport(
    DateTimeOffset GeneratedAt, string Trigger, int Items, int Products, IReadOnlyList<PublishedFeed> Feeds, IReadOnlyList<SkippedFeedItem> Skipped);

/// <param name="Url">Where the ads platform fetches it (behind the CDN in Azure).</param>
public sealed record PublishedFeed(string Format, string Url, int Items, long Bytes);

/// <param name="RefreshAfter">A feed older than this is made again even if no product changed (stock, promotions and deletions leave no trace on products).</param>
public sealed record FeedSettings(TimeSpan RefreshAfter)
{
    public static readonly TimeSpan DefaultRefreshAfter = TimeSpan.FromHours(1);
}

/// <summary>The catalog as the feeds read it: every product shoppers can see, and whether any changed since a moment.</summary>
public interface IFeedCatalogReader
{
    Task<IReadOnlyList<Product>> ListActiveProductsAsync(CancellationToken ct);

    /// <summary>True when some product was saved after <paramref name="since"/> (deletions do not count: they leave nothing to find).</summary>
    Task<bool> AnyProductChangedSinceAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>One file format of the feed (the Google XML, the Meta CSV), rendered from the same items.</summary>
public interface IProductFeedFormat
{
    /// <summary>"google" or "meta": the name in the report and in the route.</summary>
    string Format { get; }

    /// <summary>The stable name it is published under, e.g. <c>google.xml</c>.</summary>
    string FileName { get; }

    string ContentType { get; }

    byte[] Render(ProductFeed feed);
}

/// <summary>Where feeds are published (a public blob container behind the CDN) and where the last run's report is kept.</summary>
public interface IFeedPublisher
{
    /// <returns>The public URL of the file.</returns>
    Task<string> PublishAsync(string fileName, byte[] content, string contentType, CancellationToken ct);
}

public interface IFeedRunStore
{
    Task<FeedRunReport?> FindLastAsync(CancellationToken ct);
    Task SaveLastAsync(FeedRunReport report, CancellationToken ct);
}
