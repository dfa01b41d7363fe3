using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Marketing.Flows;

namespace Serverless.Shop.Functions.Marketing.Flows;

/// <summary>The abandoned-cart flow's timer: on its schedule, the carts that became due get their reminder.</summary>
public sealed class AbandonedCartFunctions(RemindAbandonedCarts reminders, ILogger<AbandonedCartFunctions> logger)
{
    /// <summary>The app setting that holds the schedule (NCRONTAB with seconds; Bicep: every 15 minutes); the Functions host reads it when it indexes the function.</summary>
    public const string ScheduleSetting = "AbandonedCartSchedule";

    [Function("RemindAbandonedCarts")]
    public async Task Remind([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken ct)
    {
        var run = await reminders.RunAsync(ct);
        logger.LogInformation("Abandoned carts: {Sent} reminders sent, {Skipped} carts closed without one ({Reasons}), {Changed} changed meanwhile.",
            run.Sent, run.Skipped.Values.Sum(), string.Join(", ", run.Skipped.Select(s => $"{s.Key}: {s.Value}")), run.Changed);
    }
}
