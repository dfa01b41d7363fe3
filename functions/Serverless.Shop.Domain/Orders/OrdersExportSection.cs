using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// The orders' share of a customer's data export: every order they placed signed in, as they see it themselves
/// (<see cref="OrderView"/>: email and address opened, the price breakdown, payment, tracking and history), newest first; null when
/// they have none.
/// Guest orders are not the account's until claimed (<c>ClaimGuestData</c>), and are exported with it from then on.
/// </summary>
public sealed class OrdersExportSection(IOrderStore orders, OrderSettings settings) : IPersonalDataExportSection
{
    public string Name => "orders";

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var views = new List<OrderView>();
        string? token = null;
        do
        {
            var page = await orders.ListByCustomerAsync(customerId, new PageRequest(PageRequest.MaximumSize, token), ct);
            foreach (var summary in page.Items)
                if (await orders.FindAsync(summary.Number, ct) is { } order)
                    views.Add(OrderView.Of(order.Value, settings));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return views.Count > 0 ? views : null;
    }
}
