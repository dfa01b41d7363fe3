using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Analytics.Behaviour;
using Serverless.Shop.Infrastructure.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Analytics.Sales;
using Serverless.Shop.Infrastructure.Carts;
using Serverless.Shop.Infrastructure.Checkout;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Customers;
using Serverless.Shop.Infrastructure.Loyalty;
using Serverless.Shop.Infrastructure.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Marketing.Flows;
using Serverless.Shop.Infrastructure.Marketing.Campaigns;
using Serverless.Shop.Infrastructure.Marketing.FlashSales;
using Serverless.Shop.Infrastructure.Marketing.Attribution;
using Serverless.Shop.Infrastructure.Marketing.Feeds;
using Serverless.Shop.Infrastructure.Orders;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.Infrastructure.Pricing;
using Serverless.Shop.Infrastructure.Privacy;
using Serverless.Shop.Infrastructure.Analytics.Reports;
using Serverless.Shop.Infrastructure.Reviews;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.Infrastructure.Storefront;

namespace Serverless.Shop.Functions;

/// <summary>
/// Everything the functions need, registered once. The Functions worker (Program.cs) and the local host both call
/// <see cref="AddShop"/>, so the app runs with the same services everywhere.
/// </summary>
public static class ShopServices
{
    public static IServiceCollection AddShop(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddShopInfrastructure(configuration);
        services.AddSingleton(new ShopSettings(configuration["Shop:Currency"] ?? "EUR"));
        services.AddSingleton(new MerchandisingContacts(MerchandiserAddresses(configuration)));

        services.AddSingleton<BrowseCatalog>();
        services.AddSingleton<ManageProducts>();
        services.AddSingleton<ManageTaxonomy>();
        services.AddSingleton<ManageProductImages>();
        services.AddSingleton<ManageStock>();
        services.AddSingleton<ManageWarehouses>();
        services.AddSingleton<ReportStock>();
        services.AddSingleton<AllocateStock>();
        services.AddSingleton<TransferStock>();
        services.AddSingleton<NotifyLowStock>();

        // Buying: each capability registers its use cases, stores and third parties, and reads its settings.
        services.AddShopCarts(configuration);
        services.AddShopPricing(configuration);
        services.AddShopPromotions(configuration);
        services.AddShopShipping(configuration);
        services.AddShopPayments(configuration);
        services.AddShopAlternativePayments(configuration);
        services.AddShopPrivacy(configuration);
        services.AddShopOrders(configuration);
        services.AddShopCheckout(configuration);
        services.AddSingleton<Domain.Customers.ClaimGuestData>();
        services.AddShopCustomerAccounts(configuration);
        services.AddShopLoyalty(configuration);
        services.AddShopCustomers();
        services.AddShopReviews(configuration);
        services.AddShopReports(configuration);
        services.AddShopMarketingAudiences(configuration);
        services.AddShopMarketingFlows(configuration);
        services.AddShopCampaigns(configuration);
        services.AddShopStorefront(configuration);
        services.AddShopFlashSales();
        services.AddShopMarketingFeeds(configuration);
        services.AddShopMarketingAttribution(configuration);
        services.AddShopClickstream(configuration);
        services.AddShopBehaviourAnalytics(configuration);
        services.AddShopSalesAnalytics();

        services.AddSingleton(AuthOptions.From(configuration));
        services.AddSingleton<RequestAuthenticator>();
        services.AddHostedService<Customers.CustomerSignInConfigurationCheck>();
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("customer-sign-in",
            sp => new Customers.CustomerSignInHealthCheck(sp.GetRequiredService<RequestAuthenticator>()), null, null, TimeSpan.FromSeconds(10)));
        services.AddSingleton(sp => new HttpPipeline(
            sp.GetRequiredService<RequestAuthenticator>(), sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetRequiredService<ILogger<HttpPipeline>>(), sp.GetRequiredService<CosmosOptions>().CountCalls, sp.GetRequiredService<IPersonalDataVault>()));
        return services;
    }

    // Either a list (Email:Merchandisers:0, :1 ...) or one comma-separated value, as an app setting holds it in Azure.
    private static string[] MerchandiserAddresses(IConfiguration configuration)
    {
        var section = configuration.GetSection("Email:Merchandisers");
        var addresses = section.Value is { Length: > 0 } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        return addresses.Length > 0 ? addresses : throw new InvalidOperationException("Set Email:Merchandisers: who receives low-stock alerts.");
    }
}
