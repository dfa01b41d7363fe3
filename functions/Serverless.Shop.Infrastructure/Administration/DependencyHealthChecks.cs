using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Infrastructure.Catalog;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Administration;

/// <summary>A dependency is healthy when its cheapest real request succeeds in time.</summary>
public sealed class ProbeHealthCheck(Func<CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await probe(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The dependency did not answer.", e);
        }
    }
}

public static class DependencyHealthChecks
{
    public static IServiceCollection AddDependencyHealthChecks(this IServiceCollection services)
    {
        var timeout = TimeSpan.FromSeconds(10);
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("cosmos",
                sp => new ProbeHealthCheck(ct => sp.GetRequiredService<ShopContainers>().Products.ReadContainerAsync(cancellationToken: ct)), null, null, timeout))
            .Add(new HealthCheckRegistration("blob-storage",
                sp => new ProbeHealthCheck(sp.GetRequiredService<BlobProductImageStorage>().ProbeAsync), null, null, timeout))
            .Add(new HealthCheckRegistration("queues",
                sp => new ProbeHealthCheck(sp.GetRequiredService<StorageWorkQueue>().ProbeAsync), null, null, timeout))
            .Add(new HealthCheckRegistration("secrets",
                sp => new RequiredSecretsHealthCheck(sp.GetService<RequiredSecrets>() ?? new RequiredSecrets()), null, null, timeout));
        return services;
    }
}
