using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

public enum AdjustmentReason { Received, Sold, Returned, Damaged, Lost, Correction, Count }

/// <summary>One change of stock, kept for ever as the audit trail: who, when, why, and what it left on hand.</summary>
public sealed record StockAdjustment(
    string Id, long Sequence, string Warehouse, int Change, AdjustmentReason Reason, string? Note,
    string Actor, DateTimeOffset At, int OnHandAfter);

/// <summary>
/// The stock of one SKU in every warehouse. Quantities on hand never go below zero. The most recent adjustments travel
/// with the item (so an adjustment and its audit entry are written together, atomically); older ones are archived.
/// </summary>
public sealed record StockItem(
    string Sku, IReadOnlyDictionary<string, int> OnHand, int LowStockThreshold,
    IReadOnlyList<StockAdjustment> RecentAdjustments, long LastSequence)
{
    public const int MaximumQuantity = 1_000_000;
    public const int RecentAdjustmentsKept = 50;

    public static StockItem Empty(string sku) => new(sku, new Dictionary<string, int>(), 0, [], 0);

    public int TotalOnHand => OnHand.Values.Sum();

    public bool IsLow => LowStockThreshold > 0 && TotalOnHand < LowStockThreshold;

    public int OnHandIn(string warehouse) => OnHand.TryGetValue(warehouse, out var q) ? q : 0;

    public bool HasApplied(string adjustmentId) => RecentAdjustments.Any(a => a.Id == adjustmentId);

    /// <summary>
    /// Applies a change; a <see cref="AdjustmentReason.Count"/> sets the quantity instead of adding to it. Throws when the
    /// result would be negative. Applying the same adjustment id twice changes nothing (a retried request or message).
    /// </summary>
    public StockItem Apply(string adjustmentId, string warehouse, int quantity, AdjustmentReason reason, string? note, string actor, DateTimeOffset at)
    {
        if (HasApplied(adjustmentId)) return this;
        var before = OnHandIn(warehouse);
        var after = reason == AdjustmentReason.Count ? quantity : before + quantity;
        if (after < 0)
            throw new BusinessRuleViolationException(
                $"{Sku} has {before} on hand in {warehouse}; a change of {quantity} would leave {after}. Stock never goes below zero.", "quantity");
        if (after > MaximumQuantity)
            throw ValidationFailedException.For("quantity", $"would leave {after} on hand; at most {MaximumQuantity} per warehouse.");

        var levels = new Dictionary<string, int>(OnHand) { [warehouse] = after };
        var entry = new StockAdjustment(adjustmentId, LastSequence + 1, warehouse, after - before, reason, note, actor, at, after);
        return this with { OnHand = levels, RecentAdjustments = [.. RecentAdjustments, entry], LastSequence = entry.Sequence };
    }

    /// <summary>True when this change took the SKU from at-or-above its threshold to below it: the moment to alert, once.</summary>
    public static bool CrossedIntoLowStock(StockItem before, StockItem after) =>
        after.LowStockThreshold > 0 && after.TotalOnHand < after.LowStockThreshold && before.TotalOnHand >= after.LowStockThreshold;
}

public sealed record StockAdjustmentInput(string? Warehouse, int? Quantity, AdjustmentReason? Reason, string? Note);

public sealed record LowStockThresholdInput(int? Threshold);

/// <summary>Raised when a SKU falls below its threshold; the low-stock-alerts queue function tells the merchandisers.</summary>
public sealed record LowStockAlert(string Sku, int TotalOnHand, int Threshold, DateTimeOffset At);

/// <summary>Where stock lives. <see cref="SaveAsync"/> is optimistic: it throws <see cref="StaleVersionException"/> if the item changed.</summary>
public interface IInventoryStore
{
    Task<Versioned<StockItem>?> FindAsync(string sku, CancellationToken ct);
    Task<IReadOnlyList<Versioned<StockItem>>> FindManyAsync(IReadOnlyCollection<string> skus, CancellationToken ct);

    /// <param name="expectedVersion">Null to create the item (fails with <see cref="StaleVersionException"/> if it now exists).</param>
    Task<string> SaveAsync(StockItem item, string? expectedVersion, CancellationToken ct);

    /// <summary>Every adjustment of the SKU, newest first, including archived ones.</summary>
    Task<Page<StockAdjustment>> ListAdjustmentsAsync(string sku, PageRequest page, CancellationToken ct);
}
