using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Carts;

namespace Serverless.Shop.Infrastructure.Carts;

public static class CartsRegistration
{
    /// <summary>Carts: the Cosmos DB store, the inactivity window (Carts:InactivityDays, default 30) and the use cases.</summary>
    public static IServiceCollection AddShopCarts(this IServiceCollection services, IConfiguration configuration)
    {
        var days = configuration.GetValue("Carts:InactivityDays", CartSettings.DefaultInactivityDays);
        if (days is < 1 or > 365) throw new InvalidOperationException($"Carts:InactivityDays must be from 1 to 365 (it is {days}). See docs/configuration.md.");
        services.AddSingleton(new CartSettings(days));
        services.AddSingleton<ICartStore, CosmosCartStore>();
        services.AddSingleton<ManageCarts>();
        services.AddSingleton<CartCodes>();
        services.AddSingleton<CartCheckoutDetails>();
        services.AddSingleton<MergeCarts>();
        services.AddSingleton<Domain.Privacy.IPersonalDataCleanup, CartPersonalData>();
        return services;
    }
}
