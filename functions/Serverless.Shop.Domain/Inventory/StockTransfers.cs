using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Inventory;

/// <summary>Units on their way from one warehouse to another: taken off <see cref="From"/> when dispatched, added to <see cref="To"/> when received.</summary>
public sealed record StockInTransit(string TransferId, string From, string To, int Quantity, DateTimeOffset DispatchedAt, string Actor, string? Note);

public sealed record StockTransferInput(string? From, string? To, int? Quantity, string? Note);

/// <summary>A dispatched transfer's id (to receive it with) and the SKU's stock after it.</summary>
public sealed record StockTransferResult(string TransferId, StockLevel Stock);

/// <summary>A SKU's transfers between warehouses, in the same document as its levels, so each half is one atomic write with its audit entry.</summary>
public sealed partial record StockItem
{
    public IReadOnlyList<StockInTransit> InTransit { get; init; } = [];

    /// <summary>Units on their way to <paramref name="warehouse"/>.</summary>
    public int InTransitTo(string warehouse) => InTransit.Where(t => t.To == warehouse).Sum(t => t.Quantity);

    /// <summary>
    /// Takes <paramref name="quantity"/> units off <paramref name="from"/> (a <see cref="AdjustmentReason.TransferOut"/>)
    /// and puts them in transit to <paramref name="to"/>: counted in neither warehouse until received. Units held for
    /// checkouts cannot leave. The same transfer id again changes nothing.
    /// </summary>
    /// <exception cref="BusinessRuleViolationException">Field quantity: <paramref name="from"/> has fewer units that are not reserved.</exception>
    public StockItem Dispatch(string transferId, string from, string to, int quantity, string? note, string actor, DateTimeOffset now)
    {
        if (InTransit.Any(t => t.TransferId == transferId) || HasApplied(TransferOutId(transferId))) return this;
        var free = AvailableIn(from, now);
        if (quantity > free)
            throw new BusinessRuleViolationException(
                $"{Sku} has {OnHandIn(from)} on hand in {from}, {ReservedIn(from, now)} of them held for checkouts; {free} can be transferred, not {quantity}.", "quantity");
        var dispatched = Apply(TransferOutId(transferId), from, -quantity, AdjustmentReason.TransferOut, note ?? $"Transfer {transferId} to {to}", actor, now);
        return dispatched with { InTransit = [.. InTransit, new StockInTransit(transferId, from, to, quantity, now, actor, note)] };
    }

    /// <summary>
    /// Adds a transfer's units to its destination (a <see cref="AdjustmentReason.TransferIn"/>). Receiving it again
    /// changes nothing. A difference between what was sent and what arrived is booked afterwards with a count.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">No such transfer is in transit (never dispatched, or received long ago).</exception>
    public StockItem Receive(string transferId, string actor, DateTimeOffset now)
    {
        if (HasApplied(TransferInId(transferId))) return this;
        var transfer = InTransit.FirstOrDefault(t => t.TransferId == transferId) ?? throw new ResourceNotFoundException("Transfer", transferId);
        var received = Apply(TransferInId(transferId), transfer.To, transfer.Quantity, AdjustmentReason.TransferIn, transfer.Note ?? $"Transfer {transferId} from {transfer.From}", actor, now);
        return received with { InTransit = InTransit.Where(t => t.TransferId != transferId).ToList() };
    }

    private static string TransferOutId(string transferId) => transferId + ":out";

    private static string TransferInId(string transferId) => transferId + ":in";
}

/// <summary>Transfers between warehouses (docs/shipping.md#warehouses-and-stock): dispatch, then receive.</summary>
public sealed class TransferStock(ManageStock stock, IWarehouseStore warehouses, TimeProvider clock)
{
    /// <summary>
    /// Dispatches units from one warehouse to another. Both must exist, the destination be active and differ from the
    /// source. Cosmos DB: one read of the warehouse directory, one read and one write of the SKU's stock.
    /// </summary>
    public async Task<Versioned<StockItem>> DispatchAsync(string sku, StockTransferInput input, string transferId, Actor actor, CancellationToken ct)
    {
        sku = ManageStock.RequireSku(sku);
        var v = new Validator();
        var from = input?.From?.Trim().ToLowerInvariant();
        var to = input?.To?.Trim().ToLowerInvariant();
        v.Required(from, "from");
        if (v.Required(to, "to") && from is not null) v.Check(from != to, "to", "must be another warehouse than from.");
        if (v.Required(input?.Quantity, "quantity")) v.Check(input!.Quantity is >= 1 and <= StockItem.MaximumQuantity, "quantity", $"must be from 1 to {StockItem.MaximumQuantity}.");
        v.MaxLength(input?.Note, 500, "note");
        v.ThrowIfInvalid();
        var directory = (await warehouses.ReadAsync(ct)).Directory;
        if (directory.Find(from!) is null) throw ValidationFailedException.For("from", $"There is no warehouse '{from}'.");
        ManageWarehouses.RequireActive(directory, to!, "to");

        return await stock.ChangeAsync(sku, i => i.Dispatch(transferId, from!, to!, input!.Quantity!.Value, input.Note, actor.Id, clock.GetUtcNow()), ct);
    }

    /// <summary>Receives a transfer into its destination. Cosmos DB: one read and one write of the SKU's stock.</summary>
    public async Task<Versioned<StockItem>> ReceiveAsync(string sku, string transferId, Actor actor, CancellationToken ct)
    {
        sku = ManageStock.RequireSku(sku);
        if (!Ids.IsWellFormed(transferId)) throw new ResourceNotFoundException("Transfer", transferId);
        return await stock.ChangeAsync(sku, i => i.Receive(transferId, actor.Id, clock.GetUtcNow()), ct);
    }
}
