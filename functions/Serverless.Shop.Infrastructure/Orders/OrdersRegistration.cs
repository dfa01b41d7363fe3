using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Orders;

public static class OrdersRegistration
{
    /// <summary>
    /// Orders: the Cosmos DB store, the use cases, and the first-order profile pricing asks for. Payment gateways and
    /// carriers are whatever <c>IPaymentGateway</c> and <c>ICarrier</c> are registered (refunds and shipment
    /// cancellations pick theirs by the order's provider and carrier name).
    /// </summary>
    public static IServiceCollection AddShopOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReadSettings(configuration));
        services.AddSingleton<IOrderStore, CosmosOrderStore>();
        services.AddSingleton<ManageOrders>();
        services.AddSingleton<OrderReturns>();
        services.AddSingleton<OrderRefunds>();
        services.AddSingleton<RecordPayments>();
        services.AddSingleton<NotifyOrderChange>();
        services.AddSingleton<ICustomerPricingProfiles, CustomerPricingProfiles>();
        services.AddSingleton<IPersonalDataExportSection, OrdersExportSection>();
        return services;
    }

    /// <exception cref="InvalidOperationException">When Orders:ReturnWindowDays is not a whole number of days from 0 to 365.</exception>
    public static OrderSettings ReadSettings(IConfiguration configuration)
    {
        var text = configuration["Orders:ReturnWindowDays"];
        if (string.IsNullOrWhiteSpace(text)) return OrderSettings.Default;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) || days > 365)
            throw new InvalidOperationException($"Orders:ReturnWindowDays must be a whole number of days from 0 to 365, not '{text}'. See docs/orders.md.");
        return new OrderSettings(days);
    }
}
