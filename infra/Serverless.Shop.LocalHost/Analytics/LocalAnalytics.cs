using Serverless.Shop.Functions.Analytics.Reports;
using Serverless.Shop.Infrastructure.Analytics.Behaviour;

namespace Serverless.Shop.LocalHost.Analytics;

/// <summary>
/// Analytics windows on the local host, short enough to try out in a walkthrough (docs/analytics.http); Azure keeps the
/// app's own defaults.
/// <list type="bullet">
/// <item>The business reports' timer runs every 30 seconds (Azure: hourly), so switching the daily report on finds
/// yesterday's report in the local mailbox within the minute. Each report stays off until switched on through its
/// settings, and is sent once per period, as in Azure.</item>
/// <item>A cart left alone for 3 minutes counts as abandoned (Azure: 24 hours, <c>Analytics:AbandonedCartHours</c>), so
/// a cart left in the storefront shows up at the next count. The count's timer stays hourly; the walkthrough runs it
/// on demand.</item>
/// </list>
/// </summary>
internal static class LocalAnalytics
{
    public const string AbandonedCartHours = "0.05";

    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [ReportTimerFunctions.ScheduleSetting] = "*/30 * * * * *",
        [BehaviourRegistration.AbandonedCartHoursSetting] = AbandonedCartHours,
    };
}
