using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.Attribution;

/// <summary>One order's or the cart's journey, as the export shows it.</summary>
public sealed record ExportedAttribution(string? OrderNumber, string? CartId, CartAttribution Attribution);

/// <summary>
/// The attribution's share of a customer's data export: the visits (UTM parameters, ad click ids) kept on their active
/// cart and on each order they placed signed in, newest order first; null when there is none. Click ids are pseudonymous
/// identifiers the ad platforms can tie to a person, so the customer sees them too (AttributionExportSectionTests).
/// </summary>
public sealed class AttributionExportSection(IOrderStore orders, ICartStore carts) : IPersonalDataExportSection
{
    public string Name => "marketingAttribution";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var found = new List<ExportedAttribution>();
        if (await carts.FindCustomerCartIdAsync(customerId, ct) is { } pointer
            && await carts.FindAsync(pointer.Value, ct) is { Value: { CustomerId: var owner, Attribution: { } journey } cart } && owner == customerId)
            found.Add(new ExportedAttribution(null, cart.Id, journey));
        string? token = null;
        do
        {
            var page = await orders.ListByCustomerAsync(customerId, new PageRequest(PageRequest.MaximumSize, token), ct);
            foreach (var summary in page.Items)
                if (await orders.FindAsync(summary.Number, ct) is { Value.Attribution: { } attribution })
                    found.Add(new ExportedAttribution(summary.Number, null, attribution));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return found.Count > 0 ? found : null;
    }
}
