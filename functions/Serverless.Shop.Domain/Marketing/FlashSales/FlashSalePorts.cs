using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

/// <summary>
/// A counter of one sale: units of a variant taken by checkouts (<see cref="Sold"/>, capped by the item's cap) or units
/// one buyer took across the sale (<see cref="Buyer"/>, capped by the per-customer limit). Held and sold units both count.
/// </summary>
public sealed record SaleCounter(string Name)
{
    public static SaleCounter Sold(string sku) => new("sold:" + sku.ToUpperInvariant());

    /// <param name="buyerKey">A pseudonymous key of the buyer (<see cref="FlashSaleHolds"/>: a hash of the customer id, or the email's blind index).</param>
    public static SaleCounter Buyer(string buyerKey) => new("buyer:" + buyerKey);
}

public enum FlashSaleHoldState { Held, Committed, Released }

/// <summary>The units of one sale variant an order holds, at the price the order was charged for each.</summary>
public sealed record FlashSaleHoldLine(string Sku, int Quantity, Money Total);

/// <summary>
/// One order's units of one sale: the record that makes holding, committing and releasing idempotent by order number.
/// <see cref="BuyerKeys"/> are the buyer counters the hold took from, so a release gives back exactly what was taken.
/// <para>
/// A released record carries what a retry needs to repeat its give-back without making it twice: <see cref="ChangeKey"/>,
/// the give-back's change key, and <see cref="CoveredFrom"/>, the instant (less the clocks' margin) before which the
/// give-back cannot have happened. Records released before change keys existed have neither; their units were given
/// back by the old code and are not given back again.
/// </para>
/// </summary>
public sealed record FlashSaleHold(
    string SaleId, string OrderId, IReadOnlyList<string> BuyerKeys, IReadOnlyList<FlashSaleHoldLine> Lines, FlashSaleHoldState State, DateTimeOffset ChangedAt,
    string? ChangeKey = null, DateTimeOffset? CoveredFrom = null)
{
    public int Units => Lines.Sum(l => l.Quantity);
}

/// <summary>
/// Flash sales, their counters and their per-order hold records. Counters change atomically on the store's side
/// (a conditional increment), so any number of checkouts at once never take more than a limit. Every counter change
/// carries a change key (<see cref="ChangeKeys"/>), and each counter remembers the keys of its recent changes in a
/// bounded journal together with the instant from which the journal is complete, as promotion usage counters do.
/// </summary>
public interface IFlashSaleStore
{
    Task<Versioned<FlashSale>?> FindAsync(string id, CancellationToken ct);

    /// <summary>Sales, the latest start first.</summary>
    Task<Page<FlashSale>> ListAsync(PageRequest page, CancellationToken ct);

    /// <returns>The new version.</returns>
    Task<string> CreateAsync(FlashSale sale, CancellationToken ct);

    /// <summary>Replaces the sale if it is still at <paramref name="expectedVersion"/>, else throws <see cref="StaleVersionException"/>.</summary>
    Task<string> ReplaceAsync(FlashSale sale, string expectedVersion, CancellationToken ct);

    /// <summary>Removes a sale that never went on sale (a create whose products could not take it). Missing: nothing happens.</summary>
    Task DeleteAsync(string id, CancellationToken ct);

    /// <summary>
    /// Adds <paramref name="units"/> to the counter under <paramref name="changeKey"/> if it stays at or below
    /// <paramref name="limit"/> and the counter's journal does not hold the key, atomically. A key the counter applied
    /// before is not applied again (<see cref="CounterChange.AlreadyApplied"/>: a hold retried after a crash).
    /// </summary>
    /// <returns>What happened, and the counter's value after.</returns>
    Task<(CounterChange Change, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, string changeKey, CancellationToken ct);

    /// <summary>
    /// Takes <paramref name="units"/> off the counter under <paramref name="changeKey"/>, never below zero, only when the
    /// journal does not hold the key and is complete from <paramref name="coveredFrom"/>; otherwise nothing changes (given
    /// back already, nothing counted, or the journal no longer reaches back far enough to know: the units stay taken,
    /// the sale sells fewer, never more than its cap).
    /// </summary>
    /// <returns>What happened, and the counter's value after (0 when it was never counted).</returns>
    Task<(CounterChange Change, int Value)> GiveBackAsync(string saleId, SaleCounter counter, int units, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct);

    /// <summary>The counters' current values in one call (0 for a counter never used).</summary>
    Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct);

    Task<Versioned<FlashSaleHold>?> FindHoldAsync(string saleId, string orderId, CancellationToken ct);

    /// <summary>Creates the record (<paramref name="expectedVersion"/> null) or replaces it at that version; <see cref="StaleVersionException"/> when another writer was first.</summary>
    Task<string> SaveHoldAsync(FlashSaleHold hold, string? expectedVersion, CancellationToken ct);

    /// <summary>Every hold record of the sale (its results).</summary>
    Task<IReadOnlyList<FlashSaleHold>> ListHoldsAsync(string saleId, CancellationToken ct);
}
