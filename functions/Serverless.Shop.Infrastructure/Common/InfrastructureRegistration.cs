using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Infrastructure.Administration;
using Serverless.Shop.Infrastructure.Catalog;
using Serverless.Shop.Infrastructure.Inventory;

namespace Serverless.Shop.Infrastructure.Common;

public static class InfrastructureRegistration
{
    /// <summary>Every adapter the domain's ports need, chosen by configuration (docs/configuration.md).</summary>
    public static IServiceCollection AddShopInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // One credential for every Azure client: the user-assigned managed identity in Azure, a developer's sign-in elsewhere.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = configuration["AZURE_CLIENT_ID"],
        }));

        var cosmos = CosmosOptions.From(configuration);
        services.AddSingleton(cosmos);
        services.AddSingleton<CosmosCallCounter>();
        services.AddSingleton(sp => ShopContainers.CreateClient(cosmos, sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<CosmosCallCounter>()));
        services.AddSingleton<ShopContainers>();
        services.AddSingleton<IProductStore, CosmosProductStore>();
        services.AddSingleton<ITaxonomyStore, CosmosTaxonomyStore>();
        services.AddSingleton<IInventoryStore, CosmosInventoryStore>();
        services.AddSingleton<IWarehouseStore, CosmosWarehouseStore>();
        services.AddSingleton<IIdempotencyStore, CosmosIdempotencyStore>();

        services.AddShopMediaAndMessaging(configuration);
        services.AddDependencyHealthChecks();
        if (cosmos.ApplicationRegion is { } writeRegion) services.AddCosmosWriteRegionHealthCheck(writeRegion);
        return services;
    }
}
