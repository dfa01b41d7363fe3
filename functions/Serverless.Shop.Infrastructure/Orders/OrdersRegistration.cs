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
        services.AddSingleton<OrderQueries>();
        services.AddSingleton<OrderReturns>();
        services.AddSingleton(ReadReturnSettings(configuration));
        services.AddSingleton<RequestItemReturns>();
        services.AddSingleton<ReceiveItemReturns>();
        services.AddSingleton<ExpireOverdueReturns>();
        services.AddSingleton<CancelledOrderGivesBack>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<CancelledOrderGivesBack>());
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

    /// <summary>
    /// Returns: <c>Returns:AutoApproveWithinDays</c> (0 to 365, default 14; 0 = staff approve every return),
    /// <c>Returns:ReviewReasons</c> (comma-separated reasons staff look at first, default damaged,defective,other; "none" for none)
    /// <c>Returns:RefundShipping</c> (never | whenAllReturned, the default) and <c>Returns:ShipBackWithinDays</c> (1 to 365,
    /// default 14: an approved return's parcel must be scanned by the carrier within these days). docs/shipping.md, "Returns".
    /// </summary>
    /// <exception cref="InvalidOperationException">When a setting is present but not valid: the app does not start.</exception>
    public static ReturnSettings ReadReturnSettings(IConfiguration configuration)
    {
        var settings = ReturnSettings.Default;
        if (configuration["Returns:AutoApproveWithinDays"] is { Length: > 0 } days)
        {
            if (!int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > 365)
                throw new InvalidOperationException($"Returns:AutoApproveWithinDays must be a whole number of days from 0 to 365, not '{days}'. See docs/shipping.md.");
            settings = settings with { AutoApproveWithinDays = n };
        }
        if (configuration["Returns:ShipBackWithinDays"] is { Length: > 0 } shipBack)
        {
            if (!int.TryParse(shipBack, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 365)
                throw new InvalidOperationException($"Returns:ShipBackWithinDays must be a whole number of days from 1 to 365, not '{shipBack}'. See docs/shipping.md.");
            settings = settings with { ShipBackWithinDays = n };
        }
        if (configuration["Returns:ReviewReasons"] is { Length: > 0 } reasons)
        {
            var parsed = new List<ReturnReason>();
            foreach (var part in reasons.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Equals("none", StringComparison.OrdinalIgnoreCase)) continue;
                if (!ReturnRules.TryParseReason(part, out var reason))
                    throw new InvalidOperationException($"Returns:ReviewReasons has '{part}', which is not a return reason ({string.Join(", ", Enum.GetNames<ReturnReason>())}). See docs/shipping.md.");
                parsed.Add(reason);
            }
            settings = settings with { ReviewReasons = parsed };
        }
        if (configuration["Returns:RefundShipping"] is { Length: > 0 } policy)
        {
            if (!Enum.TryParse<ShippingRefundPolicy>(policy, ignoreCase: true, out var p) || !Enum.IsDefined(p) || char.IsDigit(policy[0]))
                throw new InvalidOperationException($"Returns:RefundShipping must be never or whenAllReturned, not '{policy}'. See docs/shipping.md.");
            settings = settings with { RefundShipping = p };
        }
        return settings;
    }
}
