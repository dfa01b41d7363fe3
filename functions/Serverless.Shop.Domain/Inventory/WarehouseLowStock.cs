namespace Serverless.Shop.Domain.Inventory;

/// <summary>
/// Low stock per warehouse. The SKU's <see cref="StockItem.LowStockThreshold"/> is a reorder point for the shop as a
/// whole; a warehouse gets its own threshold because what is "low" depends on the demand the warehouse serves (a small
/// regional store and the main depot of the same SKU need different reorder points), so the total's threshold applied
/// to each warehouse would alert a small one for ever and a single-warehouse shop twice. A warehouse without a
/// threshold is never low on its own. Like the total, a warehouse's level is its units on hand: units held for
/// checkouts are still on the shelf, and units in transit are on no shelf yet.
/// </summary>
public sealed partial record StockItem
{
    /// <summary>Warehouse id to the quantity below which that warehouse is low (only warehouses with a threshold set).</summary>
    public IReadOnlyDictionary<string, int> WarehouseThresholds { get; init; } = new Dictionary<string, int>();

    public int ThresholdIn(string warehouse) => WarehouseThresholds.TryGetValue(warehouse, out var t) ? t : 0;

    public bool IsLowIn(string warehouse) => ThresholdIn(warehouse) is var t && t > 0 && OnHandIn(warehouse) < t;

    /// <summary>The same item with <paramref name="threshold"/> for <paramref name="warehouse"/> (0 removes it); this instance when nothing changes.</summary>
    public StockItem WithWarehouseThreshold(string warehouse, int threshold)
    {
        if (ThresholdIn(warehouse) == threshold) return this;
        var thresholds = new Dictionary<string, int>(WarehouseThresholds, StringComparer.Ordinal);
        if (threshold == 0) thresholds.Remove(warehouse); else thresholds[warehouse] = threshold;
        return this with { WarehouseThresholds = thresholds };
    }

    /// <summary>
    /// The warehouses this change took from at-or-above their threshold to below it: each alerts once, when it crosses,
    /// as the total does (<see cref="CrossedIntoLowStock"/>). Setting a threshold above the level is not a crossing.
    /// </summary>
    public static IReadOnlyList<string> WarehousesCrossedIntoLowStock(StockItem before, StockItem after) => after.WarehouseThresholds
        .Where(t => t.Value > 0 && after.OnHandIn(t.Key) < t.Value && before.OnHandIn(t.Key) >= t.Value)
        .Select(t => t.Key)
        .Order(StringComparer.Ordinal)
        .ToList();
}
