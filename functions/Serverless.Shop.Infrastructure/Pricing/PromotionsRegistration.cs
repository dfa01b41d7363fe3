using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Infrastructure.Pricing;

public static class PromotionsRegistration
{
    /// <summary>
    /// Promotions and coupon codes: the Cosmos DB store (one instance serves as <see cref="IPromotionStore"/> and as the
    /// pricing engine's <see cref="IPromotionCatalog"/>, so a write drops the cache the engine reads), usage limits
    /// (<see cref="IPromotionRedemptions"/>) and the marketers' use case. Needs <c>AddShopInfrastructure</c> first.
    /// </summary>
    public static IServiceCollection AddShopPromotions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CosmosPromotionStore>();
        services.AddSingleton<IPromotionStore>(sp => sp.GetRequiredService<CosmosPromotionStore>());
        services.AddSingleton<IPromotionCatalog>(sp => sp.GetRequiredService<CosmosPromotionStore>());
        services.AddSingleton<IPromotionUsageStore, CosmosPromotionUsageStore>();
        services.AddSingleton<PromotionRedemptions>();
        services.AddSingleton<IPromotionRedemptions>(sp => sp.GetRequiredService<PromotionRedemptions>());
        services.AddSingleton<ManagePromotions>();
        return services;
    }
}
