using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Administration;

/// <summary>Cosmos DB answers and the products container exists: one metadata read, no request units on items.</summary>
public sealed class CosmosHealthCheck(ShopContainers containers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await containers.Products.ReadContainerAsync(cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Cosmos DB did not answer.", e);
        }
    }
}
