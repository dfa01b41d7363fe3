using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Customers;

public static class CustomersRegistration
{
    /// <summary>Customer profiles: the Cosmos DB store, the customer's and support's use cases, and the profile's share of export and erasure.</summary>
    public static IServiceCollection AddShopCustomers(this IServiceCollection services)
    {
        services.AddSingleton<ICustomerProfileStore, CosmosCustomerProfileStore>();
        services.AddSingleton<ManageCustomerProfile>();
        services.AddSingleton<SupportCustomers>();
        services.AddSingleton<CustomerProfilePrivacy>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<CustomerProfilePrivacy>());
        services.AddSingleton<IPersonalDataCleanup>(sp => sp.GetRequiredService<CustomerProfilePrivacy>());
        return services;
    }
}
