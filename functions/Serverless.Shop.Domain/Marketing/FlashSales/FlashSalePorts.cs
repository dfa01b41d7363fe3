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
/// </summary>
public sealed record FlashSaleHold(
    string SaleId, string OrderId, IReadOnlyList<string> BuyerKeys, IReadOnlyList<FlashSaleHoldLine> Lines, FlashSaleHoldState State, DateTimeOffset ChangedAt)
{
    public int Units => Lines.Sum(l => l.Quantity);
}

/// <summary>
/// Flash sales, their counters and their per-order hold records. Counters change atomically on the store's side
/// (a conditional increment), so any number of checkouts at once never take more than a limit.
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
    /// Adds <paramref name="units"/> to the counter if it stays at or below <paramref name="limit"/>, atomically; false
    /// (and nothing changed) when it would go over.
    /// </summary>
    /// <returns>Whether the units were taken, and the counter's value after.</returns>
    Task<(bool Taken, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, CancellationToken ct);

    /// <summary>Takes <paramref name="units"/> off the counter, never below zero.</summary>
    /// <returns>The counter's value after (0 when it was never counted).</returns>
    Task<int> GiveBackAsync(string saleId, SaleCounter counter, int units, CancellationToken ct);

    /// <summary>The counters' current values in one call (0 for a counter never used).</summary>
    Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct);

    Task<Versioned<FlashSaleHold>?> FindHoldAsync(string saleId, string orderId, CancellationToken ct);

    /// <summary>Creates the record (<paramref name="expectedVersion"/> null) or replaces it at that version; <see cref="StaleVersionException"/> when another writer was first.</summary>
    Task<string> SaveHoldAsync(FlashSaleHold hold, string? expectedVersion, CancellationToken ct);

    /// <summary>Every hold record of the sale (its results).</summary>
    Task<IReadOnlyList<FlashSaleHold>> ListHoldsAsync(string saleId, CancellationToken ct);
}
