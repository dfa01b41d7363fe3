using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>
/// One SKU's stock in one warehouse: units on hand, held there by live reservations, still available to a checkout
/// there, and on their way there (inbound transfers, counted in no warehouse's stock yet), with the warehouse's own
/// low-stock threshold (0: none) and whether it is below it.
/// </summary>
public sealed record WarehouseStockFigures(string Warehouse, int OnHand, int Reserved, int Available, int InTransit, int LowStockThreshold, bool IsLow);

/// <summary>
/// One SKU over every warehouse. <see cref="Reserved"/> also counts reservations not tied to a warehouse (checkouts
/// from before allocation), so it can be more than the warehouses' sum; <see cref="Available"/> is what the storefront
/// shows; <see cref="LowStockThreshold"/> is the SKU's own.
/// </summary>
public sealed record SkuStockTotals(int OnHand, int Reserved, int Available, int InTransit, int LowStockThreshold, bool IsLow);

public sealed record StockReportRow(string Sku, IReadOnlyList<WarehouseStockFigures> Warehouses, SkuStockTotals Total);

/// <summary>A warehouse's figures summed over the rows of one page, and how many of those SKUs it holds and is low on.</summary>
public sealed record WarehouseStockTotals(string Warehouse, int Skus, int OnHand, int Reserved, int Available, int InTransit, int LowSkus);

/// <summary>A page of the stock report: its rows, the per-warehouse totals of those rows, and the token for the next page (null: the last).</summary>
public sealed record StockReport(IReadOnlyList<StockReportRow> Items, IReadOnlyList<WarehouseStockTotals> Totals, string? ContinuationToken);

/// <summary>
/// Stock per warehouse for merchandisers: every SKU's on hand, reserved, available and in-transit units in each
/// warehouse, and which are low. A report, not a storefront read: it pages through every stock document with a
/// cross-partition query (<see cref="IInventoryStore.ListAsync"/>). Cosmos DB: per page, one point read of the warehouse
/// directory and one query page of at most <c>pageSize</c> stock documents. The filters (<c>warehouse</c>,
/// <c>lowOnly</c>) apply to the documents a page read, so a filtered page may hold fewer rows than <c>pageSize</c>, even
/// none, while a continuation token says there is more: follow it until it is null.
/// </summary>
public sealed class ReportStock(IInventoryStore inventory, IWarehouseStore warehouses, TimeProvider clock)
{
    public async Task<StockReport> ByWarehouseAsync(string? warehouse, string? lowOnly, string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, continuationToken, v);
        var onlyLow = false;
        v.Check(string.IsNullOrEmpty(lowOnly) || bool.TryParse(lowOnly, out onlyLow), "lowOnly", $"must be true or false (was '{lowOnly}').");
        var wanted = string.IsNullOrWhiteSpace(warehouse) ? null : warehouse.Trim().ToLowerInvariant();
        v.ThrowIfInvalid();

        var directory = (await warehouses.ReadAsync(ct)).Directory;
        if (wanted is not null && directory.Find(wanted) is null)
            throw ValidationFailedException.For("warehouse", $"There is no warehouse '{wanted}'. GET /api/warehouses lists them.");

        var stock = await inventory.ListAsync(page, ct);
        var now = clock.GetUtcNow();
        // Directory order (priority, then id); names stock still holds that are not warehouses (before the migration) come last.
        var rank = directory.Warehouses.OrderBy(w => w.Priority).ThenBy(w => w.Id, StringComparer.Ordinal)
            .Select((w, i) => (w.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        var rows = new List<StockReportRow>();
        foreach (var item in stock.Items)
        {
            var figures = WarehousesOf(item)
                .Where(w => wanted is null || w == wanted)
                .OrderBy(w => rank.GetValueOrDefault(w, int.MaxValue)).ThenBy(w => w, StringComparer.Ordinal)
                .Select(w => new WarehouseStockFigures(w, item.OnHandIn(w), item.ReservedIn(w, now), item.AvailableIn(w, now), item.InTransitTo(w), item.ThresholdIn(w), item.IsLowIn(w)))
                .ToList();
            if (wanted is not null && figures.Count == 0) continue;
            var total = new SkuStockTotals(item.TotalOnHand, item.Reserved(now), item.Available(now), item.InTransit.Sum(t => t.Quantity), item.LowStockThreshold, item.IsLow);
            var low = figures.Any(f => f.IsLow) || (wanted is null && total.IsLow);
            if (onlyLow && !low) continue;
            rows.Add(new StockReportRow(item.Sku, figures, total));
        }

        var totals = rows.SelectMany(r => r.Warehouses)
            .GroupBy(f => f.Warehouse, StringComparer.Ordinal)
            .OrderBy(g => rank.GetValueOrDefault(g.Key, int.MaxValue)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WarehouseStockTotals(g.Key, g.Count(), g.Sum(f => f.OnHand), g.Sum(f => f.Reserved), g.Sum(f => f.Available), g.Sum(f => f.InTransit), g.Count(f => f.IsLow)))
            .ToList();
        return new StockReport(rows, totals, stock.ContinuationToken);
    }

    // A warehouse appears in a SKU's row once the SKU has had stock there, or has units held in it, on their way to it, or a threshold for it.
    private static IEnumerable<string> WarehousesOf(StockItem item) => item.OnHand.Keys
        .Concat(item.Reservations.Select(r => r.Warehouse).OfType<string>())
        .Concat(item.InTransit.Select(t => t.To))
        .Concat(item.WarehouseThresholds.Keys)
        .Distinct(StringComparer.Ordinal);
}
