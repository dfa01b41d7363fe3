using System.Globalization;
using System.Text;
using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.Storefront;

public sealed record SitemapEntry(Uri Location, DateTimeOffset? LastModified);

/// <summary>A file to publish: its name in storage (served at /sitemap.xml, /sitemaps/{name}, /robots.txt) and its text.</summary>
public sealed record SitemapFile(string Name, string Content);

/// <summary>
/// Sitemaps as sitemaps.org defines them: a sitemap index (<c>sitemap.xml</c>) pointing at sitemap files of at most
/// 50,000 URLs and 50 MB (52,428,800 bytes, uncompressed) each, every entry with its lastmod when known; and robots.txt
/// naming the index.
/// </summary>
public static class Sitemaps
{
    public const int MaximumUrlsPerFile = 50_000;
    public const long MaximumBytesPerFile = 52_428_800;
    public const string IndexName = "sitemap.xml";
    public const string RobotsName = "robots.txt";

    /// <summary>When the last publication started (ISO 8601), kept beside the files; never served.</summary>
    public const string StampName = "published-at";
    private const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static string PartName(int number) => $"sitemap-{number}.xml";

    public static bool IsPartName(string name) =>
        name.StartsWith("sitemap-", StringComparison.Ordinal) && name.EndsWith(".xml", StringComparison.Ordinal)
        && int.TryParse(name["sitemap-".Length..^".xml".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;

    /// <summary>The index and its parts. The limits are parameters so tests can split small catalogs; callers keep the protocol's.</summary>
    public static IReadOnlyList<SitemapFile> Build(IReadOnlyList<SitemapEntry> entries, StorefrontSettings site,
        int maximumUrls = MaximumUrlsPerFile, long maximumBytes = MaximumBytesPerFile)
    {
        var parts = new List<(string Xml, DateTimeOffset? LastModified)>();
        var current = new List<string>();
        DateTimeOffset? currentLatest = null;
        var empty = Encoding.UTF8.GetByteCount(UrlSet([]));
        long bytes = empty;
        foreach (var entry in entries)
        {
            var element = UrlElement(entry);
            var size = Encoding.UTF8.GetByteCount(element);
            if (empty + size > maximumBytes) throw new InvalidOperationException($"One sitemap entry is larger than {maximumBytes} bytes: {entry.Location}.");
            if (current.Count == maximumUrls || bytes + size > maximumBytes)
            {
                parts.Add((UrlSet(current), currentLatest));
                current = [];
                currentLatest = null;
                bytes = empty;
            }
            current.Add(element);
            bytes += size;
            if (entry.LastModified is { } modified && (currentLatest is null || modified > currentLatest)) currentLatest = modified;
        }
        if (current.Count > 0 || parts.Count == 0) parts.Add((UrlSet(current), currentLatest));

        var files = new List<SitemapFile> { new(IndexName, Index(parts.Select((p, i) => (site.UrlOf(StorefrontPaths.Sitemap(PartName(i + 1))), p.LastModified)).ToList())) };
        files.AddRange(parts.Select((p, i) => new SitemapFile(PartName(i + 1), p.Xml)));
        return files;
    }

    public static string Robots(StorefrontSettings site) =>
        $"User-agent: *\nDisallow: {StorefrontPaths.Cart}\n\nSitemap: {site.UrlOf(StorefrontPaths.SitemapIndex)}\n";

    /// <summary>Every public page: home, each category and collection, each active product (its lastmod: when it last changed).</summary>
    public static List<SitemapEntry> EntriesFor(IReadOnlyList<Product> activeProducts, IEnumerable<Category> categories, IEnumerable<Collection> collections, StorefrontSettings site)
    {
        DateTimeOffset? latest = activeProducts.Count == 0 ? null : activeProducts.Max(p => p.UpdatedAt);
        var entries = new List<SitemapEntry> { new(site.UrlOf(StorefrontPaths.Home), latest) };
        entries.AddRange(categories.OrderBy(c => c.Slug, StringComparer.Ordinal).Select(c => new SitemapEntry(site.UrlOf(StorefrontPaths.Category(c.Slug)), null)));
        entries.AddRange(collections.OrderBy(c => c.Slug, StringComparer.Ordinal).Select(c => new SitemapEntry(site.UrlOf(StorefrontPaths.Collection(c.Slug)), null)));
        entries.AddRange(activeProducts.OrderBy(p => p.Slug, StringComparer.Ordinal).Select(p => new SitemapEntry(site.UrlOf(StorefrontPaths.Product(p.Slug)), p.UpdatedAt)));
        return entries;
    }

    private static string UrlElement(SitemapEntry entry)
    {
        var lastmod = entry.LastModified is { } m ? "<lastmod>" + W3CDate(m) + "</lastmod>" : "";
        return "<url><loc>" + Escape(entry.Location.ToString()) + "</loc>" + lastmod + "</url>\n";
    }

    private static string UrlSet(IEnumerable<string> urls) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"" + Namespace + "\">\n" + string.Concat(urls) + "</urlset>\n";

    private static string Index(IReadOnlyList<(Uri Location, DateTimeOffset? LastModified)> parts)
    {
        var builder = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"" + Namespace + "\">\n");
        foreach (var (location, modified) in parts)
            builder.Append("<sitemap><loc>").Append(Escape(location.ToString())).Append("</loc>")
                .Append(modified is { } m ? "<lastmod>" + W3CDate(m) + "</lastmod>" : "").Append("</sitemap>\n");
        return builder.Append("</sitemapindex>\n").ToString();
    }

    // The protocol wants entity-escaped URLs (&amp; and the like); XmlConvert-safe text via SecurityElement.
    private static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    private static string W3CDate(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Publishes the sitemap index, its parts and robots.txt from the catalog, and removes parts no longer needed.</summary>
public sealed class PublishSitemaps(IProductStore products, ITaxonomyStore taxonomy, ISitemapFiles files, StorefrontSite storefront, TimeProvider clock)
{
    public sealed record Published(int Urls, IReadOnlyList<string> Files);

    public async Task<Published> RunAsync(CancellationToken ct)
    {
        var site = storefront.Settings;
        var started = clock.GetUtcNow();
        var active = await CatalogPages.AllProductsAsync(products, ProductStatus.Active, ct);
        var categories = await taxonomy.GetCategoriesAsync(ct, fresh: true);
        var collections = await taxonomy.GetCollectionsAsync(ct, fresh: true);
        var entries = Sitemaps.EntriesFor(active, categories.Values, collections.Values, site);
        var built = Sitemaps.Build(entries, site);
        // Parts first, the index last: a crawler never reads an index that points at a part not yet written.
        foreach (var file in built.Skip(1)) await files.WriteAsync(file.Name, file.Content, ct);
        await files.WriteAsync(built[0].Name, built[0].Content, ct);
        await files.WriteAsync(Sitemaps.RobotsName, Sitemaps.Robots(site), ct);
        var names = built.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in (await files.ListAsync(ct)).Where(n => Sitemaps.IsPartName(n) && !names.Contains(n)))
            await files.DeleteAsync(stale, ct);
        await files.WriteAsync(Sitemaps.StampName, started.ToString("O", CultureInfo.InvariantCulture), ct);
        return new Published(entries.Count, [.. names.Append(Sitemaps.RobotsName)]);
    }

    /// <summary>When the last publication started, or null when none finished.</summary>
    public async Task<DateTimeOffset?> LastStartedAtAsync(CancellationToken ct) =>
        await files.ReadAsync(Sitemaps.StampName, ct) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
}
