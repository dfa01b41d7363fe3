using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Analytics.Clickstream;

/// <summary>The clickstream's way in (docs/analytics.md, "Clickstream"): the beacon script, the ingestion endpoint, and the raw files' retention.</summary>
public sealed class ClickstreamFunctions(AcceptClickstreamEvents accept, ExpireRawClickstream expire, ILogger<ClickstreamFunctions> logger)
{
    private static readonly Lazy<(string Script, string ETag)> Beacon = new(LoadBeacon);

    [Function("GetClickstreamBeacon")]
    [PublicEndpoint]
    [ApiDoc("Analytics", "The clickstream beacon for storefront pages (JavaScript, window.shopAnalytics): page views, product views, searches, add-to-cart, checkout start and visible time, sent in batches to POST /api/analytics/events. Cacheable, with an ETag",
        Response = typeof(string))]
    public IActionResult GetBeacon([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/beacon.js")] HttpRequest req) =>
        Api.Text("text/javascript", Beacon.Value.Script)
            .WithHeader("ETag", Beacon.Value.ETag)
            .WithHeader("Cache-Control", "public, max-age=300")
            .WithHeader("X-Content-Type-Options", "nosniff");

    [Function("IngestClickstreamEvents")]
    [PublicEndpoint(Guard = "only appends anonymous events to the clickstream: each batch is checked whole, limited to 64 KB and 50 events, and a session that floods is refused (429); nothing is read or changed in the shop")]
    [MaximumBodyBytes(AcceptClickstreamEvents.MaximumBodyBytes)]
    [ApiDoc("Analytics", "A batch of clickstream events from the beacon (Content-Type text/plain, as navigator.sendBeacon sends it, or application/json): 202 with how many were accepted. 400 naming events[i].field, 413 over 64 KB, 415 for another media type, 429 with Retry-After when a session sends too many, 503 when the event hub is not configured",
        Request = typeof(ClickstreamBatchInput), Response = typeof(ClickstreamAccepted), SuccessStatus = 202)]
    public async Task<IActionResult> Ingest([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "analytics/events")] HttpRequest req, CancellationToken ct)
    {
        var batch = await req.ReadJsonAsync<ClickstreamBatchInput>(AcceptClickstreamEvents.MaximumBodyBytes, "text/plain", "application/json");
        return Api.Accepted(await accept.AcceptAsync(batch, ClientAddress(req), ct));
    }

    /// <summary>Daily at 03:30 UTC: deletes the capture files older than Analytics:RawRetentionDays (in Azure the lifecycle rule does too).</summary>
    [Function("ExpireRawClickstream")]
    public async Task ExpireRaw([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var deleted = await expire.RunAsync(ct);
        logger.LogInformation("Raw clickstream retention: {Deleted} capture files deleted.", deleted);
    }

    // The first hop of X-Forwarded-For is the browser as the front end saw it; without the header, the connection's peer.
    // Only its network prefix is kept (NetworkPrefixes); the address itself is never logged or stored.
    private static string? ClientAddress(HttpRequest req) =>
        req.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded
            ? forwarded.Split(',')[0].Trim()
            : req.HttpContext.Connection.RemoteIpAddress?.ToString();

    private static (string, string) LoadBeacon()
    {
        using var stream = typeof(ClickstreamFunctions).Assembly.GetManifestResourceStream("Analytics.Clickstream.beacon.js")
            ?? throw new InvalidOperationException("The beacon script is not embedded in the function app (Analytics/Clickstream/beacon.js).");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd();
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script));
        return (script, $"\"{Convert.ToHexString(hash)[..20].ToLowerInvariant()}\"");
    }
}
