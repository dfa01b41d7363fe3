using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Marketing.Flows;

namespace Serverless.Shop.Functions.Marketing.Flows;

/// <summary>The abandoned-cart flow's timer: every 15 minutes, the carts that became due get their reminder.</summary>
public sealed class AbandonedCartFunctions(RemindAbandonedCarts reminders, ILogger<AbandonedCartFunctions> logger)
{
    [Function("RemindAbandonedCarts")]
    public async Task Remind([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var run = await reminders.RunAsync(ct);
        logger.LogInformation("Abandoned carts: {Sent} reminders sent, {Skipped} carts closed without one ({Reasons}), {Changed} changed meanwhile.",
            run.Sent, run.Skipped.Values.Sum(), string.Join(", ", run.Skipped.Select(s => $"{s.Key}: {s.Value}")), run.Changed);
    }
}
