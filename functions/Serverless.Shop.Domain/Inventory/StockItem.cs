using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>Why stock changed. <see cref="TransferOut"/> and <see cref="TransferIn"/> are the two halves of a transfer between warehouses.</summary>
public enum AdjustmentReason { Received, Sold, Returned, Damaged, Lost, Correction, Count, TransferOut, TransferIn }

/// <summary>One change of stock, kept for ever as the audit trail: who, when, why, and what it left on hand.</summary>
public sealed record StockAdjustment(
    string Id, long Sequence, string Warehouse, int Change, AdjustmentReason Reason, string? Note,
    string Actor, DateTimeOffset At, int OnHandAfter);

/// <summary>Units set aside for a checkout until <see cref="ExpiresAt"/>; they count against what others can buy until then.</summary>
public sealed record StockReservation(string Id, int Quantity, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// The warehouse the units are held in (an allocated checkout: one entry per warehouse, all with the same id); null
    /// for a reservation of the SKU as a whole, committed from whichever warehouses have the units.
    /// </summary>
    public string? Warehouse { get; init; }

    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt > now;
}

/// <summary>A reservation that became a sale, remembered for a while so that a repeated commit (or reserve) changes nothing.</summary>
public sealed record CommittedReservation(string Id, DateTimeOffset At);

