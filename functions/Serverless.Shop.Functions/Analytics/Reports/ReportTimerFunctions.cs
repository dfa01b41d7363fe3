using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Analytics.Reports;

namespace Serverless.Shop.Functions.Analytics.Reports;

/// <summary>Sends the periodic business reports whose period has closed (each at most once per period).</summary>
public sealed class ReportTimerFunctions(SendBusinessReports reports, ILogger<ReportTimerFunctions> logger)
{
    /// <summary>The app setting that holds the schedule (NCRONTAB with seconds; Bicep: hourly at minute 5).</summary>
    public const string ScheduleSetting = "BusinessReportsSchedule";

    [Function("SendBusinessReports")]
    public async Task Send([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken ct)
    {
        var run = await reports.RunAsync(ct);
        logger.LogInformation("Business reports: sent [{Sent}], skipped [{Skipped}], failed [{Failed}].",
            string.Join("; ", run.Sent), string.Join("; ", run.Skipped), string.Join("; ", run.Failed));
    }
}
