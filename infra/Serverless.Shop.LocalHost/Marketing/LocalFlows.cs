using Serverless.Shop.Functions.Marketing.Flows;

namespace Serverless.Shop.LocalHost.Marketing;

/// <summary>
/// The timers of the flows over enrolments on the local host: often, so a walkthrough sees the welcome email within
/// seconds of confirming and a win-back run every minute. The flows themselves stay off until switched on through
/// their settings, as in Azure.
/// </summary>
internal static class LocalFlows
{
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [FlowTimerFunctions.WelcomeScheduleSetting] = "*/10 * * * * *",
        [FlowTimerFunctions.WinBackScheduleSetting] = "0 * * * * *",
    };
}
