using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Feeds;

/// <summary>The ads feeds (Google Merchant Center XML, Meta catalog CSV): made by a timer, or now by staff (docs/marketing.md).</summary>
public sealed class ProductFeedFunctions(GenerateProductFeeds feeds)
{
    /// <summary>
    /// Every 15 minutes: makes the feeds again when a product changed since the last run (so changes reach the feeds
    /// within a quarter of an hour, however many there were) or the last run is older than Feeds:RefreshMinutes.
    /// </summary>
    [Function("RegenerateProductFeeds")]
    public Task Regenerate([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct) => feeds.RunIfDueAsync(ct);

    [Function("RunProductFeeds")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Marketing", "Make the ads feeds now (feeds/google.xml, feeds/meta.csv) and answer the run's report: items, and products left out with the reasons", Response = typeof(FeedRunReport))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "marketing/feeds/runs")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await feeds.RunAsync(GenerateProductFeeds.TriggerStaff, ct));

    [Function("GetLastProductFeedRun")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Marketing", "The last run's report of the ads feeds (404 before the first run)", Response = typeof(FeedRunReport))]
    public async Task<IActionResult> Last([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "marketing/feeds/runs/last")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await feeds.LastRunAsync(ct) ?? throw new ResourceNotFoundException("Feed run", "last"));
}
