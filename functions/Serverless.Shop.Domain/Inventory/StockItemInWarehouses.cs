using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>A SKU's stock per warehouse: bins, and reservations held in (and committed from) the warehouses an order was allocated to.</summary>
public sealed partial record StockItem
{
    /// <summary>Where the SKU is shelved in each warehouse that has a bin recorded (warehouse id to bin code).</summary>
    public IReadOnlyDictionary<string, string> Bins { get; init; } = new Dictionary<string, string>();

    /// <summary>The same item with <paramref name="bin"/> recorded for <paramref name="warehouse"/> (null clears it); this instance when nothing changes.</summary>
    public StockItem WithBin(string warehouse, string? bin)
    {
        if (Bins.GetValueOrDefault(warehouse) == bin) return this;
        var bins = new Dictionary<string, string>(Bins);
        if (bin is null) bins.Remove(warehouse); else bins[warehouse] = bin;
        return this with { Bins = bins };
    }

    /// <summary>Units live reservations hold in <paramref name="warehouse"/> (reservations of the SKU as a whole are not counted here).</summary>
    public int ReservedIn(string warehouse, DateTimeOffset now) => Reservations.Where(r => r.Warehouse == warehouse && r.IsLiveAt(now)).Sum(r => r.Quantity);

    /// <summary>
    /// Units a checkout can still reserve in <paramref name="warehouse"/>: its stock less what is held there, and never more
    /// than the SKU has available as a whole (which also counts reservations not tied to a warehouse).
    /// </summary>
    public int AvailableIn(string warehouse, DateTimeOffset now) => Math.Max(0, Math.Min(OnHandIn(warehouse) - ReservedIn(warehouse, now), Available(now)));

    /// <summary>
    /// Sets units aside in the named warehouses, all under one reservation id, in this one write (so a split line is held
    /// whole or not at all). A live reservation with this id already there makes it a repeat that changes nothing. Throws
    /// <see cref="BusinessRuleViolationException"/> (field quantity) when a warehouse, or the SKU as a whole, has too few.
    /// </summary>
    public StockItem ReserveIn(string reservationId, IReadOnlyDictionary<string, int> unitsByWarehouse, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (unitsByWarehouse.Count == 0 || unitsByWarehouse.Values.Any(q => q is < 1 or > MaximumQuantity))
            throw ValidationFailedException.For("quantity", $"must be from 1 to {MaximumQuantity} in each warehouse.");
        if (HasCommitted(reservationId)) return this;
        if (Reservations.Any(r => r.Id == reservationId && r.IsLiveAt(now))) return this;

        var others = (this with { Reservations = Reservations.Where(r => r.Id != reservationId).ToList() });
        foreach (var (warehouse, quantity) in unitsByWarehouse.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            var available = others.AvailableIn(warehouse, now);
            if (quantity > available)
                throw new BusinessRuleViolationException(
                    available == 0 ? $"{Sku} is sold out in warehouse {warehouse}." : $"Only {available} of {Sku} {(available == 1 ? "is" : "are")} available in warehouse {warehouse}; {quantity} were asked for.",
                    "quantity");
        }
        var total = unitsByWarehouse.Values.Sum(q => (long)q);
        if (total > others.Available(now))
            throw new BusinessRuleViolationException($"Only {others.Available(now)} of {Sku} are available; {total} were asked for.", "quantity");

        var held = unitsByWarehouse.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => new StockReservation(reservationId, u.Value, expiresAt) { Warehouse = u.Key });
        var reserved = (this with { Reservations = [.. others.Reservations, .. held] }).Pruned(now);
        if (reserved.Reservations.Count(r => r.IsLiveAt(now)) > MaximumReservations)
            throw new BusyResourceException($"Stock of {Sku}");
        return reserved;
    }

    /// <summary>The units a live reservation holds per warehouse (empty when it is not there or not tied to warehouses).</summary>
    public IReadOnlyDictionary<string, int> HeldFor(string reservationId, DateTimeOffset now) => Reservations
        .Where(r => r.Id == reservationId && r.Warehouse is not null && r.IsLiveAt(now))
        .ToDictionary(r => r.Warehouse!, r => r.Quantity, StringComparer.Ordinal);

    // An allocated reservation sells from the warehouses it was held in: the parcels leave from there.
    private StockItem CommitInWarehouses(string reservationId, string actor, DateTimeOffset now)
    {
        var entries = Reservations.Where(r => r.Id == reservationId).ToList();
        var others = this with { Reservations = Reservations.Where(r => r.Id != reservationId).ToList() };
        var item = this;
        foreach (var entry in entries.OrderBy(e => e.Warehouse, StringComparer.Ordinal))
        {
            var warehouse = entry.Warehouse!;
            // Live: the units were held, only a removal by hand can have taken them. Expired: others may have reserved them since.
            var sellable = entry.IsLiveAt(now) ? OnHandIn(warehouse) : Math.Min(OnHandIn(warehouse) - others.ReservedIn(warehouse, now), others.Available(now));
            if (entry.Quantity > sellable)
                throw new BusinessRuleViolationException(
                    $"Reservation '{reservationId}' is for {entry.Quantity} of {Sku} in warehouse {warehouse}, but only {Math.Max(0, sellable)} can be sold now.", "quantity");
            item = item.Apply(CommitAdjustmentPrefix(reservationId) + warehouse, warehouse, -entry.Quantity, AdjustmentReason.Sold, $"Reservation {reservationId}", actor, now);
        }
        return (item with
        {
            Reservations = Reservations.Where(r => r.Id != reservationId).ToList(),
            CommittedReservations = [.. CommittedReservations, new CommittedReservation(reservationId, now)],
        }).Pruned(now);
    }
}
