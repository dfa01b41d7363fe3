using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>
/// Allocates a checkout's lines to warehouses (<see cref="WarehouseAllocator"/>) and reserves the units in those
/// warehouses, all or nothing. Each SKU is still reserved with one conditional write on its stock document (the
/// reservation entries per warehouse travel together), so two checkouts can never both take the last unit of a
/// warehouse: the loser's write fails its ETag check, reads again and finds the units gone. When another checkout took
/// units of a warehouse between the allocation and the write, what this call reserved is released and the order is
/// allocated again on fresh stock (up to <see cref="MaximumRounds"/> times): the last units in another warehouse are
/// still found. Proven by AllocateStockTests and, on Cosmos DB, AllocationConcurrencyTests.
/// </summary>
public sealed class AllocateStock(IInventoryStore inventory, IWarehouseStore warehouses, TimeProvider clock)
{
    public const int MaximumRounds = 4;
    private const int MaximumAttempts = 8;

    /// <summary>
    /// Reserves <paramref name="items"/> for <paramref name="reservationId"/> in the warehouses the allocator picks for
    /// <paramref name="country"/> and <paramref name="destination"/> (null: the address was not located, priority decides).
    /// A repeat with the same id (a retried or replayed checkout step) returns the allocation it holds, writing nothing.
    /// </summary>
    /// <exception cref="BusinessRuleViolationException">
    /// Field <c>lines[i].quantity</c> (i: the SKU's first line) when the warehouses that ship to the country have too few
    /// units between them; the message names the SKU and the units available.
    /// </exception>
    /// <remarks>Cosmos DB: one read of the warehouse directory, one read of every SKU's stock (ReadMany), one conditional
    /// write per SKU: N + 2 for N SKUs. A repeat: 2. A write that loses a race: one read more, and a new round when the
    /// allocated warehouse ran short.</remarks>
    public async Task<Allocation> ReserveAsync(
        string reservationId, IReadOnlyList<ParcelItem> items, string country, GeoPoint? destination, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var lines = Validate(reservationId, items, expiresAt);
        var wanted = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        var directory = (await warehouses.ReadAsync(ct)).Directory;

        for (var round = 1; ; round++)
        {
            var now = clock.GetUtcNow();
            var stock = (await inventory.FindManyAsync(wanted, ct)).ToDictionary(s => s.Value.Sku, StringComparer.Ordinal);
            var held = wanted.ToDictionary(s => s, s => stock.TryGetValue(s, out var i) ? i.Value.HeldFor(reservationId, now) : new Dictionary<string, int>(), StringComparer.Ordinal);
            if (held.Values.All(h => h.Count > 0)) return FromHolds(held, directory, destination);
            // A step that died half-way holds some SKUs: give them back and allocate the whole order afresh.
            foreach (var sku in wanted.Where(s => held[s].Count > 0))
                await ChangeAsync(sku, stock[sku], item => item.Release(reservationId), ct);
            if (held.Values.Any(h => h.Count > 0)) continue;

            var (allocation, shortage) = WarehouseAllocator.Allocate(lines, country, destination, Candidates(directory, wanted, stock, now));
            if (shortage is not null)
            {
                var line = lines.FindIndex(l => l.Sku == shortage.Sku);
                throw new BusinessRuleViolationException(
                    shortage.Available == 0 ? $"{shortage.Sku} is sold out: no units are available." : $"Only {shortage.Available} of {shortage.Sku} {(shortage.Available == 1 ? "is" : "are")} available; {shortage.Wanted} were asked for.",
                    $"lines[{line}].quantity");
            }

            var reserved = new List<string>();
            try
            {
                foreach (var sku in wanted)
                {
                    var units = allocation!.UnitsOf(sku);
                    await ChangeAsync(sku, stock.GetValueOrDefault(sku), item => item.ReserveIn(reservationId, units, expiresAt, clock.GetUtcNow()), ct);
                    reserved.Add(sku);
                }
                return allocation!;
            }
            catch (Exception failure) when (failure is BusinessRuleViolationException or BusyResourceException)
            {
                // Another checkout took units of an allocated warehouse first. Give back what this round holds; try again.
                foreach (var done in reserved)
                {
                    try { await ChangeAsync(done, null, item => item.Release(reservationId), CancellationToken.None); }
                    catch (Exception) { /* the reservation on this SKU expires at expiresAt */ }
                }
                if (round >= MaximumRounds) throw failure is BusyResourceException ? failure : new BusyResourceException("Stock");
            }
        }
    }

