using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>
/// The inventory's low-stock view for the report: SKUs under their own threshold (<see cref="StockItem.IsLow"/>, the
/// rule the low-stock alerts use), lowest availability first. It pages through the stock documents as the stock report
/// does (a cross-partition query a page at a time), once per report.
/// </summary>
public sealed class InventoryLowStockReader(IInventoryStore inventory, TimeProvider clock) : ILowStockReader
{
    private const int PageSize = PageRequest.MaximumSize;

    public async Task<IReadOnlyList<RunningOutOfStock>> ReadAsync(int max, CancellationToken ct)
    {
        var low = new List<RunningOutOfStock>();
        var now = clock.GetUtcNow();
        string? token = null;
        do
        {
            var page = await inventory.ListAsync(new PageRequest(PageSize, token), ct);
            low.AddRange(page.Items.Where(i => i.IsLow).Select(i => new RunningOutOfStock(i.Sku, i.Available(now), i.TotalOnHand, i.LowStockThreshold)));
            token = page.ContinuationToken;
        } while (token is not null);
        return [.. low.OrderBy(s => s.Available).ThenBy(s => s.Sku, StringComparer.Ordinal).Take(max)];
    }
}
