using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Marketing.Flows;

public static class MarketingFlowsRegistration
{
    /// <summary>The automated marketing flows (docs/marketing.md#automated-flows): what they share, and each flow.</summary>
    public static IServiceCollection AddShopMarketingFlows(this IServiceCollection services, IConfiguration configuration)
    {
        // What every flow shares: its settings (set through the flows API) and how it sends a step.
        services.AddSingleton<IFlowSettingsStore, CosmosFlowSettingsStore>();
        services.AddSingleton<FlowSettingsReader>();
        services.AddSingleton<FlowEmails>();
        services.AddSingleton<ManageFlows>();
        services.AddSingleton<FlowResultsReport>();
        services.AddSingleton<IFlowEnrolments, CosmosFlowEnrolments>();
        services.AddSingleton<SendFlowSteps>();
        services.AddSingleton<FlowPersonalData>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<FlowPersonalData>());
        services.AddSingleton<IPersonalDataCleanup>(sp => sp.GetRequiredService<FlowPersonalData>());

        // The welcome series: enrols at a newsletter confirmation or a profile saved with email consent.
        services.AddSingleton(WelcomeSeries.Definition);
        services.AddSingleton<WelcomeSeries>();
        services.AddSingleton<INewsletterConfirmationFollower>(sp => sp.GetRequiredService<WelcomeSeries>());
        services.AddSingleton<ICustomerProfileFollower>(sp => sp.GetRequiredService<WelcomeSeries>());

        // Win-back: enrols the watched segments' members on its own timer.
        services.AddSingleton(WinBackFlow.Definition);
        services.AddSingleton<WinBackFlow>();

        services.AddSingleton(RemindAbandonedCarts.Definition);
        services.AddSingleton(ReadAbandonedCartSettings(configuration));
        services.AddSingleton<IIdleCarts, CosmosIdleCarts>();
        services.AddSingleton<RemindAbandonedCarts>();

        // Back in stock (docs/marketing.md#back-in-stock): shoppers' requests, the flow, and its share of export and erasure.
        services.AddSingleton(NotifyBackInStock.Definition);
        services.AddSingleton<IBackInStockRequests, CosmosBackInStockRequests>();
        services.AddSingleton<AskBackInStock>();
        services.AddSingleton<NotifyBackInStock>();
        services.AddSingleton<BackInStockPersonalData>();
        services.AddSingleton<Domain.Privacy.IPersonalDataExportSection>(sp => sp.GetRequiredService<BackInStockPersonalData>());
        services.AddSingleton<Domain.Privacy.IPersonalDataCleanup>(sp => sp.GetRequiredService<BackInStockPersonalData>());
        return services;
    }

    public const string CartPageUrlSetting = "Marketing:AbandonedCart:CartPageUrl";

    /// <summary>
    /// <c>Marketing:AbandonedCart:LookBackHours</c> (1 to 336, default 48) and <c>:CartPageUrl</c> (a storefront of the
    /// merchant's own; default: the shop's storefront cart page). Whether the flow is on and its delays are flow settings.
    /// </summary>
    /// <exception cref="InvalidOperationException">When a setting is present but not valid: the app does not start.</exception>
    public static AbandonedCartSettings ReadAbandonedCartSettings(IConfiguration configuration)
    {
        const string prefix = "Marketing:AbandonedCart:";
        var section = configuration.GetSection("Marketing:AbandonedCart");
        TimeSpan lookBack = AbandonedCartSettings.DefaultLookBack;
        if (section["LookBackHours"] is { Length: > 0 } text)
        {
            if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hours) || hours < 1 || hours > 336)
                throw new InvalidOperationException($"{prefix}LookBackHours must be a number of hours from 1 to 336, not '{text}'. See docs/configuration.md.");
            lookBack = TimeSpan.FromHours(hours);
        }

        Uri? cartPage = null;
        if (section["CartPageUrl"] is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out cartPage) || cartPage.Scheme is not ("https" or "http")))
            throw new InvalidOperationException($"{CartPageUrlSetting} must be an absolute http(s) URL, not '{url}'. See docs/configuration.md.");
        return new AbandonedCartSettings(lookBack, cartPage);
    }
}
