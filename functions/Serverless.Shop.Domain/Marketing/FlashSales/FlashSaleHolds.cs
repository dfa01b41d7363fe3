using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

/// <summary>What checkout asks of flash sales: hold an order's sale units, make them final when paid, give them back.</summary>
public interface IFlashSaleHolds
{
    /// <summary>Holds the units of every sale line of the order; <see cref="BusinessRuleViolationException"/> (naming the SKU) when a cap or the buyer's limit would be passed, or the sale has ended.</summary>
    Task HoldAsync(Order order, CancellationToken ct);

    /// <summary>Makes the order's held units sold (the order was paid). A second call changes nothing.</summary>
    Task CommitAsync(Order order, CancellationToken ct);

    /// <summary>Gives the order's held or sold units back to their sales (a failed checkout, a cancelled order). A second call gives back nothing more.</summary>
    Task ReleaseAsync(Order order, CancellationToken ct);
}

/// <summary>
/// Holds, commits and releases flash sale units for orders (<see cref="IFlashSaleHolds"/>).
/// <para>
/// How the caps hold under concurrency: units are taken from the sale's counters by an atomic "add N if the result stays
/// at or below the limit" in the store: the variant's sold counter against its cap, then each of the buyer's counters
/// against the per-customer limit. So M sale units are sold exactly once each however many checkouts run at once, and
/// no buyer passes the limit (FlashSaleRushTests, over HTTP). A signed-in customer counts under their customer id and
/// their order email, a guest under the email (its blind index): a customer cannot pass the limit by checking out as a
/// guest with the same email.
/// </para>
/// <para>
/// The order's hold record (one per sale and order) makes every step idempotent by order number: a held or committed
/// record means "already counted", so a retried or replayed step holds nothing twice. As with promotion uses, holding
/// takes the units first and writes the record last; releasing marks the record released first and gives the units back
/// last: a crash in between can only leave units taken that no order holds (the sale sells fewer), never more sold than
/// the cap. The window is checked against the sale itself, not the product's copy: a sale ended early sells nothing more.
/// </para>
/// </summary>
public sealed class FlashSaleHolds(IFlashSaleStore sales, FlashSaleProjection projection, IPersonalDataVault vault, TimeProvider clock) : IFlashSaleHolds
{
    private const int MaximumAttempts = 8;

    public async Task HoldAsync(Order order, CancellationToken ct)
    {
        foreach (var (saleId, lines) in SaleLines(order))
        {
            var sale = (await sales.FindAsync(saleId, ct))?.Value
                ?? throw new BusinessRuleViolationException($"The flash sale of {lines[0].Sku} no longer exists. Nothing was charged; please check your cart and order again.", "lines");
            await HoldSaleAsync(sale, order, lines, ct);
        }
    }

    public async Task CommitAsync(Order order, CancellationToken ct)
    {
        foreach (var saleId in SaleLines(order).Select(s => s.SaleId))
        {
            for (var attempt = 1; ; attempt++)
            {
                var hold = await sales.FindHoldAsync(saleId, order.Number, ct);
                if (hold is null || hold.Value.State != FlashSaleHoldState.Held) break;
                try
                {
                    await sales.SaveHoldAsync(hold.Value with { State = FlashSaleHoldState.Committed, ChangedAt = clock.GetUtcNow() }, hold.Version, ct);
                    break;
                }
                catch (StaleVersionException) when (attempt < MaximumAttempts)
                {
                }
            }
        }
    }

    public async Task ReleaseAsync(Order order, CancellationToken ct)
    {
        foreach (var saleId in SaleLines(order).Select(s => s.SaleId))
            await ReleaseSaleAsync(saleId, order.Number, ct);
    }

