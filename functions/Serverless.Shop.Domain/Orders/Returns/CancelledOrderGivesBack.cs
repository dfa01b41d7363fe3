using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// What a cancelled paid order gives back besides its money (an <see cref="IOrderChangeReaction"/> on
/// <see cref="OrderChange.Cancelled"/>, run by <see cref="NotifyOrderChange"/>): the stock its checkout reserved or sold
/// (<see cref="ManageStock.UndoSaleAsync"/>) and its promotion uses (<see cref="IPromotionRedemptions.ReleaseAsync"/>).
/// Loyalty points spent on it are the points ledger's own reaction. Both calls are idempotent, so a redelivered
/// message, or a checkout whose compensation already released the same reservation and uses, gives nothing back twice.
/// Unpaid orders are left to checkout: a checkout that fails compensates its own steps. Tests: CancelledOrderGivesBackTests.
/// </summary>
public sealed class CancelledOrderGivesBack(ManageStock stock, IPromotionRedemptions redemptions) : IOrderChangeReaction
{
    public static readonly Actor Actor = Actor.System("cancellation");

    public async Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct)
    {
        if (entry.Change != OrderChange.Cancelled || order.PaidAt is null) return;
        var skus = order.Pricing.Lines.Select(l => l.Sku).Distinct().ToList();
        if (skus.Count > 0) await stock.UndoSaleAsync(order.Number, skus, Actor, ct);
        var promotions = PointsDiscount.WithoutPoints(order.Pricing.Promotions);
        if (promotions.Count > 0) await redemptions.ReleaseAsync(order.Number, promotions, ct);
    }
}
