using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders.Returns;

/// <summary>A cancelled paid order gives back its stock and its promotion uses, once (<see cref="CancelledOrderGivesBack"/>).</summary>
public sealed class CancelledOrderGivesBackTests
{
    private readonly OrderTestBed _bed = new();
    private readonly RecordingRedemptions _redemptions = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private ManageStock Stock => new(_bed.Stock, _bed.Warehouses, _bed.Queue, _bed.Clock);

    private CancelledOrderGivesBack Reaction => new(Stock, _redemptions);

    private async Task StockUpAsync(string sku, string warehouse, int quantity) =>
        await Stock.AdjustAsync(sku, new StockAdjustmentInput(warehouse, quantity, AdjustmentReason.Received, null), $"in-{sku}-{warehouse}", Support, Ct);

    private async Task<Order> CancelAsync(string number)
    {
        var cancelled = await _bed.Orders.CancelAsync(number, "Customer called", Support, Ct);
        return cancelled;
    }

    [Fact]
    public async Task A_cancelled_order_whose_sale_was_committed_gets_its_units_back_in_the_warehouses_they_left_once()
    {
        await StockUpAsync("MUG-BLUE", "main", 1);
        await StockUpAsync("MUG-BLUE", "east", 5);
        await StockUpAsync("TEE-M", "main", 3);
        var order = await _bed.InStatusAsync(OrderStatus.Processing);
        await Stock.ReserveAsync(order.Number, [new("MUG-BLUE", 2), new("TEE-M", 1)], _bed.Clock.Now.AddHours(1), Ct);
        await Stock.CommitAsync(order.Number, ["MUG-BLUE", "TEE-M"], Ct);
        var cancelled = await CancelAsync(order.Number);
        var entry = cancelled.History.Last(h => h.Change == OrderChange.Cancelled);

        await Reaction.ReactAsync(cancelled, entry, Ct);
        await Reaction.ReactAsync(cancelled, entry, Ct);

        var mugs = _bed.Stock.Current("MUG-BLUE")!.Value;
        (mugs.OnHandIn("main"), mugs.OnHandIn("east")).ShouldBe((1, 5));
        mugs.RecentAdjustments.Where(a => a.Reason == AdjustmentReason.Returned).Select(a => (a.Warehouse, a.Change)).ShouldBe([("main", 1), ("east", 1)]);
        _bed.Stock.Current("TEE-M")!.Value.OnHandIn("main").ShouldBe(3);
        _redemptions.Released.ShouldBe([(order.Number, "promo_spring"), (order.Number, "promo_spring")]);
    }

    [Fact]
    public async Task A_cancelled_order_whose_stock_was_only_reserved_releases_the_reservation()
    {
        await StockUpAsync("MUG-BLUE", "main", 2);
        await StockUpAsync("TEE-M", "main", 1);
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        await Stock.ReserveAsync(order.Number, [new("MUG-BLUE", 2), new("TEE-M", 1)], _bed.Clock.Now.AddHours(1), Ct);
        var cancelled = await CancelAsync(order.Number);

        await Reaction.ReactAsync(cancelled, cancelled.History.Last(h => h.Change == OrderChange.Cancelled), Ct);

        (await Stock.GetAvailableAsync(["MUG-BLUE", "TEE-M"], Ct)).ShouldBe(new Dictionary<string, int> { ["MUG-BLUE"] = 2, ["TEE-M"] = 1 });
        _bed.Stock.Current("MUG-BLUE")!.Value.OnHandIn("main").ShouldBe(2);
    }

    [Fact]
    public async Task An_unpaid_cancellation_and_other_changes_are_left_to_checkout()
    {
        var unpaid = await _bed.InStatusAsync(OrderStatus.Cancelled);
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);

        await Reaction.ReactAsync(unpaid, unpaid.History[^1], Ct);
        await Reaction.ReactAsync(paid, paid.History[^1], Ct);

        _bed.Stock.Saves.ShouldBe(0);
        _redemptions.Released.ShouldBeEmpty();
    }

    private sealed class RecordingRedemptions : IPromotionRedemptions
    {
        private readonly List<(string Order, string Promotion)> _released = [];
        public IReadOnlyList<(string Order, string Promotion)> Released { get { lock (_released) return [.. _released]; } }

        public Task HoldAsync(string orderId, string? customerId, IReadOnlyList<AppliedPromotion> promotions, CancellationToken ct) => Task.CompletedTask;

        public Task RedeemAsync(string orderId, IReadOnlyList<AppliedPromotion> promotions, CancellationToken ct) => Task.CompletedTask;

        public Task ReleaseAsync(string orderId, IReadOnlyList<AppliedPromotion> promotions, CancellationToken ct)
        {
            lock (_released) _released.AddRange(promotions.Select(p => (orderId, p.PromotionId)));
            return Task.CompletedTask;
        }
    }
}