    /// <summary>
    /// Where the order would ship from if it were reserved now, reserving nothing: checkout prices each parcel from its
    /// warehouse before the orchestration reserves. The reservation allocates again on the stock it then finds, so a
    /// parcel may leave from elsewhere when stock moved in between; the customer pays the fee quoted here.
    /// </summary>
    /// <remarks>Cosmos DB: one ReadMany of the SKUs' stock; the warehouse directory is the recent copy (no call when warm).</remarks>
    public async Task<AllocationPlan> PlanAsync(IReadOnlyList<ParcelItem> items, string country, GeoPoint? destination, CancellationToken ct)
    {
        var wanted = items.Select(i => i.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var directoryRead = warehouses.ReadRecentAsync(ct);
        var stock = (await inventory.FindManyAsync(wanted, ct)).ToDictionary(s => s.Value.Sku, StringComparer.Ordinal);
        var directory = await directoryRead;
        var (allocation, shortage) = WarehouseAllocator.Allocate(items, country, destination, Candidates(directory, wanted, stock, clock.GetUtcNow()));
        return new AllocationPlan(allocation, shortage, directory);
    }

    private static List<WarehouseCandidate> Candidates(
        WarehouseDirectory directory, IReadOnlyList<string> wanted, Dictionary<string, Versioned<StockItem>> stock, DateTimeOffset now) =>
        directory.Warehouses.Select(w => new WarehouseCandidate(w,
            wanted.ToDictionary(s => s, s => stock.TryGetValue(s, out var i) ? i.Value.AvailableIn(w.Id, now) : 0, StringComparer.Ordinal))).ToList();

    private static Allocation FromHolds(Dictionary<string, IReadOnlyDictionary<string, int>> held, WarehouseDirectory directory, GeoPoint? destination)
    {
        var parcels = held.SelectMany(h => h.Value.Select(w => (Warehouse: w.Key, Item: new ParcelItem(h.Key, w.Value))))
            .GroupBy(x => x.Warehouse, StringComparer.Ordinal)
            .Select(g =>
            {
                var location = directory.Find(g.Key)?.Location;
                double? distance = destination is { } to && to.IsOnTheGlobe() && location is { } from && from.IsOnTheGlobe() ? from.DistanceKmTo(to) : null;
                return new AllocatedParcel(g.Key, g.Select(x => x.Item).ToList(), distance);
            })
            .OrderBy(p => p.DistanceKm ?? double.MaxValue).ThenBy(p => p.WarehouseId, StringComparer.Ordinal)
            .ToList();
        return new Allocation(parcels);
    }

    private List<ParcelItem> Validate(string reservationId, IReadOnlyList<ParcelItem> items, DateTimeOffset expiresAt)
    {
        var now = clock.GetUtcNow();
        var v = new Validator();
        v.Check(Ids.IsWellFormed(reservationId), "reservationId", "must be 1 to 100 letters, digits, '_' or '-'.");
        v.Check(expiresAt > now, "expiresAt", "must be in the future.");
        v.Check(expiresAt <= now + ManageStock.MaximumReservationLifetime, "expiresAt", $"must be at most {ManageStock.MaximumReservationLifetime.TotalDays:0} days ahead.");
        var lines = new List<ParcelItem>();
        if (v.Required(items, "lines") && v.Check(items.Count is > 0 and <= ManageStock.MaximumReservationLines, "lines", $"must have 1 to {ManageStock.MaximumReservationLines} lines."))
            for (var i = 0; i < items.Count; i++)
            {
                var sku = items[i]?.Sku?.Trim().ToUpperInvariant();
                var skuOk = v.Check(ProductRules.IsValidSku(sku), $"lines[{i}].sku", "is not a valid SKU.");
                var quantityOk = v.Check(items[i] is { Quantity: >= 1 and <= StockItem.MaximumQuantity }, $"lines[{i}].quantity", $"must be from 1 to {StockItem.MaximumQuantity}.");
                if (skuOk && quantityOk) lines.Add(new ParcelItem(sku!, items[i].Quantity));
            }
        v.ThrowIfInvalid();
        foreach (var g in lines.GroupBy(l => l.Sku).Where(g => g.Sum(l => (long)l.Quantity) > StockItem.MaximumQuantity))
            v.Add($"lines[{lines.FindIndex(l => l.Sku == g.Key)}].quantity", $"{g.Key} is asked for more than {StockItem.MaximumQuantity} times in all.");
        v.ThrowIfInvalid();
        return lines;
    }

    // The first attempt writes on the version the ReadMany returned (no second read); a stale version reads again.
    private async Task ChangeAsync(string sku, Versioned<StockItem>? known, Func<StockItem, StockItem> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = attempt == 1 && known is not null ? known : await inventory.FindAsync(sku, ct);
            var before = current?.Value ?? StockItem.Empty(sku);
            var after = change(before);
            if (ReferenceEquals(after, before)) return;
            try
            {
                await inventory.SaveAsync(after.Pruned(clock.GetUtcNow()), current?.Version, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException($"Stock of {sku}");
            }
        }
    }
}

/// <summary>Where an order would ship from now (<see cref="Allocation"/>), or why it cannot (<see cref="Shortage"/>), and the warehouses it was planned over.</summary>
public sealed record AllocationPlan(Allocation? Allocation, AllocationShortage? Shortage, WarehouseDirectory Warehouses);
