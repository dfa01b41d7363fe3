using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Storefront;

/// <summary>
/// The sitemaps and robots.txt, published to Blob Storage by a timer and after every catalog change, and served from
/// there (public paths /sitemap.xml, /sitemaps/{name}, /robots.txt behind Front Door).
/// </summary>
public sealed class SitemapFunctions(ISitemapFiles files, PublishSitemaps publish, RefreshStorefront refresh)
{
    [Function("StorefrontSitemapIndex")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "The sitemap index (XML, sitemaps.org): one entry per sitemap part, with lastmod. Public path /sitemap.xml")]
    public Task<IActionResult> Index([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/sitemap.xml")] HttpRequest req, CancellationToken ct) =>
        ServeAsync(req, Sitemaps.IndexName, "application/xml", ct);

    [Function("StorefrontSitemapPart")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "A sitemap part (XML): at most 50,000 URLs and 50 MB, each with its lastmod when known. Public path /sitemaps/{name}")]
    public async Task<IActionResult> Part([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/sitemaps/{name}")] HttpRequest req, string name, CancellationToken ct) =>
        Sitemaps.IsPartName(name) ? await ServeAsync(req, name, "application/xml", ct) : throw new ResourceNotFoundException("Sitemap", name);

    [Function("StorefrontRobots")]
    [PublicEndpoint]
    [ApiDoc("Storefront", "robots.txt: what crawlers may visit and where the sitemap index is. Public path /robots.txt")]
    public Task<IActionResult> Robots([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storefront/robots.txt")] HttpRequest req, CancellationToken ct) =>
        ServeAsync(req, Sitemaps.RobotsName, "text/plain", ct);

    /// <summary>Every hour, publishes the sitemaps again: the safety net for a change whose notice was lost.</summary>
    [Function("PublishSitemaps")]
    public async Task PublishHourly([TimerTrigger("0 5 * * * *")] TimerInfo timer, CancellationToken ct) =>
        await publish.RunAsync(ct);

    /// <summary>After a catalog change: purges the changed pages from the CDN and publishes the sitemaps again.</summary>
    [Function("RefreshStorefront")]
    public Task Refresh([QueueTrigger(StorefrontChange.QueueName)] string message, CancellationToken ct) =>
        refresh.RunAsync(JsonSerializer.Deserialize<StorefrontChange>(message, ShopJson.Options)!, ct);

    private async Task<IActionResult> ServeAsync(HttpRequest req, string name, string contentType, CancellationToken ct)
    {
        var content = await files.ReadAsync(name, ct);
        if (content is null)
        {
            // Nothing published yet (a new deployment before the first timer run): publish now, once.
            await publish.RunAsync(ct);
            content = await files.ReadAsync(name, ct) ?? throw new ResourceNotFoundException("Sitemap", name);
        }
        return StorefrontCaching.Cacheable(req, contentType, content);
    }
}
