using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Sales;

namespace Serverless.Shop.IntegrationTests.Analytics;

/// <summary>
/// Test-only stand-ins for the sales and behaviour read models, registered by the test shops ONLY where the app
/// registers none (TryAdd): while the sales and behaviour parts of issue 11 are on their own branches, the reports
/// (which read them) can run in the local shop; once those parts register their real implementations, these do
/// nothing. They answer "nothing happened": no sales rows, a funnel of zeros, no abandoned carts. Never used by the app.
/// </summary>
public static class AnalyticsStandIns
{
    public static void AddWhereMissing(IServiceCollection services)
    {
        services.TryAddSingleton<ISalesAnalytics, NoSales>();
        services.TryAddSingleton<IBehaviourAnalytics, NoBehaviour>();
    }

    private sealed class NoSales : ISalesAnalytics
    {
        public Task<SalesAnswer> QueryAsync(SalesQuery query, CancellationToken ct) => Task.FromResult(new SalesAnswer(query, []));
    }

    private sealed class NoBehaviour : IBehaviourAnalytics
    {
        public Task<FunnelCounts> FunnelAsync(DateOnly from, DateOnly to, string? productId, CancellationToken ct) => Task.FromResult(new FunnelCounts(0, 0, 0, 0));

        public Task<IReadOnlyList<AbandonedCartDay>> AbandonedCartsAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<AbandonedCartDay>>([]);
    }
}
