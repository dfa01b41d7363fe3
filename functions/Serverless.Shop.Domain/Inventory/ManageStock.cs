using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>Adjusting stock, setting thresholds, and reading availability.</summary>
public sealed partial class ManageStock(IInventoryStore inventory, IWorkQueue queue, TimeProvider clock)
{
    public const string DefaultWarehouse = "main";
    private const int MaximumAttempts = 8;

    public async Task<Versioned<StockItem>> AdjustAsync(string sku, StockAdjustmentInput input, string adjustmentId, Actor actor, CancellationToken ct)
    {
        sku = RequireSku(sku);
        var v = new Validator();
        var warehouse = string.IsNullOrWhiteSpace(input.Warehouse) ? DefaultWarehouse : input.Warehouse.Trim().ToLowerInvariant();
        v.Check(WarehousePattern().IsMatch(warehouse), "warehouse", "must be 1 to 32 lower-case letters, digits or hyphens.");
        if (v.Required(input.Reason, "reason") && v.Required(input.Quantity, "quantity"))
        {
            var q = input.Quantity!.Value;
            if (input.Reason == AdjustmentReason.Count)
                v.Check(q is >= 0 and <= StockItem.MaximumQuantity, "quantity", $"a count must be from 0 to {StockItem.MaximumQuantity}.");
            else
                v.Check(q != 0 && Math.Abs(q) <= StockItem.MaximumQuantity, "quantity", $"must be a non-zero change of at most {StockItem.MaximumQuantity} either way.");
        }
        v.MaxLength(input.Note, 500, "note");
        v.ThrowIfInvalid();

        return await ChangeAsync(sku, item => item.Apply(adjustmentId, warehouse, input.Quantity!.Value, input.Reason!.Value, input.Note, actor.Id, clock.GetUtcNow()), ct);
    }

    public async Task<Versioned<StockItem>> SetThresholdAsync(string sku, LowStockThresholdInput input, CancellationToken ct)
    {
        sku = RequireSku(sku);
        var v = new Validator();
        if (v.Required(input.Threshold, "threshold"))
            v.Check(input.Threshold is >= 0 and <= StockItem.MaximumQuantity, "threshold", $"must be from 0 (no alerts) to {StockItem.MaximumQuantity}.");
        v.ThrowIfInvalid();
        return await ChangeAsync(sku, item => item with { LowStockThreshold = input.Threshold!.Value }, ct);
    }

    public async Task<Versioned<StockItem>> GetAsync(string sku, CancellationToken ct)
    {
        sku = RequireSku(sku);
        return await inventory.FindAsync(sku, ct) ?? new Versioned<StockItem>(StockItem.Empty(sku), "");
    }

    public async Task<Page<StockAdjustment>> ListAdjustmentsAsync(string sku, string? pageSize, string? token, CancellationToken ct)
    {
        sku = RequireSku(sku);
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, token, v);
        v.ThrowIfInvalid();
        return await inventory.ListAdjustmentsAsync(sku, page, ct);
    }

    /// <summary>What a storefront shows: units available per SKU of a product (one Cosmos DB read for all SKUs).</summary>
    public async Task<IReadOnlyList<SkuAvailability>> GetAvailabilityAsync(Product product, CancellationToken ct)
    {
        var skus = product.Variants.Select(x => x.Sku).ToList();
        var found = (await inventory.FindManyAsync(skus, ct)).ToDictionary(i => i.Value.Sku, i => i.Value);
        return skus.Select(s => new SkuAvailability(s, found.TryGetValue(s, out var item) ? item.TotalOnHand : 0)).ToList();
    }

    /// <summary>Units a shopper can still buy per SKU (unknown SKUs have 0), in one Cosmos DB read: for carts and checkout.</summary>
    public async Task<IReadOnlyDictionary<string, int>> GetAvailableAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var found = (await inventory.FindManyAsync(skus, ct)).ToDictionary(i => i.Value.Sku, i => i.Value.TotalOnHand);
        return skus.Distinct().ToDictionary(s => s, s => found.GetValueOrDefault(s));
    }

    // Optimistic concurrency: two adjustments at once both read version N, one writes N+1, the other gets a stale
    // version, reads again and re-applies its change to the new quantity. Neither is lost; stock never goes negative.
    private async Task<Versioned<StockItem>> ChangeAsync(string sku, Func<StockItem, StockItem> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await inventory.FindAsync(sku, ct);
            var before = current?.Value ?? StockItem.Empty(sku);
            var after = change(before);
            if (ReferenceEquals(after, before) && current is not null) return current;
            try
            {
                var version = await inventory.SaveAsync(after, current?.Version, ct);
                if (StockItem.CrossedIntoLowStock(before, after))
                    await queue.EnqueueAsync(WorkQueues.LowStockAlerts, new LowStockAlert(sku, after.TotalOnHand, after.LowStockThreshold, clock.GetUtcNow()), ct);
                return new Versioned<StockItem>(after, version);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    private static string RequireSku(string sku)
    {
        var normalised = sku.Trim().ToUpperInvariant();
        if (!ProductRules.IsValidSku(normalised)) throw ValidationFailedException.For("sku", "is not a valid SKU.");
        return normalised;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,31})$")]
    private static partial Regex WarehousePattern();
}

public sealed record SkuAvailability(string Sku, int Available);

/// <summary>Tells the merchandisers that a SKU runs low, and the rest of the business through an integration event.</summary>
public sealed class NotifyLowStock(IEmailSender email, IIntegrationEvents events, MerchandisingContacts contacts)
{
    public async Task HandleAsync(LowStockAlert alert, CancellationToken ct)
    {
        await email.SendAsync(new EmailMessage(
            contacts.Addresses,
            $"Low stock: {alert.Sku} has {alert.TotalOnHand} left",
            $"{alert.Sku} fell below its threshold of {alert.Threshold} at {alert.At:u}. {alert.TotalOnHand} units are on hand across all warehouses.\n\nReorder or adjust the threshold in the admin API."), ct);
        // The alert's SKU and time make the event id, so a redelivered message publishes the same event (consumers dedupe on id).
        await events.PublishAsync(new IntegrationEvent("inventory.low-stock", alert.Sku, alert, alert.At, $"low-stock:{alert.Sku}:{alert.At.ToUnixTimeMilliseconds()}"), ct);
    }
}

public sealed record MerchandisingContacts(IReadOnlyList<string> Addresses);
