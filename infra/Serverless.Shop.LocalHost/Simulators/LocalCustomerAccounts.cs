using Serverless.Shop.Domain.Customers;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>Erasing a customer on the local host deletes their account at the local sign-in simulator, as it does in External ID in Azure.</summary>
public sealed class LocalCustomerAccounts(LocalCustomerIdentity identity) : ICustomerAccounts
{
    public Task<bool> DeleteAsync(string customerId, CancellationToken ct) => Task.FromResult(identity.Delete(customerId));
}
