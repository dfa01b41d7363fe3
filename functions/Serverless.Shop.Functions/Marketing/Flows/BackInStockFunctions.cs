using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Marketing.Flows;

/// <summary>"Notify me when available" (docs/marketing.md#back-in-stock): the shopper's request, and the flow's timer.</summary>
public sealed class BackInStockFunctions(AskBackInStock ask, NotifyBackInStock notify, ILogger<BackInStockFunctions> logger)
{
    /// <summary>The app setting that holds the timer's schedule (NCRONTAB with seconds; Bicep: every 15 minutes).</summary>
    public const string ScheduleSetting = "BackInStockSchedule";

    [Function("AskBackInStock")]
    [PublicEndpoint(Guard = "stores one request per address and variant, only for an out-of-stock variant of an active product; asking again changes nothing, and the address gets at most one email, when the variant is back")]
    [ApiDoc("Marketing", "Ask to be told once by email when an out-of-stock variant is back (a signed-in customer may leave out the email: their profile's is used): 202, the same when the address had asked before. 404 for no such active product, 400 naming sku or email, 409 when the variant is in stock now",
        Request = typeof(BackInStockInput), Response = typeof(BackInStockAccepted), SuccessStatus = 202)]
    public async Task<IActionResult> Ask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/back-in-stock")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Accepted(await ask.AskAsync(id, await req.ReadJsonAsync<BackInStockInput>(), req.Actor(), ct));

    [Function("NotifyBackInStock")]
    public async Task Notify([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken ct)
    {
        var run = await notify.RunAsync(ct);
        if (!run.Enabled) return;
        logger.LogInformation("Back in stock: {Sent} emails sent, {Waiting} waiting for the step's delay, {Skipped} dropped ({Reasons}), {Changed} taken by another run; {Skus} SKUs read.",
            run.Sent, run.Waiting, run.Skipped.Values.Sum(), string.Join(", ", run.Skipped.Select(s => $"{s.Key}: {s.Value}")), run.Changed, run.SkusRead);
    }
}
