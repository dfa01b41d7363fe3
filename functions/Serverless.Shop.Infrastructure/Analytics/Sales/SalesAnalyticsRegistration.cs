using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Infrastructure.Analytics.Sales;

public static class SalesAnalyticsRegistration
{
    /// <summary>
    /// Sales rollups: counted from every order change (an <see cref="IOrderChangeReaction"/>), read by the admin API,
    /// tidied by the hourly compaction; all in the <c>analytics-sales</c> container (docs/analytics.md, "Sales").
    /// </summary>
    public static IServiceCollection AddShopSalesAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<CosmosSalesRollups>();
        services.AddSingleton<ISalesContributions>(sp => sp.GetRequiredService<CosmosSalesRollups>());
        services.AddSingleton<ISalesBuckets>(sp => sp.GetRequiredService<CosmosSalesRollups>());
        services.AddSingleton<ISalesFirstOrders>(sp => sp.GetRequiredService<CosmosSalesRollups>());
        services.AddSingleton<ISalesAnalytics, CosmosSalesAnalytics>();
        services.AddSingleton<CountOrderSales>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<CountOrderSales>());
        services.AddSingleton<CompactSalesRollups>();
        services.AddSingleton<ISalesNames, SalesNamesFromCatalog>();
        services.AddSingleton<ReadSales>();
        services.AddSingleton<RebuildSalesRollups>();
        services.AddSingleton<Domain.Privacy.IPersonalDataCleanup, SalesPersonalDataCleanup>();
        return services;
    }
}
