using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>Adjusting stock, setting thresholds, reserving stock for checkouts, and reading availability.</summary>
public sealed partial class ManageStock(IInventoryStore inventory, IWarehouseStore warehouses, IWorkQueue queue, TimeProvider clock)
{
    /// <summary>The warehouse an adjustment that names none books into (the one free-form name every shop had before warehouses were entities).</summary>
    public const string DefaultWarehouse = "main";

    public const int MaximumBinLength = 40;

    /// <summary>Who the audit trail names for a sale that a checkout committed.</summary>
    public static readonly Actor CheckoutActor = Actor.System("checkout");

    /// <summary>The longest a reservation may be held: long enough for a bank transfer's deadline.</summary>
    public static readonly TimeSpan MaximumReservationLifetime = TimeSpan.FromDays(30);

    public const int MaximumReservationLines = 100;
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
        // Stock is booked only into a warehouse that exists and is active (one more point read; an admin route).
        ManageWarehouses.RequireActive((await warehouses.ReadAsync(ct)).Directory, warehouse, "warehouse");

        return await ChangeAsync(sku, item => item.Apply(adjustmentId, warehouse, input.Quantity!.Value, input.Reason!.Value, input.Note, actor.Id, clock.GetUtcNow()), ct);
    }

    /// <summary>
    /// Records where a SKU sits in a warehouse (a shelf or bin code such as <c>A-12-3</c>); a null or blank bin clears it.
    /// The warehouse must exist (an inactive one may still be labelled: its stock is being cleared out).
    /// </summary>
    public async Task<Versioned<StockItem>> SetBinAsync(string sku, string warehouseId, StockBinInput input, CancellationToken ct)
    {
        sku = RequireSku(sku);
        var v = new Validator();
        var bin = string.IsNullOrWhiteSpace(input?.Bin) ? null : input.Bin.Trim();
        v.Check(bin is null || (bin.Length <= MaximumBinLength && bin.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '/' or '_')), "bin",
            $"must be at most {MaximumBinLength} letters, digits or - . / _");
        v.ThrowIfInvalid();
        var id = warehouseId.Trim().ToLowerInvariant();
        if ((await warehouses.ReadAsync(ct)).Directory.Find(id) is null) throw new ResourceNotFoundException("Warehouse", warehouseId);
        return await ChangeAsync(sku, item => item.WithBin(id, bin), ct);
    }

    public async Task<Versioned<StockItem>> SetThresholdAsync(string sku, LowStockThresholdInput input, CancellationToken ct)
    {
        sku = RequireSku(sku);
        var v = new Validator();
        if (v.Required(input.Threshold, "threshold"))
            v.Check(input.Threshold is >= 0 and <= StockItem.MaximumQuantity, "threshold", $"must be from 0 (no alerts) to {StockItem.MaximumQuantity}.");
        v.ThrowIfInvalid();
        if (string.IsNullOrWhiteSpace(input.Warehouse))
            return await ChangeAsync(sku, item => item with { LowStockThreshold = input.Threshold!.Value }, ct);
        // A warehouse's own threshold (WarehouseLowStock.cs); an inactive warehouse may keep one, it still holds stock.
        var warehouse = input.Warehouse.Trim().ToLowerInvariant();
        if ((await warehouses.ReadAsync(ct)).Directory.Find(warehouse) is null)
            throw ValidationFailedException.For("warehouse", $"There is no warehouse '{warehouse}'. GET /api/warehouses lists them.");
        return await ChangeAsync(sku, item => item.WithWarehouseThreshold(warehouse, input.Threshold!.Value), ct);
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

    /// <summary>The stock as staff see it, with live reservations and what is available: for the admin API.</summary>
    public Versioned<StockLevel> LevelOf(Versioned<StockItem> item) => new(StockLevel.Of(item.Value, clock.GetUtcNow()), item.Version);

    /// <summary>What a storefront shows: units available per SKU of a product (one Cosmos DB read for all SKUs), live reservations subtracted.</summary>
    public async Task<IReadOnlyList<SkuAvailability>> GetAvailabilityAsync(Product product, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var skus = product.Variants.Select(x => x.Sku).ToList();
        var found = (await inventory.FindManyAsync(skus, ct)).ToDictionary(i => i.Value.Sku, i => i.Value);
        return skus.Select(s => new SkuAvailability(s, found.TryGetValue(s, out var item) ? item.Available(now) : 0)).ToList();
    }

    /// <summary>Units a shopper can still buy per SKU (unknown SKUs have 0), in one Cosmos DB read: for carts and checkout. Live reservations are subtracted.</summary>
    public async Task<IReadOnlyDictionary<string, int>> GetAvailableAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var found = (await inventory.FindManyAsync(skus, ct)).ToDictionary(i => i.Value.Sku, i => i.Value.Available(now));
        return skus.Distinct().ToDictionary(s => s, s => found.GetValueOrDefault(s));
    }

    /// <summary>
    /// Reserves every line for <paramref name="reservationId"/> until <paramref name="expiresAt"/>, all or nothing. Lines
    /// of the same SKU are added up. SKUs are reserved one after the other in SKU order (so two checkouts that want the
    /// same SKUs meet on the first one, and one of them gets them all, instead of each holding half). When a SKU has too
    /// few units, the SKUs reserved by this call are released again and a <see cref="BusinessRuleViolationException"/>
    /// names the line: field <c>lines[i].quantity</c> (i the index of the SKU's first line in <paramref name="items"/>),
    /// the message naming the SKU and the units available. Calling again with the same id and lines changes nothing.
    /// </summary>
    /// <remarks>Cosmos DB: one read and one conditional write per SKU (2N for N distinct SKUs), two more per concurrency
    /// conflict; a repeat reads only (N). A SKU that is short costs its read alone, so failing at the k-th SKU (0-based,
    /// in SKU order) costs 2k + 1, plus 2k to release the k reserved before it (4k + 1).</remarks>
    public async Task ReserveAsync(string reservationId, IReadOnlyList<ParcelItem> items, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validator();
        RequireReservationId(reservationId, v);
        v.Check(expiresAt > now, "expiresAt", "must be in the future.");
        v.Check(expiresAt <= now + MaximumReservationLifetime, "expiresAt", $"must be at most {MaximumReservationLifetime.TotalDays:0} days ahead.");
        var lines = new List<(string Sku, int Quantity, int Line)>();
        if (v.Required(items, "lines") && v.Check(items.Count is > 0 and <= MaximumReservationLines, "lines", $"must have 1 to {MaximumReservationLines} lines."))
        {
            for (var i = 0; i < items.Count; i++)
            {
                var sku = items[i]?.Sku?.Trim().ToUpperInvariant();
                var skuOk = v.Check(ProductRules.IsValidSku(sku), $"lines[{i}].sku", "is not a valid SKU.");
                var quantityOk = v.Check(items[i] is { Quantity: >= 1 and <= StockItem.MaximumQuantity }, $"lines[{i}].quantity", $"must be from 1 to {StockItem.MaximumQuantity}.");
                if (skuOk && quantityOk) lines.Add((sku!, items[i].Quantity, i));
            }
        }
        v.ThrowIfInvalid();

        var wanted = lines.GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => (Sku: g.Key, Quantity: g.Sum(l => (long)l.Quantity), Line: g.Min(l => l.Line)))
            .OrderBy(w => w.Sku, StringComparer.Ordinal)
            .ToList();
        foreach (var w in wanted.Where(w => w.Quantity > StockItem.MaximumQuantity))
            v.Add($"lines[{w.Line}].quantity", $"{w.Sku} is asked for {w.Quantity} times in all; at most {StockItem.MaximumQuantity}.");
        v.ThrowIfInvalid();

        var reserved = new List<string>();
        foreach (var (sku, quantity, line) in wanted)
        {
            try
            {
                await ChangeAsync(sku, item => item.Reserve(reservationId, (int)quantity, expiresAt, clock.GetUtcNow()), ct);
                reserved.Add(sku);
            }
            catch (Exception failure)
            {
                // All or nothing. The release is not cancelled with the caller, and a release that fails does not hide
                // why the reservation failed: those units come back at expiresAt anyway.
                foreach (var done in reserved)
                {
                    try { await ChangeAsync(done, item => item.Release(reservationId), CancellationToken.None); }
                    catch (Exception) { /* the reservation on this SKU expires at expiresAt */ }
                }
                if (failure is BusinessRuleViolationException violation)
                    throw new BusinessRuleViolationException(violation.Message, $"lines[{line}].quantity");
                throw;
            }
        }
    }

    /// <summary>
    /// Gives the reservation's units back on each SKU (an abandoned or failed checkout). SKUs without the reservation are
    /// left alone, so releasing twice is harmless. Cosmos DB: one read per SKU, and a write only where the reservation was.
    /// </summary>
    public async Task ReleaseAsync(string reservationId, IReadOnlyList<string> skus, CancellationToken ct)
    {
        foreach (var (sku, _) in ValidateSkus(reservationId, skus))
            await ChangeAsync(sku, item => item.Release(reservationId), ct);
    }

    /// <summary>
    /// Turns the reservation into sales on each SKU (a paid order): a Sold adjustment in the audit trail, and a low-stock
    /// alert when the sale crosses the threshold. Committing again changes nothing, so a retried step is safe. Every SKU
    /// is attempted; if some cannot be committed (the reservation is unknown, or its units are gone), the others are still
    /// committed and a <see cref="BusinessRuleViolationException"/> names the first that failed (field <c>skus[i]</c>).
    /// </summary>
    /// <remarks>Cosmos DB: one read and one write per SKU (2N), plus one write for an archive page of the audit trail about
    /// every 50 adjustments of a SKU; a repeated commit reads only (N).</remarks>
    public async Task CommitAsync(string reservationId, IReadOnlyList<string> skus, CancellationToken ct)
    {
        BusinessRuleViolationException? firstFailure = null;
        foreach (var (sku, index) in ValidateSkus(reservationId, skus))
        {
            try
            {
                await ChangeAsync(sku, item => item.Commit(reservationId, CheckoutActor.Id, clock.GetUtcNow()), ct);
            }
            catch (BusinessRuleViolationException violation)
            {
                firstFailure ??= new BusinessRuleViolationException(violation.Message, $"skus[{index}]");
            }
        }
        if (firstFailure is not null) throw firstFailure;
    }

    /// <summary>
    /// An order was cancelled: on each SKU its reservation is released, or its sale undone (<see cref="StockItem.UndoSale"/>).
    /// Idempotent, so a redelivered cancellation changes nothing more.
    /// </summary>
    /// <remarks>Cosmos DB: one read per SKU, and one write per SKU that had something to give back.</remarks>
    public async Task UndoSaleAsync(string reservationId, IReadOnlyList<string> skus, Actor actor, CancellationToken ct)
    {
        foreach (var (sku, _) in ValidateSkus(reservationId, skus))
            await ChangeAsync(sku, item => item.UndoSale(reservationId, actor.Id, clock.GetUtcNow()), ct);
    }

    /// <returns>Each SKU once, normalised, with the index of its first mention.</returns>
    private static List<(string Sku, int Index)> ValidateSkus(string reservationId, IReadOnlyList<string> skus)
    {
        var v = new Validator();
        RequireReservationId(reservationId, v);
        if (v.Required(skus, "skus") && v.Check(skus.Count is > 0 and <= MaximumReservationLines, "skus", $"must have 1 to {MaximumReservationLines} SKUs."))
            for (var i = 0; i < skus.Count; i++)
                v.Check(ProductRules.IsValidSku(skus[i]?.Trim().ToUpperInvariant()), $"skus[{i}]", "is not a valid SKU.");
        v.ThrowIfInvalid();
        return skus.Select((s, i) => (Sku: s.Trim().ToUpperInvariant(), Index: i)).DistinctBy(s => s.Sku, StringComparer.Ordinal).ToList();
    }

    private static void RequireReservationId(string reservationId, Validator v) =>
        v.Check(Ids.IsWellFormed(reservationId), "reservationId", "must be 1 to 100 letters, digits, '_' or '-'.");

    // Optimistic concurrency: two adjustments at once both read version N, one writes N+1, the other gets a stale
    // version, reads again and re-applies its change to the new quantity. Neither is lost; stock never goes negative.
    // Every write also forgets expired reservations and old commits, so the document stays bounded.
    internal async Task<Versioned<StockItem>> ChangeAsync(string sku, Func<StockItem, StockItem> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await inventory.FindAsync(sku, ct);
            var before = current?.Value ?? StockItem.Empty(sku);
            var after = change(before);
            // Nothing changed (a repeat, a release of nothing): no write, and no empty document for an unknown SKU.
            if (ReferenceEquals(after, before)) return current ?? new Versioned<StockItem>(before, "");
            after = after.Pruned(clock.GetUtcNow());
            try
            {
                var version = await inventory.SaveAsync(after, current?.Version, ct);
                if (StockItem.CrossedIntoLowStock(before, after))
                    await queue.EnqueueAsync(WorkQueues.LowStockAlerts, new LowStockAlert(sku, after.TotalOnHand, after.LowStockThreshold, clock.GetUtcNow()), ct);
                foreach (var warehouse in StockItem.WarehousesCrossedIntoLowStock(before, after))
                    await queue.EnqueueAsync(WorkQueues.LowStockAlerts, new LowStockAlert(sku, after.TotalOnHand, after.ThresholdIn(warehouse), clock.GetUtcNow())
                    { Warehouse = warehouse, WarehouseOnHand = after.OnHandIn(warehouse) }, ct);
                return new Versioned<StockItem>(after, version);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    internal static string RequireSku(string sku)
    {
        var normalised = sku.Trim().ToUpperInvariant();
        if (!ProductRules.IsValidSku(normalised)) throw ValidationFailedException.For("sku", "is not a valid SKU.");
        return normalised;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,31})$")]
    private static partial Regex WarehousePattern();
}

public sealed record SkuAvailability(string Sku, int Available);

public sealed record StockBinInput(string? Bin);
