using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Orders;

namespace Serverless.Shop.Infrastructure.Loyalty;

public static class LoyaltyRegistration
{
    /// <summary>The points ledger: its Cosmos DB store, its use cases, and its reaction to order changes.</summary>
    public static IServiceCollection AddShopLoyalty(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReadSettings(configuration));
        // The purchase history, tiers, segments and offers. Its reaction is registered before the points ledger's, so
        // an order's points earn at the tier that already counts it.
        services.AddSingleton<ICustomerSummaryStore, CosmosCustomerSummaryStore>();
        services.AddSingleton<CustomerHistory>();
        services.AddSingleton<ICustomerStandings>(sp => sp.GetRequiredService<CustomerHistory>());
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<CustomerHistory>());
        services.AddSingleton<ICustomerProfileFollower>(sp => sp.GetRequiredService<CustomerHistory>());
        services.AddSingleton<PurchaseHistoryExportSection>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<PurchaseHistoryExportSection>());
        services.AddSingleton<ICustomerOverviewSection>(sp => sp.GetRequiredService<PurchaseHistoryExportSection>());
        services.AddSingleton<IPersonalDataExportSection, PersonalOffersExportSection>();
        services.AddSingleton<IPersonalDataCleanup, PurchaseHistoryCleanup>();

        services.AddSingleton<IPointsAccountStore, CosmosPointsAccountStore>();
        services.AddSingleton<PointsLedger>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<PointsLedger>());
        services.AddSingleton<IPersonalDataExportSection, PointsExportSection>();
        return services;
    }

    /// <exception cref="InvalidOperationException">A Loyalty setting is not a number in its range; the message names it.</exception>
    public static LoyaltySettings ReadSettings(IConfiguration configuration)
    {
        var rate = Read(configuration, "Loyalty:PointsPerCurrencyUnit", LoyaltySettings.DefaultPointsPerCurrencyUnit,
            text => decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v <= 1000m ? v : null,
            "a number of points from 0 to 1000 (e.g. 1 or 0.5)");
        var expiry = Read(configuration, "Loyalty:PointsExpiryDays", LoyaltySettings.DefaultPointsExpiryDays,
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 3650 ? v : (int?)null,
            "a whole number of days from 1 to 3650");
        var pointValue = Read(configuration, "Loyalty:PointValue", LoyaltySettings.DefaultPointValue,
            text => decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v is > 0m and <= 1000m ? v : null,
            "an amount of the shop's currency above 0 and up to 1000 (e.g. 0.01)");
        var offerDays = Read(configuration, "Loyalty:OfferDays", LoyaltySettings.DefaultOfferDays,
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 365 ? v : (int?)null,
            "a whole number of days from 1 to 365");
        return new LoyaltySettings(rate, expiry, OrdersRegistration.ReadSettings(configuration).ReturnWindowDays, pointValue)
        {
            Tiers = LoyaltyRuleSettings.ReadTiers(configuration[LoyaltyRuleSettings.TiersKey]),
            Segments = LoyaltyRuleSettings.ReadSegments(configuration[LoyaltyRuleSettings.SegmentsKey]),
            OfferDays = offerDays,
        };
    }

    private static T Read<T>(IConfiguration configuration, string key, T fallback, Func<string, T?> parse, string expected) where T : struct
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return parse(text.Trim()) ?? throw new InvalidOperationException($"{key} must be {expected}, not '{text}'. See docs/configuration.md.");
    }
}
