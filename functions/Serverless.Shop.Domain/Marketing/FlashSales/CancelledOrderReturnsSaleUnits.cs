using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Marketing.FlashSales;

/// <summary>
/// A paid order cancelled by staff gives its flash sale units back to their sales (an <see cref="IOrderChangeReaction"/>
/// on <see cref="OrderChange.Cancelled"/>), as its stock and promotion uses go back (<see cref="CancelledOrderGivesBack"/>).
/// Releasing is idempotent by order, so a redelivered message, or a checkout whose compensation released them already,
/// gives nothing back twice. Unpaid orders are left to checkout, which compensates its own steps.
/// </summary>
public sealed class CancelledOrderReturnsSaleUnits(IFlashSaleHolds holds) : IOrderChangeReaction
{
    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (entry.Change != OrderChange.Cancelled || order.PaidAt is null) return;
        if (FlashSaleHolds.SaleLines(order).Count > 0) await holds.ReleaseAsync(order, ct);
    }
}
