using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Marketing.Flows;

namespace Serverless.Shop.Functions.Marketing.Flows;

/// <summary>
/// The timers of the flows over enrolments: the welcome series sends its due steps often (its first step is due at
/// once), win-back enrols its segments' members and sends, daily or so. Each flow does nothing while it is off.
/// </summary>
public sealed class FlowTimerFunctions(WelcomeSeries welcome, WinBackFlow winBack, ILogger<FlowTimerFunctions> logger)
{
    /// <summary>The app setting that holds the welcome series' schedule (NCRONTAB with seconds; Bicep: every 5 minutes).</summary>
    public const string WelcomeScheduleSetting = "WelcomeSeriesSchedule";

    /// <summary>The app setting that holds win-back's schedule (NCRONTAB with seconds; Bicep: daily at 09:00 UTC).</summary>
    public const string WinBackScheduleSetting = "WinBackSchedule";

    [Function("SendWelcomeSeries")]
    public async Task SendWelcomeSeries([TimerTrigger("%" + WelcomeScheduleSetting + "%")] TimerInfo timer, CancellationToken ct) =>
        Log(WelcomeSeries.FlowId, await welcome.RunAsync(ct));

    [Function("RunWinBack")]
    public async Task RunWinBack([TimerTrigger("%" + WinBackScheduleSetting + "%")] TimerInfo timer, CancellationToken ct) =>
        Log(WinBackFlow.FlowId, await winBack.RunAsync(ct));

    private void Log(string flowId, FlowRun run) =>
        logger.LogInformation("{FlowId}: {Enrolled} enrolled, {Sent} steps sent, {Completed} closed (fewer steps now), {Stopped} stopped ({Reasons}), {Lost} claimed by another run, {Failed} did not render.",
            flowId, run.Enrolled, run.Sent, run.Completed, run.Stopped.Values.Sum(), string.Join(", ", run.Stopped.Select(s => $"{s.Key}: {s.Value}")), run.ClaimsLost, run.Failed);
}
