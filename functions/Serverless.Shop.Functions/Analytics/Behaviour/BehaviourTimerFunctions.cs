using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Analytics.Behaviour;

namespace Serverless.Shop.Functions.Analytics.Behaviour;

/// <summary>The behaviour timers: the clickstream folded every minute, abandoned carts counted hourly.</summary>
public sealed class BehaviourTimerFunctions(ProcessClickstream clickstream, CountAbandonedCarts abandoned, ILogger<BehaviourTimerFunctions> logger)
{
    [Function("ProcessClickstream")]
    public async Task Process([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var run = await clickstream.RunAsync(ct);
        if (run.Files > 0 || run.DaysFolded > 0)
            logger.LogInformation("Clickstream: {Files} files, {Events} events ({Added} new, {Late} too late), {Days} days folded.", run.Files, run.Events, run.Added, run.Late, run.DaysFolded);
    }

    [Function("CountAbandonedCarts")]
    public async Task CountAbandoned([TimerTrigger("0 10 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var run = await abandoned.RunAsync(ct);
        logger.LogInformation("Abandoned carts: {Counted} counted, {Ordered} became orders, {Already} counted before.", run.Counted, run.Ordered, run.AlreadyCounted);
    }
}
