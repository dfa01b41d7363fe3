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
/// record means "already counted". How counts stay exact when a process is killed between two writes (the store has no
/// transaction across the counters and the record), as for promotion uses (PromotionRedemptions): every counter change
/// carries a change key (<see cref="ChangeKeys"/>) made from the order and the version of its hold record, and a counter
/// does not apply a key it has already applied. Holding takes the units (the same key on every counter), then writes
/// the record; a retry after a crash starts from the same record version, repeats the same key and takes nothing twice.
/// Releasing (and a hold refused by a cap or the buyer's limit after taking some of its units) writes the released
/// record first, carrying the give-back's key and the instant from which it may have happened, then gives back; every
/// later release, and the next hold of the order, repeats that give-back, which changes nothing if it was made.
/// Committing is one write of the record (held and sold units count alike). The one way left to lose exactness is the
/// safe one: a give-back whose key the counter's journal may have forgotten (more than about 200 changes of that
/// counter from <see cref="ClockSkewMargin"/> before the release to the repeated give-back) is not made, so the units
/// stay taken: the sale sells fewer, never more than its cap. Proven by FlashSaleCrashTests (a kill after every write
/// of hold, commit and release, then a retry) and, on the Cosmos DB emulator, by FlashSaleJournalTests.
/// The window is checked against the sale itself, not the product's copy: a sale ended early sells nothing more.
/// </para>
/// </summary>
public sealed class FlashSaleHolds(IFlashSaleStore sales, FlashSaleProjection projection, IPersonalDataVault vault, TimeProvider clock) : IFlashSaleHolds
{
    /// <summary>How far the clocks of two instances may disagree (as <see cref="Pricing.PromotionRedemptions.ClockSkewMargin"/>).</summary>
    public static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(1);

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
                    // Held and sold units count alike: committing changes no counter, so one write has no window to crash in.
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
        var items = lines.Select(line => sale.ItemFor(line.Sku)
            ?? throw new BusinessRuleViolationException($"{line.Sku} is no longer in the flash sale '{sale.Name}'. Nothing was charged.", "lines")).ToList();
        var units = lines.Sum(l => l.Quantity);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await sales.FindHoldAsync(sale.Id, order.Number, ct);
            if (existing?.Value.State is FlashSaleHoldState.Held or FlashSaleHoldState.Committed) return;
            if (!sale.IsLiveAt(clock.GetUtcNow()))
                throw new BusinessRuleViolationException(
                    $"The flash sale '{sale.Name}' ({string.Join(", ", lines.Select(l => l.Sku))}) ended before your order was confirmed. Nothing was charged; please check your cart and order again.", "lines");

            // From here on cancellation is not honoured: stopping half-way would only leave work for the retry.
            // A released record's give-back may have been cut short by a crash: finish it (a no-op if it was made).
            if (existing is not null) await GiveBackAsync(sale, existing.Value);

            // The same key for every counter, and for every retry that starts from this version of the record.
            var key = ChangeKeys.For(ChangeKeys.Take, order.Number, existing?.Version);
            var takenLines = new List<FlashSaleHoldLine>();
            var takenBuyers = new List<string>();
            string? refusal = null;
            for (var i = 0; i < lines.Count && refusal is null; i++)
            {
                var (change, sold) = await sales.TryTakeAsync(sale.Id, SaleCounter.Sold(items[i].Sku), lines[i].Quantity, items[i].Cap, key, CancellationToken.None);
                if (change == CounterChange.LimitReached)
                {
                    refusal = $"The flash sale '{sale.Name}' has sold out of {items[i].Sku} (or has fewer than the {lines[i].Quantity} you ordered left). Nothing was charged.";
                    break;
                }
                takenLines.Add(lines[i]);
                if (change == CounterChange.Applied) await RefreshIfStepAsync(sale, items[i], items[i].Cap - (sold - lines[i].Quantity), items[i].Cap - sold);
            }
            foreach (var buyerKey in refusal is null ? buyerKeys : [])
            {
                var (change, _) = await sales.TryTakeAsync(sale.Id, SaleCounter.Buyer(buyerKey), units, sale.PerCustomerLimit, key, CancellationToken.None);
                if (change == CounterChange.LimitReached)
                {
                    refusal = $"The flash sale '{sale.Name}' ({string.Join(", ", lines.Select(l => l.Sku))}) allows {sale.PerCustomerLimit} unit(s) per customer, and this order would take you past it. Nothing was charged.";
                    break;
                }
                takenBuyers.Add(buyerKey);
            }

