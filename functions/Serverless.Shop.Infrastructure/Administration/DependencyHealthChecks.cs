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

    /// <summary>
    /// Unhealthy when the account does not write in <c>Cosmos:ApplicationRegion</c>: the SDK would then quietly
    /// write elsewhere (the account's first region), and a typo or a moved account would go unnoticed.
    /// </summary>
    public static IServiceCollection AddCosmosWriteRegionHealthCheck(this IServiceCollection services, string applicationRegion)
    {
        services.AddHealthChecks().Add(new HealthCheckRegistration("cosmos-write-region",
            sp => new ProbeHealthCheck(async ct =>
            {
                var account = await sp.GetRequiredService<ShopContainers>().Client.ReadAccountAsync();
                ct.ThrowIfCancellationRequested();
                CosmosWriteRegionNotFoundException.ThrowUnlessAmong(applicationRegion, account.WritableRegions.Select(r => r.Name));
            }), null, null, TimeSpan.FromSeconds(10)));
        return services;
    }
}

/// <summary>The configured write region is not one the account writes in (its type name is what /api/health shows).</summary>
public sealed class CosmosWriteRegionNotFoundException(string message) : Exception(message)
{
    public static void ThrowUnlessAmong(string applicationRegion, IEnumerable<string> writableRegions)
    {
        var regions = writableRegions.ToList();
        if (!CosmosRegions.IsAmong(applicationRegion, regions))
            throw new CosmosWriteRegionNotFoundException(
                $"{CosmosOptions.ApplicationRegionSetting} is '{applicationRegion}', but the account writes in {(regions.Count == 0 ? "no region" : string.Join(", ", regions))}.");
    }
}