/// <summary>
/// The stock of one SKU in every warehouse. Quantities on hand never go below zero. The most recent adjustments travel
/// with the item (so an adjustment and its audit entry are written together, atomically); older ones are archived.
/// Reservations live in the same document, so reserving is one conditional write and two checkouts can never both
/// take the last unit.
/// </summary>
public sealed partial record StockItem(
    string Sku, IReadOnlyDictionary<string, int> OnHand, int LowStockThreshold,
    IReadOnlyList<StockAdjustment> RecentAdjustments, long LastSequence)
{
    public const int MaximumQuantity = 1_000_000;
    public const int RecentAdjustmentsKept = 50;

    /// <summary>
    /// How long an expired reservation is kept (not counted) so that a payment that arrives late can still commit it.
    /// After that it is forgotten, and committing it fails: its quantity is no longer known.
    /// </summary>
    public static readonly TimeSpan ExpiredReservationsKept = TimeSpan.FromHours(1);

    /// <summary>How long a commit is remembered, so that a repeated commit is recognised as done rather than unknown.</summary>
    public static readonly TimeSpan CommitsRemembered = TimeSpan.FromDays(1);

    /// <summary>Bounds the document: at most this many reservations (live and recently expired) and remembered commits.</summary>
    public const int MaximumReservations = 1_000;

    public const int MaximumCommitsRemembered = 500;

    public static StockItem Empty(string sku) => new(sku, new Dictionary<string, int>(), 0, [], 0);

    /// <summary>Live and recently expired reservations; only live ones count (<see cref="Reserved"/>).</summary>
    public IReadOnlyList<StockReservation> Reservations { get; init; } = [];

    /// <summary>Reservations turned into sales recently, newest last.</summary>
    public IReadOnlyList<CommittedReservation> CommittedReservations { get; init; } = [];

    public int TotalOnHand => OnHand.Values.Sum();

    public bool IsLow => LowStockThreshold > 0 && TotalOnHand < LowStockThreshold;

    public int OnHandIn(string warehouse) => OnHand.TryGetValue(warehouse, out var q) ? q : 0;

    public bool HasApplied(string adjustmentId) => RecentAdjustments.Any(a => a.Id == adjustmentId);

    /// <summary>Units held by reservations that have not expired at <paramref name="now"/>.</summary>
    public int Reserved(DateTimeOffset now) => Reservations.Where(r => r.IsLiveAt(now)).Sum(r => r.Quantity);

    /// <summary>Units a shopper can still buy: on hand minus live reservations, never below zero (stock removed by hand may leave fewer units than are reserved).</summary>
    public int Available(DateTimeOffset now) => Math.Max(0, TotalOnHand - Reserved(now));

    /// <summary>True when the reservation was committed (remembered, or its sale is still in the recent adjustments).</summary>
    public bool HasCommitted(string reservationId) =>
        CommittedReservations.Any(c => c.Id == reservationId) || RecentAdjustments.Any(a => a.Id.StartsWith(CommitAdjustmentPrefix(reservationId), StringComparison.Ordinal));

    /// <summary>
    /// Applies a change; a <see cref="AdjustmentReason.Count"/> sets the quantity instead of adding to it. Throws when the
    /// result would be negative. Applying the same adjustment id twice changes nothing (a retried request or message).
    /// Reservations do not limit adjustments: stock that is damaged or lost is gone, reserved or not.
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

    /// <summary>
    /// Sets <paramref name="quantity"/> units aside until <paramref name="expiresAt"/>. The same id again while it is live
    /// changes nothing (a retry), whatever the quantity; an expired one is renewed if the units are still there; a
    /// committed one is not reserved again. Throws <see cref="BusinessRuleViolationException"/> (field quantity) when
    /// fewer units are available.
    /// </summary>
    public StockItem Reserve(string reservationId, int quantity, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (quantity is < 1 or > MaximumQuantity)
            throw ValidationFailedException.For("quantity", $"must be from 1 to {MaximumQuantity}.");
        if (HasCommitted(reservationId)) return this;
        if (Reservations.Any(r => r.Id == reservationId && r.IsLiveAt(now))) return this;

        var others = Reservations.Where(r => r.Id != reservationId).ToList();
        var available = Math.Max(0, TotalOnHand - others.Where(r => r.IsLiveAt(now)).Sum(r => r.Quantity));
        if (quantity > available)
            throw new BusinessRuleViolationException(
                available == 0 ? $"{Sku} is sold out: no units are available." : $"Only {available} of {Sku} {(available == 1 ? "is" : "are")} available; {quantity} were asked for.",
                "quantity");

        var reserved = (this with { Reservations = [.. others, new StockReservation(reservationId, quantity, expiresAt)] }).Pruned(now);
        if (reserved.Reservations.Count(r => r.IsLiveAt(now)) > MaximumReservations)
            throw new BusyResourceException($"Stock of {Sku}");
        return reserved;
    }

    /// <summary>
    /// Undoes what a checkout took of this SKU for an order that was cancelled: a reservation still held is released; a
    /// committed one gets each of its Sold adjustments reversed by a Returned adjustment into the same warehouse, whose id
    /// is derived from the reservation id and the warehouse, so undoing again changes nothing (<see cref="Apply"/>).
    /// A sale whose adjustments were archived already (more than <see cref="RecentAdjustmentsKept"/> later changes) is not found.
    /// </summary>
    public StockItem UndoSale(string reservationId, string actor, DateTimeOffset now)
    {
        var item = Release(reservationId);
        foreach (var sold in RecentAdjustments.Where(a => a.Id.StartsWith(CommitAdjustmentPrefix(reservationId), StringComparison.Ordinal) && a.Change < 0))
            item = item.Apply($"{reservationId}:unsold:{sold.Warehouse}", sold.Warehouse, -sold.Change, AdjustmentReason.Returned,
                $"Order {reservationId} was cancelled: its sale is undone", actor, now);
        return item;
    }

    /// <summary>Gives the units back. Releasing a reservation that is not there (released, committed, long expired) changes nothing.</summary>
    public StockItem Release(string reservationId) =>
        Reservations.Any(r => r.Id == reservationId) ? this with { Reservations = Reservations.Where(r => r.Id != reservationId).ToList() } : this;

    /// <summary>
    /// Turns the reservation into a sale: a <see cref="AdjustmentReason.Sold"/> adjustment per warehouse it takes units
    /// from (the default warehouse first, then the others by name), with ids derived from the reservation id. Committing
    /// again changes nothing. A reservation that expired not long ago (<see cref="ExpiredReservationsKept"/>) is still
    /// committed when its units were not reserved by others meanwhile: a paid order does not fail because a timer ran late.
    /// </summary>
    /// <exception cref="BusinessRuleViolationException">
    /// Field reservationId when the reservation is unknown (released, or expired and forgotten); field quantity when its
    /// units are no longer there (removed by hand, or taken by others after it expired).
    /// </exception>
    public StockItem Commit(string reservationId, string actor, DateTimeOffset now)
    {
        if (HasCommitted(reservationId)) return this;
        if (Reservations.Any(r => r.Id == reservationId && r.Warehouse is not null)) return CommitInWarehouses(reservationId, actor, now);
        var reservation = Reservations.FirstOrDefault(r => r.Id == reservationId)
            ?? throw new BusinessRuleViolationException(
                $"{Sku} has no reservation '{reservationId}' to commit: it was released, or it expired more than {ExpiredReservationsKept.TotalMinutes:0} minutes ago.", "reservationId");

        var heldByOthers = Reservations.Where(r => r.Id != reservationId && r.IsLiveAt(now)).Sum(r => r.Quantity);
        var sellable = reservation.IsLiveAt(now) ? TotalOnHand : TotalOnHand - heldByOthers;
        if (reservation.Quantity > sellable)
            throw new BusinessRuleViolationException(
                $"Reservation '{reservationId}' is for {reservation.Quantity} of {Sku}, but only {Math.Max(0, sellable)} can be sold now.", "quantity");

        var item = this;
        var remaining = reservation.Quantity;
        foreach (var warehouse in OnHand.Keys.Where(w => OnHandIn(w) > 0).OrderBy(w => w == ManageStock.DefaultWarehouse ? 0 : 1).ThenBy(w => w, StringComparer.Ordinal))
        {
            var take = Math.Min(remaining, OnHandIn(warehouse));
            item = item.Apply(CommitAdjustmentPrefix(reservationId) + warehouse, warehouse, -take, AdjustmentReason.Sold, $"Reservation {reservationId}", actor, now);
            remaining -= take;
            if (remaining == 0) break;
        }

        return (item with
        {
            Reservations = Reservations.Where(r => r.Id != reservationId).ToList(),
            CommittedReservations = [.. CommittedReservations, new CommittedReservation(reservationId, now)],
        }).Pruned(now);
    }

    /// <summary>
    /// Forgets what no longer matters, so the document stays bounded: reservations expired longer than
    /// <see cref="ExpiredReservationsKept"/> ago (and the oldest expired ones beyond <see cref="MaximumReservations"/>), and
    /// commits older than <see cref="CommitsRemembered"/> or beyond <see cref="MaximumCommitsRemembered"/>. Returns this
    /// same instance when there is nothing to forget.
    /// </summary>
    public StockItem Pruned(DateTimeOffset now)
    {
        var reservations = Reservations.Where(r => r.ExpiresAt + ExpiredReservationsKept > now).ToList();
        var excess = reservations.Count - MaximumReservations;
        if (excess > 0)
        {
            var dropped = reservations.Where(r => !r.IsLiveAt(now)).OrderBy(r => r.ExpiresAt).Take(excess).ToHashSet();
            reservations = reservations.Where(r => !dropped.Contains(r)).ToList();
        }
        var commits = CommittedReservations.Where(c => c.At + CommitsRemembered > now).ToList();
        if (commits.Count > MaximumCommitsRemembered) commits = commits.Skip(commits.Count - MaximumCommitsRemembered).ToList();

        return reservations.Count == Reservations.Count && commits.Count == CommittedReservations.Count
            ? this
            : this with { Reservations = reservations, CommittedReservations = commits };
    }

    /// <summary>True when this change took the SKU from at-or-above its threshold to below it: the moment to alert, once.</summary>
    public static bool CrossedIntoLowStock(StockItem before, StockItem after) =>
        after.LowStockThreshold > 0 && after.TotalOnHand < after.LowStockThreshold && before.TotalOnHand >= after.LowStockThreshold;

    private static string CommitAdjustmentPrefix(string reservationId) => $"{reservationId}:sold:";
}

