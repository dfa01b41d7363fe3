using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Storefront;

/// <summary>
/// The storefront's server-rendered pages. The function app serves them under /api/storefront; Front Door maps the
/// shop's public paths onto them (/products/{slug} to /api/storefront/products/{slug}, bicep/modules/cdn.bicep) and
/// caches them for <see cref="StorefrontCaching.SharedMaxAgeSeconds"/>, until a catalog change purges them or a flash
/// sale on the page starts or ends.
/// </summary>
public sealed class StorefrontPageFunctions(ReadStorefrontPages pages, IStorefrontPageRenderer renderer, TimeProvider clock)
{
    [Function("StorefrontHome")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "The home page (HTML): navigation, collections and the newest products. Public path /")]
    public async Task<IActionResult> Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront")] HttpRequest req, CancellationToken ct) =>
        Respond(req, await pages.HomeAsync(ct));

    [Function("StorefrontProduct")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "A product page (HTML) with its title, meta description, canonical URL, Open Graph and Twitter tags and JSON-LD; 301 from a former slug. Public path /products/{slug}")]
    public async Task<IActionResult> Product([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/products/{slug}")] HttpRequest req, string slug, CancellationToken ct) =>
        Respond(req, await pages.ProductAsync(slug, ct));

    [Function("StorefrontCategory")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "A category page (HTML) with its products; 301 from a former slug. Public path /categories/{slug}")]
    public async Task<IActionResult> Category([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/categories/{slug}")] HttpRequest req, string slug, CancellationToken ct) =>
        Respond(req, await pages.CategoryAsync(slug, ct));

    [Function("StorefrontCollection")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "A collection page (HTML) with its products; 301 from a former slug. Public path /collections/{slug}")]
    public async Task<IActionResult> Collection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/collections/{slug}")] HttpRequest req, string slug, CancellationToken ct) =>
        Respond(req, await pages.CollectionAsync(slug, ct));

    [Function("StorefrontCart")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "The cart and checkout page (HTML); its script reads the cart named in localStorage through the cart API. Public path /cart")]
    public async Task<IActionResult> Cart([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/cart")] HttpRequest req, CancellationToken ct) =>
        Respond(req, await pages.CartAsync(ct));

    private IActionResult Respond(HttpRequest req, PageOutcome outcome) => outcome switch
    {
        MovedPermanently moved => StorefrontCaching.MovedPermanently(moved.Location),
        RenderedPage page => StorefrontCaching.Cacheable(req, "text/html", renderer.Render(page.Page), StorefrontCaching.CacheControlUntil(page.FreshUntil, clock.GetUtcNow())),
        _ => throw new InvalidOperationException($"No response for {outcome.GetType().Name}."),
    };
}

/// <summary>
/// How the storefront's responses are cached: browsers briefly, the CDN for an hour (s-maxage) with an ETag, so a
/// revalidation costs no body. A catalog change purges the CDN at once; the hour bounds a purge that was missed.
/// </summary>
public static class StorefrontCaching
{
    public const int BrowserMaxAgeSeconds = 60;
    public const int SharedMaxAgeSeconds = 3600;
    public static readonly string CacheControl = $"public, max-age={BrowserMaxAgeSeconds}, s-maxage={SharedMaxAgeSeconds}";

    /// <summary>
    /// The usual lifetimes, cut short so that no cache keeps a page past <paramref name="freshUntil"/>: a flash sale that
    /// starts or ends changes the page's prices without a write that would purge it (StorefrontPageTests).
    /// </summary>
    public static string CacheControlUntil(DateTimeOffset? freshUntil, DateTimeOffset now)
    {
        if (freshUntil is not { } until) return CacheControl;
        var seconds = (int)Math.Clamp(Math.Ceiling((until - now).TotalSeconds), 0, SharedMaxAgeSeconds);
        return $"public, max-age={Math.Min(BrowserMaxAgeSeconds, seconds)}, s-maxage={seconds}";
    }

    public static ApiResult Cacheable(HttpRequest req, string contentType, string body, string? cacheControl = null)
    {
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..32] + "\"";
        var notModified = req.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Any(t => t == etag || t == "W/" + etag || t == "*"));
        return new ApiResult(notModified ? StatusCodes.Status304NotModified : StatusCodes.Status200OK, notModified ? null : body, contentType)
            .WithHeader("Cache-Control", cacheControl ?? CacheControl).WithHeader("ETag", etag);
    }

    /// <summary>A 301 to the page's current public URL (the CDN's address in Azure), cached like a page so crawlers learn it.</summary>
    public static ApiResult MovedPermanently(Uri location) =>
        new ApiResult(StatusCodes.Status301MovedPermanently, null).WithHeader("Location", location.ToString()).WithHeader("Cache-Control", CacheControl);
}