            if (refusal is not null)
            {
                // Refused at the first counter: nothing taken, nothing to give back, and a retry may use the same key.
                if (takenLines.Count == 0 || await RefuseAsync(sale, order.Number, takenBuyers, takenLines, existing?.Version))
                    throw new BusinessRuleViolationException(refusal, "lines");
            }
            else
            {
                try
                {
                    var hold = new FlashSaleHold(sale.Id, order.Number, buyerKeys, lines, FlashSaleHoldState.Held, clock.GetUtcNow());
                    await sales.SaveHoldAsync(hold, existing?.Version, CancellationToken.None);
                    return;
                }
                catch (StaleVersionException)
                {
                    // Another hold of the same order, from the same record version and so with the same key, wrote first:
                    // the units were taken once for both (our takes found the key applied), so nothing is given back. The
                    // loop reads the record again and finds it held.
                }
            }
            if (attempt >= MaximumAttempts) throw new BusyResourceException("Flash sale");
        }
    }

    /// <summary>
    /// A cap or the buyer's limit refused a hold that took some of its units. They go back through a released record
    /// written first, listing exactly the counters taken, so that a retry of the hold starts from a new record version
    /// with a new key (the take's key would otherwise find its units "already taken" although they were given back) and
    /// finishes the give-back if a crash cut it short. False when another hold of the order wrote the record first: look
    /// again (the units taken under the shared key are that hold's).
    /// </summary>
    private async Task<bool> RefuseAsync(FlashSale sale, string orderId, List<string> takenBuyers, List<FlashSaleHoldLine> takenLines, string? fromVersion)
    {
        var now = clock.GetUtcNow();
        var refused = new FlashSaleHold(sale.Id, orderId, takenBuyers, takenLines, FlashSaleHoldState.Released, now,
            ChangeKeys.For(ChangeKeys.Untake, orderId, fromVersion), now - ClockSkewMargin);
        try
        {
            await sales.SaveHoldAsync(refused, fromVersion, CancellationToken.None);
        }
        catch (StaleVersionException)
        {
            return false;
        }
        await GiveBackAsync(sale, refused);
        return true;
    }

    private async Task ReleaseSaleAsync(string saleId, string orderId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var hold = await sales.FindHoldAsync(saleId, orderId, ct);
            if (hold is null) return;
            if (hold.Value.State == FlashSaleHoldState.Released)
            {
                // Repeat the give-back under its key: this is what repairs a crash between the record and the counters.
                await GiveBackAsync(null, hold.Value);
                return;
            }
            var now = clock.GetUtcNow();
            var released = hold.Value with
            {
                State = FlashSaleHoldState.Released, ChangedAt = now,
                ChangeKey = ChangeKeys.For(ChangeKeys.Release, orderId, hold.Version), CoveredFrom = now - ClockSkewMargin,
            };
            try
            {
                await sales.SaveHoldAsync(released, hold.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                continue;
            }
            await GiveBackAsync(null, released);
            return;
        }
    }

    private async Task<FlashSale?> FindSaleAsync(string saleId)
    {
        try
        {
            return (await sales.FindAsync(saleId, CancellationToken.None))?.Value;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // the sale only serves the product's units-left refresh: give back all the same
        }
    }

    /// <summary>
    /// Gives back what a released record counted, under its key, buyers first and the variants last (the reverse of the
    /// take): a no-op for every counter it was given back to before. A record released before change keys has no key:
    /// the old code gave its units back. The sale (<paramref name="known"/>, else read at the first unit given back)
    /// refreshes the product's units left; a release repeated for nothing does not read it.
    /// </summary>
    private async Task GiveBackAsync(FlashSale? known, FlashSaleHold released)
    {
        var sale = known;
        var looked = known is not null;
        if (released.State != FlashSaleHoldState.Released || released.ChangeKey is not { } key) return;
        var from = released.CoveredFrom ?? released.ChangedAt - ClockSkewMargin;
        for (var i = released.BuyerKeys.Count - 1; i >= 0; i--)
            await sales.GiveBackAsync(released.SaleId, SaleCounter.Buyer(released.BuyerKeys[i]), released.Units, key, from, CancellationToken.None);
        for (var i = released.Lines.Count - 1; i >= 0; i--)
        {
            var line = released.Lines[i];
            var (change, left) = await sales.GiveBackAsync(released.SaleId, SaleCounter.Sold(line.Sku), line.Quantity, key, from, CancellationToken.None);
            if (change != CounterChange.Applied) continue;
            if (!looked)
            {
                sale = await FindSaleAsync(released.SaleId);
                looked = true;
            }
            if (sale?.ItemFor(line.Sku) is { } item) await RefreshIfStepAsync(sale, item, item.Cap - (left + line.Quantity), item.Cap - left);
        }
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
