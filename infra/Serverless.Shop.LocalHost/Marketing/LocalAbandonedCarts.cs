using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Marketing.Flows;

namespace Serverless.Shop.LocalHost.Marketing;

/// <summary>
/// The abandoned-cart flow on the local host: switched on, looking every minute, its reminders linking to this host's
/// storefront cart page. <c>dotnet run</c> shortens the delays (Program.cs) so a walkthrough sees the reminder in a minute
/// or two; tests keep the real ones and make their carts old instead.
/// </summary>
internal static class LocalAbandonedCarts
{
    public const string CartPagePath = "api/storefront/cart";

    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Marketing:AbandonedCart:Enabled"] = "true",
        // On a free port (tests) the host's address is known once it listens: port 0 stands for it until then.
        [MarketingFlowsRegistration.CartPageUrlSetting] = "http://localhost:0/" + CartPagePath,
        [Functions.Marketing.Flows.AbandonedCartFunctions.ScheduleSetting] = "0 * * * * *",
    };

    /// <summary>The shortened delays of <c>dotnet run</c>: about a minute to the first reminder, three to the second.</summary>
    public static IReadOnlyDictionary<string, string?> WalkthroughDelays => new Dictionary<string, string?>
    {
        ["Marketing:AbandonedCart:FirstReminderHours"] = "0.02",
        ["Marketing:AbandonedCart:SecondReminderHours"] = "0.05",
    };

    /// <summary>The settings as configured; with the port-0 stand-in (a free port), the page on this host as it listens.</summary>
    public static AbandonedCartSettings WithCartPageOnThisHost(IConfiguration configuration, IServiceProvider services)
    {
        var configured = MarketingFlowsRegistration.ReadAbandonedCartSettings(configuration);
        if (configured.CartPageUrl is not { Port: 0 }) return configured;
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        var withPage = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(new Dictionary<string, string?>
        {
            [MarketingFlowsRegistration.CartPageUrlSetting] = address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/') + "/" + CartPagePath,
        }).Build();
        return MarketingFlowsRegistration.ReadAbandonedCartSettings(withPage);
    }
}
