namespace Serverless.Shop.LocalHost.Marketing;

/// <summary>
/// The abandoned-cart timer on the local host looks every minute (Azure: every 15), so a walkthrough that switches the
/// flow on with short delays (docs/marketing.http) sees the reminder within a minute or two. The flow itself is off until
/// switched on through the flows API, here as in Azure; its links go to this host's storefront cart page.
/// </summary>
internal static class LocalAbandonedCarts
{
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [Functions.Marketing.Flows.AbandonedCartFunctions.ScheduleSetting] = "0 * * * * *",
    };
}
