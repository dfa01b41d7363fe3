using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

/// <summary>
/// Keeps the copy of each sale on its products (<see cref="Product.FlashSales"/>) in step with the sale, so a product
/// read (one Cosmos DB call) shows the sale's price, units left and end.
/// </summary>
/// <remarks>
/// Every change reads the product, changes its copies and writes it back under the ETag read (retrying on a
/// concurrent change), so two sales added to one product at once cannot both miss each other: the overlap check and
/// the write are one conditional write (FlashSaleApiTests, overlapping sales). Copies of ended sales are dropped on
/// every write. Units left are refreshed from the sale's counter, read after the product, so the last write always
/// holds the latest count any writer saw; a hold or release refreshes them only when the count crosses a step
/// (<see cref="ShouldRefresh"/>), and always when it reaches or leaves zero, which is what pricing reads.
/// </remarks>
public sealed class FlashSaleProjection(IProductStore products, IFlashSaleStore sales, TimeProvider clock)
{
    private const int MaximumAttempts = 12;

    /// <summary>The last this many units are shown one by one; above that in steps of a twentieth of the cap.</summary>
    public const int ExactBelow = 10;

    /// <summary>Puts the sale on each of its products. <see cref="BusinessRuleViolationException"/> when a product has another sale of one of its SKUs at an overlapping time.</summary>
    public async Task AddAsync(FlashSale sale, CancellationToken ct)
    {
        var done = new List<string>();
        try
        {
            foreach (var productId in ProductIds(sale))
            {
                await ChangeAsync(productId, product => WithCopy(product, sale, keepUnitsLeft: false), ct);
                done.Add(productId);
            }
        }
        catch
        {
            foreach (var productId in done)
            {
                try { await RemoveFromAsync(productId, sale.Id, CancellationToken.None); }
                catch (Exception) { /* keep the original failure; the sale is deleted, and a stale copy names a sale that no longer exists */ }
            }
            throw;
        }
    }

    /// <summary>Writes the sale's window (extended or ended early) on its products, keeping the units left they show.</summary>
    public async Task UpdateWindowAsync(FlashSale sale, CancellationToken ct)
    {
        foreach (var productId in ProductIds(sale))
            await ChangeAsync(productId, product => WithCopy(product, sale, keepUnitsLeft: true), ct);
    }

    /// <summary>Checks, without writing, that no product of the sale has another sale of the same SKU overlapping the window.</summary>
    public async Task CheckNoOverlapAsync(FlashSale sale, CancellationToken ct)
    {
        var read = await products.FindManyByIdsAsync(ProductIds(sale), ct);
        foreach (var product in read) RequireNoOverlap(product.Value, sale);
    }

    /// <summary>Whether a counter change from <paramref name="leftBefore"/> to <paramref name="leftAfter"/> units left is worth a product write.</summary>
    public static bool ShouldRefresh(int cap, int leftBefore, int leftAfter)
    {
        int Step(int left) => left <= 0 ? -1 : left <= ExactBelow ? left : ExactBelow + left / Math.Max(1, cap / 20);
        return Step(leftBefore) != Step(leftAfter);
    }

    /// <summary>Sets the variant's units left on its product from the sale's counter. A no-op when the product shows the count already.</summary>
    public Task RefreshUnitsLeftAsync(FlashSale sale, FlashSaleItem item, CancellationToken ct) =>
        ChangeAsync(item.ProductId, async product =>
        {
            var copy = product.FlashSales?.FirstOrDefault(s => s.SaleId == sale.Id);
            if (copy is null) return null;
            var sold = (await sales.ReadCountersAsync(sale.Id, [SaleCounter.Sold(item.Sku)], ct)).Values.Single();
            var left = Math.Max(0, item.Cap - sold);
            var variants = copy.Variants.Select(v => string.Equals(v.Sku, item.Sku, StringComparison.OrdinalIgnoreCase) ? v with { UnitsLeft = left } : v).ToList();
            if (variants.SequenceEqual(copy.Variants)) return null;
            return WithCopies(product, product.FlashSales!.Select(s => s.SaleId == sale.Id ? s with { Variants = variants } : s));
        }, ct);

    private Task RemoveFromAsync(string productId, string saleId, CancellationToken ct) =>
        ChangeAsync(productId, product => Task.FromResult(product.FlashSales?.Any(s => s.SaleId == saleId) == true
            ? WithCopies(product, product.FlashSales!.Where(s => s.SaleId != saleId))
            : null), ct);

    private Task<Product?> WithCopy(Product product, FlashSale sale, bool keepUnitsLeft)
    {
        RequireNoOverlap(product, sale);
        var existing = product.FlashSales?.FirstOrDefault(s => s.SaleId == sale.Id);
        var variants = sale.Items.Where(i => i.ProductId == product.Id)
            .Select(i => new ProductFlashSaleVariant(i.Sku, i.SalePrice,
                keepUnitsLeft && existing?.Variants.FirstOrDefault(v => v.Sku == i.Sku) is { } shown ? shown.UnitsLeft : i.Cap))
            .ToList();
        var copy = new ProductFlashSale(sale.Id, sale.Name, sale.StartsAt, sale.EndsAt, sale.PerCustomerLimit, variants);
        if (existing is not null && copy with { Variants = existing.Variants } == existing && variants.SequenceEqual(existing.Variants))
            return Task.FromResult<Product?>(null);
        var others = (product.FlashSales ?? []).Where(s => s.SaleId != sale.Id);
        return Task.FromResult<Product?>(WithCopies(product, others.Append(copy)));
    }

    private void RequireNoOverlap(Product product, FlashSale sale)
    {
        var now = clock.GetUtcNow();
        var skus = sale.Items.Where(i => i.ProductId == product.Id).Select(i => i.Sku).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var other in product.FlashSales ?? [])
        {
            if (other.SaleId == sale.Id || other.EndsAt <= now) continue;
            if (!FlashSale.Overlap(other.StartsAt, other.EndsAt, sale.StartsAt, sale.EndsAt)) continue;
            if (other.Variants.FirstOrDefault(v => skus.Contains(v.Sku)) is not { } shared) continue;
            var index = sale.Items.ToList().FindIndex(i => string.Equals(i.Sku, shared.Sku, StringComparison.OrdinalIgnoreCase));
            throw new BusinessRuleViolationException(
                $"{shared.Sku} is already in the flash sale '{other.Name}' ({other.SaleId}) from {other.StartsAt:u} to {other.EndsAt:u}; one SKU can be in one sale at a time.",
                $"items[{index}].sku");
        }
    }

    // Copies of sales that have ended are dropped whenever the product is written: they no longer show or price anything.
    private Product WithCopies(Product product, IEnumerable<ProductFlashSale> copies)
    {
        var now = clock.GetUtcNow();
        var kept = copies.Where(s => s.EndsAt > now).OrderBy(s => s.StartsAt).ToList();
        return product with { FlashSales = kept.Count > 0 ? kept : null };
    }

    /// <param name="change">The product as it should be, or null when it needs no write.</param>
    private async Task ChangeAsync(string productId, Func<Product, Task<Product?>> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await products.FindByIdAsync(productId, ct) is not { } read) return;
            if (await change(read.Value) is not { } changed) return;
            try
            {
                await products.ReplaceAsync(changed, read, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Product");
            }
        }
    }

    private static List<string> ProductIds(FlashSale sale) => sale.Items.Select(i => i.ProductId).Distinct(StringComparer.Ordinal).ToList();
}