/// <summary>A SKU's stock as staff see it: the levels, what live reservations hold, and what shoppers can still buy.</summary>
public sealed record StockLevel(
    string Sku, IReadOnlyDictionary<string, int> OnHand, int TotalOnHand, int Reserved, int Available, int LowStockThreshold, bool IsLow,
    IReadOnlyList<StockReservation> Reservations, IReadOnlyList<StockAdjustment> RecentAdjustments, long LastSequence)
{
    /// <summary>Bin codes per warehouse id, where recorded.</summary>
    public IReadOnlyDictionary<string, string> Bins { get; init; } = new Dictionary<string, string>();

    /// <summary>Units dispatched from one warehouse to another and not yet received: on hand in neither.</summary>
    public IReadOnlyList<StockInTransit> InTransit { get; init; } = [];

    /// <summary>Low-stock thresholds per warehouse id, where set.</summary>
    public IReadOnlyDictionary<string, int> WarehouseThresholds { get; init; } = new Dictionary<string, int>();

    public static StockLevel Of(StockItem item, DateTimeOffset now) => new(
        item.Sku, item.OnHand, item.TotalOnHand, item.Reserved(now), item.Available(now), item.LowStockThreshold, item.IsLow,
        item.Reservations.Where(r => r.IsLiveAt(now)).OrderBy(r => r.ExpiresAt).ToList(), item.RecentAdjustments, item.LastSequence)
    { Bins = item.Bins, InTransit = item.InTransit, WarehouseThresholds = item.WarehouseThresholds };
}

