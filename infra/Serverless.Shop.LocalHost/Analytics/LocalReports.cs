using Serverless.Shop.Functions.Analytics.Reports;

namespace Serverless.Shop.LocalHost.Analytics;

/// <summary>
/// The business reports' timer on the local host: every 30 seconds, so a walkthrough that switches the daily report on
/// finds yesterday's report in the local mailbox within the minute. Each report stays off until switched on through its
/// settings, and is sent once per period, as in Azure (where the timer runs hourly).
/// </summary>
internal static class LocalReports
{
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [ReportTimerFunctions.ScheduleSetting] = "*/30 * * * * *",
    };
}