    private async Task HoldSaleAsync(FlashSale sale, Order order, IReadOnlyList<FlashSaleHoldLine> lines, CancellationToken ct)
    {
        var buyerKeys = await BuyerKeysAsync(order, ct);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await sales.FindHoldAsync(sale.Id, order.Number, ct);
            if (existing?.Value.State is FlashSaleHoldState.Held or FlashSaleHoldState.Committed) return;
            if (!sale.IsLiveAt(clock.GetUtcNow()))
                throw new BusinessRuleViolationException(
                    $"The flash sale '{sale.Name}' ({string.Join(", ", lines.Select(l => l.Sku))}) ended before your order was confirmed. Nothing was charged; please check your cart and order again.", "lines");

            var taken = new List<(SaleCounter Counter, int Units)>();
            try
            {
                // From the first unit taken on, cancellation is not honoured: stopping half-way would only leak units.
                foreach (var line in lines)
                {
                    var item = sale.ItemFor(line.Sku)
                        ?? throw new BusinessRuleViolationException($"{line.Sku} is no longer in the flash sale '{sale.Name}'. Nothing was charged.", "lines");
                    var counter = SaleCounter.Sold(item.Sku);
                    var (ok, sold) = await sales.TryTakeAsync(sale.Id, counter, line.Quantity, item.Cap, CancellationToken.None);
                    if (!ok)
                    {
                        if (await HeldMeanwhileAsync(sale.Id, order.Number)) { await GiveBackAsync(sale, taken); return; }
                        throw new BusinessRuleViolationException(
                            $"The flash sale '{sale.Name}' has sold out of {item.Sku} (or has fewer than the {line.Quantity} you ordered left). Nothing was charged.", "lines");
                    }
                    taken.Add((counter, line.Quantity));
                    await RefreshIfStepAsync(sale, item, item.Cap - (sold - line.Quantity), item.Cap - sold);
                }
                var units = lines.Sum(l => l.Quantity);
                foreach (var key in buyerKeys)
                {
                    var counter = SaleCounter.Buyer(key);
                    var (ok, _) = await sales.TryTakeAsync(sale.Id, counter, units, sale.PerCustomerLimit, CancellationToken.None);
                    if (!ok)
                    {
                        if (await HeldMeanwhileAsync(sale.Id, order.Number)) { await GiveBackAsync(sale, taken); return; }
                        throw new BusinessRuleViolationException(
                            $"The flash sale '{sale.Name}' ({string.Join(", ", lines.Select(l => l.Sku))}) allows {sale.PerCustomerLimit} unit(s) per customer, and this order would take you past it. Nothing was charged.", "lines");
                    }
                    taken.Add((counter, units));
                }
            }
            catch
            {
                await GiveBackAsync(sale, taken);
                throw;
            }

            try
            {
                var hold = new FlashSaleHold(sale.Id, order.Number, buyerKeys, lines, FlashSaleHoldState.Held, clock.GetUtcNow());
                await sales.SaveHoldAsync(hold, existing?.Version, CancellationToken.None);
                return;
            }
            catch (StaleVersionException)
            {
                // Another hold (or release) of the same order wrote the record first: our units belong to no one.
                await GiveBackAsync(sale, taken);
                if (attempt >= MaximumAttempts) throw new BusyResourceException("Flash sale");
            }
        }
    }

    /// <summary>
    /// A limit reached may be this very order's doing: a concurrent hold of the same order (a retried step running twice
    /// at once) took the units and is about to write its record. Looks again, at once and a moment later, before refusing.
    /// </summary>
    private async Task<bool> HeldMeanwhileAsync(string saleId, string orderId)
    {
        for (var look = 1; ; look++)
        {
            var hold = await sales.FindHoldAsync(saleId, orderId, CancellationToken.None);
            if (hold?.Value.State is FlashSaleHoldState.Held or FlashSaleHoldState.Committed) return true;
            if (look == 2) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(25), clock);
        }
    }

    private async Task ReleaseSaleAsync(string saleId, string orderId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var hold = await sales.FindHoldAsync(saleId, orderId, ct);
            if (hold is null || hold.Value.State == FlashSaleHoldState.Released) return;
            try
            {
                await sales.SaveHoldAsync(hold.Value with { State = FlashSaleHoldState.Released, ChangedAt = clock.GetUtcNow() }, hold.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                continue;
            }
            var sale = (await sales.FindAsync(saleId, CancellationToken.None))?.Value;
            var taken = hold.Value.Lines.Select(l => (SaleCounter.Sold(l.Sku), l.Quantity))
                .Concat(hold.Value.BuyerKeys.Select(k => (SaleCounter.Buyer(k), hold.Value.Units))).ToList();
            await GiveBackAsync(sale, taken, saleId);
            return;
        }
    }

    // Units are given back newest first, and only after an outcome that is certain (a limit reached, another writer won
    // the record, the record marked released). A give-back that fails leaves units taken: fewer sold, never more.
    private async Task GiveBackAsync(FlashSale? sale, List<(SaleCounter Counter, int Units)> taken, string? saleId = null)
    {
        var id = sale?.Id ?? saleId!;
        for (var i = taken.Count - 1; i >= 0; i--)
        {
            try
            {
                var left = await sales.GiveBackAsync(id, taken[i].Counter, taken[i].Units, CancellationToken.None);
                if (sale?.Items.FirstOrDefault(item => SaleCounter.Sold(item.Sku) == taken[i].Counter) is { } item)
                    await RefreshIfStepAsync(sale, item, item.Cap - (left + taken[i].Units), item.Cap - left);
            }
            catch (Exception)
            {
                // Keep going: the other counters are given back all the same; the caller's own failure is what it reports.
            }
        }
        taken.Clear();
    }

    // The product's units-left figure is a display copy: a refresh that fails is made good by the next step crossed, and
    // must not fail a hold whose units are already counted.
    private async Task RefreshIfStepAsync(FlashSale sale, FlashSaleItem item, int leftBefore, int leftAfter)
    {
        if (!FlashSaleProjection.ShouldRefresh(item.Cap, leftBefore, leftAfter)) return;
        try
        {
            await projection.RefreshUnitsLeftAsync(sale, item, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
        }
    }

    /// <summary>
    /// Who the order counts against: the customer id when signed in, and always the email (by its blind index, so the
    /// sale keeps no email and nobody without the index key can test a guess). Both are hashed to hex: the keys name
    /// counter documents, and a document id may not hold the '/' a base64 index or an identity provider's id can.
    /// </summary>
    private async Task<IReadOnlyList<string>> BuyerKeysAsync(Order order, CancellationToken ct)
    {
        var keys = new List<string>(2);
        if (order.CustomerId is { } customerId) keys.Add("c-" + Hex(customerId));
        keys.Add("e-" + Hex(await vault.BlindIndexAsync(BlindIndexKind.Email, order.Email, ct)));
        return keys;
    }

    private static string Hex(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32].ToLowerInvariant();

    /// <summary>The order's lines priced by a flash sale, by sale, each SKU once with its quantity and what it was charged.</summary>
    public static IReadOnlyList<(string SaleId, IReadOnlyList<FlashSaleHoldLine> Lines)> SaleLines(Order order) =>
        order.Pricing.Lines
            .Where(l => l.FlashSaleId is not null && l.Problem is null)
            .GroupBy(l => l.FlashSaleId!, StringComparer.Ordinal)
            .Select(sale => (sale.Key, (IReadOnlyList<FlashSaleHoldLine>)sale
                .GroupBy(l => l.Sku, StringComparer.OrdinalIgnoreCase)
                .Select(sku => new FlashSaleHoldLine(sku.Key, sku.Sum(l => l.Quantity), new Money(sku.Sum(l => l.Total.Amount), order.Currency)))
                .ToList()))
            .ToList();
}
