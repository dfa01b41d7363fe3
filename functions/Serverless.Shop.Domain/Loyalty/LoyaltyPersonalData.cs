using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Loyalty;

/// <summary>
/// The purchase history's share of a customer's data export and of support's overview of them (<c>GET /api/customers/{id}</c>):
/// the kept summary, tier and segments (PurchaseHistoryApiTests, CustomerSupportTests).
/// </summary>
public sealed class PurchaseHistoryExportSection(CustomerHistory history) : IPersonalDataExportSection, ICustomerOverviewSection
{
    public string Name => "purchaseHistory";

    public Task<object?> ReadAsync(string customerId, CancellationToken ct) => ExportAsync(customerId, ct);

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct) => await history.FindSummaryAsync(customerId, ct);
}

/// <summary>The personal offers issued to the customer that are still valid.</summary>
public sealed class PersonalOffersExportSection(ICustomerSummaryStore summaries) : IPersonalDataExportSection
{
    public string Name => "offers";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct) =>
        (await summaries.FindAsync(customerId, ct))?.Value.Offers is { Count: > 0 } offers ? offers : null;
}

/// <summary>
/// Erasure: the purchase history document is about the customer alone, so it is deleted, and so are the promotions of
/// their current personal offers (restricted to their id). Deleting twice finds nothing and is fine.
/// </summary>
public sealed class PurchaseHistoryCleanup(ICustomerSummaryStore summaries, IPromotionStore promotions) : IPersonalDataCleanup
{
    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        if ((await summaries.FindAsync(customerId, ct))?.Value is { } summary)
            foreach (var offer in summary.Offers)
                if (await promotions.FindByIdAsync(offer.PromotionId, ct) is { } promotion && promotion.Value.CustomerId == customerId)
                    await promotions.DeleteAsync(promotion.Value, promotion.Version, ct);
        await summaries.DeleteAsync(customerId, ct);
    }
}
