namespace Serverless.Shop.Domain.Customers;

/// <summary>
/// The customers' sign-in accounts, kept by the customer identity provider (Microsoft Entra External ID in Azure, the
/// local sign-in simulator on the local host), not by the shop.
/// </summary>
public interface ICustomerAccounts
{
    /// <summary>
    /// Deletes the customer's sign-in account for good: they can no longer sign in, and the provider keeps nothing of it
    /// to restore. False when there was no account (deleted before, or the id never had one).
    /// </summary>
    /// <exception cref="Common.NotConfiguredException">The shop cannot manage the provider's accounts: nothing was deleted.</exception>
    Task<bool> DeleteAsync(string customerId, CancellationToken ct);
}
