using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Infrastructure.Marketing.FlashSales;

public static class FlashSalesRegistration
{
    /// <summary>
    /// Flash sales: the Cosmos DB store (container <c>flash-sales</c>), the copy of each sale on its products, the holds
    /// checkout takes (<see cref="IFlashSaleHolds"/>), the cancelled-order reaction and the marketers' use case.
    /// Needs <c>AddShopInfrastructure</c> and the privacy services (the blind index of a buyer's email) first.
    /// </summary>
    public static IServiceCollection AddShopFlashSales(this IServiceCollection services)
    {
        services.AddSingleton<IFlashSaleStore, CosmosFlashSaleStore>();
        services.AddSingleton<FlashSaleProjection>();
        services.AddSingleton<FlashSaleHolds>();
        services.AddSingleton<IFlashSaleHolds>(sp => sp.GetRequiredService<FlashSaleHolds>());
        services.AddSingleton<CancelledOrderReturnsSaleUnits>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<CancelledOrderReturnsSaleUnits>());
        services.AddSingleton<ManageFlashSales>();
        return services;
    }
}
