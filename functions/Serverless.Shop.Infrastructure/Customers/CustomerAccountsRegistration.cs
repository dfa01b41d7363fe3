using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Customers;

/// <param name="TenantId">The External ID tenant's id (<c>CustomerAuth:TenantId</c>).</param>
/// <param name="AccountsClientId">The app registration in that tenant the shop manages accounts as (<c>CustomerAuth:AccountsClientId</c>).</param>
public sealed record CustomerAccountsSettings(string? TenantId, string? AccountsClientId)
{
    public const string TenantIdSetting = "CustomerAuth:TenantId";
    public const string AccountsClientIdSetting = "CustomerAuth:AccountsClientId";

    public static CustomerAccountsSettings From(IConfiguration configuration) =>
        new(Text(configuration[TenantIdSetting]), Text(configuration[AccountsClientIdSetting]));

    /// <summary>Why the shop cannot delete customer accounts; null when it can.</summary>
    public string? Problem => (TenantId, AccountsClientId) switch
    {
        (null, null) => $"Customer accounts cannot be deleted (erasure answers 503): set {TenantIdSetting} and {AccountsClientIdSetting} (the External ID tenant and the app there with Graph's User.ReadWrite.All). See docs/deployment.md#customer-sign-in.",
        (null, _) => $"Customer accounts cannot be deleted (erasure answers 503): {TenantIdSetting} is not set. See docs/deployment.md#customer-sign-in.",
        (_, null) => $"Customer accounts cannot be deleted (erasure answers 503): {AccountsClientIdSetting} is not set. See docs/deployment.md#customer-sign-in.",
        _ => null,
    };

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public static class CustomerAccountsRegistration
{
    /// <summary>
    /// Where customer accounts are deleted on erasure: External ID through Microsoft Graph when <c>CustomerAuth:TenantId</c>
    /// and <c>CustomerAuth:AccountsClientId</c> are set, else nowhere (every erasure of a customer answers 503 and
    /// <c>/api/health</c> says why). The local host replaces it with its sign-in simulator. Keyless: the function app's
    /// managed identity is a federated credential of the app in the external tenant, so no client secret exists.
    /// </summary>
    public static IServiceCollection AddShopCustomerAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = CustomerAccountsSettings.From(configuration);
        services.AddSingleton(settings);
        if (settings.Problem is null)
            services.AddSingleton<ICustomerAccounts>(sp =>
            {
                var identity = sp.GetRequiredService<TokenCredential>();
                var credential = new ClientAssertionCredential(settings.TenantId, settings.AccountsClientId,
                    async ct => (await identity.GetTokenAsync(new TokenRequestContext([ManagedIdentityAssertionScope]), ct)).Token);
                var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                    { BaseAddress = EntraCustomerAccounts.GraphBase, Timeout = Timeout.InfiniteTimeSpan };
                return new EntraCustomerAccounts(http, credential, ThirdPartyResilience.Create(EntraCustomerAccounts.ServiceName,
                    ThirdPartyResilienceOptions.Default, sp.GetRequiredService<ILogger<EntraCustomerAccounts>>()));
            });
        else
            services.AddSingleton<ICustomerAccounts>(new MissingCustomerAccounts(settings.Problem));
        services.AddHealthChecks().Add(new HealthCheckRegistration("customer-accounts",
            sp => new CustomerAccountsHealthCheck(sp.GetRequiredService<ICustomerAccounts>()), null, null));
        return services;
    }

    /// <summary>The audience of the managed identity's token that the external tenant's app trusts as its client assertion.</summary>
    public const string ManagedIdentityAssertionScope = "api://AzureADTokenExchange/.default";
}

/// <summary>No way to delete accounts is configured: every deletion fails before anything is written, saying which setting is missing.</summary>
public sealed class MissingCustomerAccounts(string problem) : ICustomerAccounts
{
    public string Problem { get; } = problem;

    public Task<bool> DeleteAsync(string customerId, CancellationToken ct) => throw new NotConfiguredException(Problem);
}

/// <summary>/api/health: unhealthy while customer accounts cannot be deleted (erasure would answer 503), saying which setting is missing.</summary>
public sealed class CustomerAccountsHealthCheck(ICustomerAccounts accounts) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(accounts is MissingCustomerAccounts missing
            ? new HealthCheckResult(context.Registration.FailureStatus, missing.Problem)
            : HealthCheckResult.Healthy());
}
