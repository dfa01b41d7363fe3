using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>Tells the merchandisers that a SKU runs low, and the rest of the business through an integration event.</summary>
public sealed class NotifyLowStock(IEmailSender email, IIntegrationEvents events, MerchandisingContacts contacts)
{
    public async Task HandleAsync(LowStockAlert alert, CancellationToken ct)
    {
        await email.SendAsync(alert.Warehouse is { } warehouse
            ? new EmailMessage(
                contacts.Addresses,
                $"Low stock in {warehouse}: {alert.Sku} has {alert.WarehouseOnHand} left there",
                $"{alert.Sku} fell below warehouse {warehouse}'s threshold of {alert.Threshold} at {alert.At:u}: {alert.WarehouseOnHand} units are on hand there, {alert.TotalOnHand} across all warehouses.\n\nTransfer or reorder stock for {warehouse}, or adjust its threshold in the admin API.")
            : new EmailMessage(
                contacts.Addresses,
                $"Low stock: {alert.Sku} has {alert.TotalOnHand} left",
                $"{alert.Sku} fell below its threshold of {alert.Threshold} at {alert.At:u}. {alert.TotalOnHand} units are on hand across all warehouses.\n\nReorder or adjust the threshold in the admin API."), ct);
        // The alert's SKU (and warehouse) and time make the event id, so a redelivered message publishes the same event (consumers dedupe on id).
        var scope = alert.Warehouse is null ? alert.Sku : $"{alert.Sku}:{alert.Warehouse}";
        await events.PublishAsync(new IntegrationEvent("inventory.low-stock", alert.Sku, alert, alert.At, $"low-stock:{scope}:{alert.At.ToUnixTimeMilliseconds()}"), ct);
    }
}

public sealed record MerchandisingContacts(IReadOnlyList<string> Addresses);
