using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Flows;

/// <summary>One back-in-stock request as a customer's data export shows it.</summary>
public sealed record BackInStockRequestExport(string Sku, string ProductId, string Email, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The back-in-stock flow's share of a customer's export (section <c>backInStock</c>) and erasure: the requests linked
/// to the customer (made while signed in, or with the address of their profile). Erasing destroys each request's own
/// data key and deletes the request, so nobody is told about a variant after asking to be forgotten.
/// Tests: BackInStockPersonalDataTests (unit), BackInStockApiTests (HTTP).
/// </summary>
public sealed class BackInStockPersonalData(IBackInStockRequests requests, IPersonalDataVault vault) : IPersonalDataExportSection, IPersonalDataCleanup
{
    public string Name => "backInStock";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var found = await requests.ListByCustomerAsync(customerId, ct);
        return found.Count == 0
            ? null
            : found.OrderBy(r => r.RequestedAt).Select(r => new BackInStockRequestExport(r.Sku, r.ProductId, r.Email, r.RequestedAt, r.ExpiresAt)).ToList();
    }

    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        foreach (var request in await requests.ListByCustomerAsync(customerId, ct))
        {
            await vault.EraseAsync(DataOwner.MarketingContact(request.DataOwnerId), ct);
            await requests.DeleteAsync(request.Sku, request.Key, ct);
        }
    }
}
