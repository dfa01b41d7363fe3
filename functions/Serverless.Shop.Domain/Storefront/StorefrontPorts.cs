namespace Serverless.Shop.Domain.Storefront;

/// <summary>
/// Where the storefront's pages are published: the public address shoppers and search engines use (the CDN endpoint in
/// Azure), the shop's name for titles and the Organization JSON-LD, and the API the pages' scripts call.
/// </summary>
public sealed record StorefrontSettings(Uri PublicBaseUrl, string ShopName, Uri ApiBaseUrl)
{
    /// <summary>The absolute URL of a storefront path ("/products/mug"), under <see cref="PublicBaseUrl"/>.</summary>
    public Uri UrlOf(string path) => new(PublicBaseUrl.ToString().TrimEnd('/') + path);

    /// <summary>The API's base URL without a trailing slash, as the pages' scripts join paths to it ("/carts").</summary>
    public string Api => ApiBaseUrl.ToString().TrimEnd('/');
}

/// <summary>The storefront's public paths, one place so pages, redirects, the sitemap and CDN purges agree.</summary>
public static class StorefrontPaths
{
    public const string Home = "/";
    public const string Cart = "/cart";
    public const string SitemapIndex = "/sitemap.xml";
    public const string Robots = "/robots.txt";

    public static string Product(string slug) => "/products/" + slug;
    public static string Category(string slug) => "/categories/" + slug;
    public static string Collection(string slug) => "/collections/" + slug;
    public static string Sitemap(string fileName) => "/sitemaps/" + fileName;
}

/// <summary>The CDN in front of the pages: removes cached copies of paths so the next request gets the changed page.</summary>
public interface ICdnPurge
{
    /// <param name="paths">Storefront paths such as <c>/products/mug</c>, each starting with '/'.</param>
    Task PurgeAsync(IReadOnlyCollection<string> paths, CancellationToken ct);
}

/// <summary>The published sitemap files and robots.txt (Blob Storage in Azure and on Azurite).</summary>
public interface ISitemapFiles
{
    Task WriteAsync(string name, string content, CancellationToken ct);

    /// <returns>The file, or null when it was never published.</returns>
    Task<string?> ReadAsync(string name, CancellationToken ct);

    /// <summary>Every published file's name, to remove sitemap parts the catalog no longer fills.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken ct);

    Task DeleteAsync(string name, CancellationToken ct);
}

/// <summary>Turns a page model into HTML (Scriban templates in the infrastructure).</summary>
public interface IStorefrontPageRenderer
{
    string Render(StorefrontPage page);
}

/// <summary>
/// The storefront's settings as the app has them: known (from configuration, or the local host's own address), or not
/// configured, when every page and the sitemap answer 503 naming what is missing (Problems.From: NotConfiguredException).
/// </summary>
public sealed class StorefrontSite
{
    private readonly Lazy<StorefrontSettings> _settings;

    public StorefrontSite(Func<StorefrontSettings> resolve) => _settings = new(resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    public StorefrontSite(StorefrontSettings settings) : this(() => settings) { }

    public static StorefrontSite NotConfigured(string problem) => new(() => throw new Common.NotConfiguredException(problem));

    /// <exception cref="Common.NotConfiguredException">The storefront is not configured; the message says what is missing.</exception>
    public StorefrontSettings Settings => _settings.Value;
}
