using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Analytics.Behaviour;

public static class BehaviourRegistration
{
    public const string AbandonedCartHoursSetting = "Analytics:AbandonedCartHours";

    /// <summary>
    /// The behaviour processors and abandoned carts (docs/analytics.md#behaviour). The raw events come from the
    /// <c>IClickstreamArchive</c> the clickstream part registers.
    /// </summary>
    public static IServiceCollection AddShopBehaviourAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IBehaviourStore, CosmosBehaviourStore>();
        services.AddSingleton<ProcessClickstream>();
        services.AddSingleton<BehaviourReports>();
        services.AddSingleton<CountPurchases>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<CountPurchases>());

        services.AddSingleton(ReadAbandonedCartSettings(configuration));
        services.AddSingleton<IAbandonedCartStore, CosmosAbandonedCartStore>();
        services.AddSingleton<CountAbandonedCarts>();
        services.AddSingleton<ReadAbandonedCarts>();
        services.AddSingleton<RecoverAbandonedCarts>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<RecoverAbandonedCarts>());
        services.AddSingleton<AbandonedCartPersonalData>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<AbandonedCartPersonalData>());
        services.AddSingleton<IPersonalDataCleanup>(sp => sp.GetRequiredService<AbandonedCartPersonalData>());

        services.AddSingleton<BehaviourAnalytics>();
        services.AddSingleton<Domain.Analytics.Behaviour.IBehaviourAnalytics>(sp => sp.GetRequiredService<BehaviourAnalytics>());
        return services;
    }

    /// <summary><c>Analytics:AbandonedCartHours</c>: 0.01 to 720, default 24.</summary>
    /// <exception cref="InvalidOperationException">When it is present but not valid: the app does not start.</exception>
    public static AbandonedCartAnalyticsSettings ReadAbandonedCartSettings(IConfiguration configuration)
    {
        if (configuration[AbandonedCartHoursSetting] is not { Length: > 0 } text) return AbandonedCartAnalyticsSettings.Default;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hours)
            || hours < AbandonedCartAnalyticsSettings.MinimumHours || hours > AbandonedCartAnalyticsSettings.MaximumHours)
            throw new InvalidOperationException(
                $"{AbandonedCartHoursSetting} must be a number of hours from {AbandonedCartAnalyticsSettings.MinimumHours} to {AbandonedCartAnalyticsSettings.MaximumHours}, not '{text}'. See docs/configuration.md.");
        return new(TimeSpan.FromHours(hours));
    }
}