public sealed record StockAdjustmentInput(string? Warehouse, int? Quantity, AdjustmentReason? Reason, string? Note);

/// <summary>A threshold for the SKU as a whole, or, with <see cref="Warehouse"/>, for that warehouse alone (0 turns it off).</summary>
public sealed record LowStockThresholdInput(int? Threshold, string? Warehouse = null);

/// <summary>
/// Raised when a SKU falls below its threshold; the low-stock-alerts queue function tells the merchandisers. With
/// <see cref="Warehouse"/>, one warehouse fell below its own threshold (<see cref="Threshold"/>), whatever the total.
/// </summary>
public sealed record LowStockAlert(string Sku, int TotalOnHand, int Threshold, DateTimeOffset At)
{
    /// <summary>The warehouse that ran low; null when the total did.</summary>
    public string? Warehouse { get; init; }

    /// <summary>Units on hand in <see cref="Warehouse"/>; null when the total ran low.</summary>
    public int? WarehouseOnHand { get; init; }
}

/// <summary>Where stock lives. <see cref="SaveAsync"/> is optimistic: it throws <see cref="StaleVersionException"/> if the item changed.</summary>
public interface IInventoryStore
{
    Task<Versioned<StockItem>?> FindAsync(string sku, CancellationToken ct);
    Task<IReadOnlyList<Versioned<StockItem>>> FindManyAsync(IReadOnlyCollection<string> skus, CancellationToken ct);

    /// <param name="expectedVersion">Null to create the item (fails with <see cref="StaleVersionException"/> if it now exists).</param>
    Task<string> SaveAsync(StockItem item, string? expectedVersion, CancellationToken ct);

    /// <summary>Every warehouse name any stock document holds a level for (the migration to warehouse entities reads them).</summary>
    Task<IReadOnlyList<string>> ListWarehouseNamesAsync(CancellationToken ct);

    /// <summary>
    /// Every SKU's stock, a page at a time, in the store's order (reports only: a cross-partition query, never a
    /// storefront read). A token from the previous page continues it; a token the store did not issue is a validation
    /// failure on <c>continuationToken</c>.
    /// </summary>
    Task<Page<StockItem>> ListAsync(PageRequest page, CancellationToken ct);

    /// <summary>Every adjustment of the SKU, newest first, including archived ones.</summary>
    Task<Page<StockAdjustment>> ListAdjustmentsAsync(string sku, PageRequest page, CancellationToken ct);
}
