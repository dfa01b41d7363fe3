using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

public sealed class StockItemTests
{
    private const string Sku = "MUG-RED";
    private static readonly DateTimeOffset At = FixedClock.Instant;
    private int _nextAdjustment;

    private StockItem Apply(StockItem item, int quantity, AdjustmentReason reason = AdjustmentReason.Received, string warehouse = "main") =>
        item.Apply($"adj_{++_nextAdjustment}", warehouse, quantity, reason, null, "user_merch", At);

    private StockItem WithStock(int quantity, int threshold = 0, string warehouse = "main") =>
        Apply(StockItem.Empty(Sku), quantity, warehouse: warehouse) with { LowStockThreshold = threshold };

    [Fact]
    public void An_item_nobody_has_counted_has_nothing_on_hand()
    {
        var item = StockItem.Empty(Sku);

        item.TotalOnHand.ShouldBe(0);
        item.OnHandIn("main").ShouldBe(0);
        item.RecentAdjustments.ShouldBeEmpty();
        item.LastSequence.ShouldBe(0);
    }

    [Fact]
    public void Receiving_stock_adds_to_what_the_warehouse_has()
    {
        var item = Apply(WithStock(10), 5, AdjustmentReason.Received);

        item.OnHandIn("main").ShouldBe(15);
    }

    [Fact]
    public void Selling_stock_takes_it_away()
    {
        var item = Apply(WithStock(10), -3, AdjustmentReason.Sold);

        item.OnHandIn("main").ShouldBe(7);
    }

    [Fact]
    public void The_last_unit_may_be_sold()
    {
        Apply(WithStock(3), -3, AdjustmentReason.Sold).OnHandIn("main").ShouldBe(0);
    }

    [Fact]
    public void Stock_never_goes_below_zero()
    {
        var item = WithStock(3);

        var refusal = Should.Throw<BusinessRuleViolationException>(() => Apply(item, -4, AdjustmentReason.Sold));

        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("would leave -1");
        item.OnHandIn("main").ShouldBe(3);
    }

    [Fact]
    public void Stock_in_one_warehouse_cannot_cover_a_removal_in_another()
    {
        var item = WithStock(10, warehouse: "main");

        Should.Throw<BusinessRuleViolationException>(() => Apply(item, -1, AdjustmentReason.Sold, warehouse: "berlin")).Field.ShouldBe("quantity");
    }

    [Fact]
    public void Each_warehouse_keeps_its_own_count_and_the_total_adds_them_up()
    {
        var item = Apply(WithStock(10, warehouse: "main"), 4, warehouse: "berlin");

        item.OnHandIn("main").ShouldBe(10);
        item.OnHandIn("berlin").ShouldBe(4);
        item.TotalOnHand.ShouldBe(14);
    }

    [Fact]
    public void A_count_sets_the_quantity_instead_of_adding_to_it()
    {
        var item = Apply(WithStock(10), 7, AdjustmentReason.Count);

        item.OnHandIn("main").ShouldBe(7);
        item.RecentAdjustments[^1].Change.ShouldBe(-3);
        item.RecentAdjustments[^1].OnHandAfter.ShouldBe(7);
    }

    [Fact]
    public void A_count_of_zero_empties_the_warehouse()
    {
        Apply(WithStock(10), 0, AdjustmentReason.Count).OnHandIn("main").ShouldBe(0);
    }

    [Fact]
    public void A_warehouse_never_holds_more_than_a_million_units()
    {
        var item = WithStock(StockItem.MaximumQuantity);

        Should.Throw<ValidationFailedException>(() => Apply(item, 1)).ShouldReport("quantity", "at most 1000000");
    }

    [Fact]
    public void Every_change_is_recorded_with_who_when_why_and_what_it_left()
    {
        var item = StockItem.Empty(Sku).Apply("adj_delivery", "main", 12, AdjustmentReason.Received, "PO 4711", "user_merch", At);

        item.RecentAdjustments.ShouldBe([new StockAdjustment("adj_delivery", 1, "main", 12, AdjustmentReason.Received, "PO 4711", "user_merch", At, 12)]);
    }

    [Fact]
    public void Sequence_numbers_increase_with_every_change()
    {
        var item = Apply(Apply(Apply(StockItem.Empty(Sku), 10), -2, AdjustmentReason.Sold), 1, AdjustmentReason.Returned);

        item.RecentAdjustments.Select(a => a.Sequence).ShouldBe([1L, 2L, 3L]);
        item.LastSequence.ShouldBe(3);
    }

    [Fact]
    public void The_same_adjustment_applied_twice_changes_nothing()
    {
        var once = StockItem.Empty(Sku).Apply("adj_1", "main", 10, AdjustmentReason.Received, null, "user_merch", At);

        var twice = once.Apply("adj_1", "main", 10, AdjustmentReason.Received, null, "user_merch", At);

        twice.ShouldBeSameAs(once);
        twice.OnHandIn("main").ShouldBe(10);
        twice.LastSequence.ShouldBe(1);
    }

    [Fact]
    public void A_repeated_adjustment_id_is_recognised_even_if_it_would_now_be_refused()
    {
        var sold = WithStock(2).Apply("adj_sale", "main", -2, AdjustmentReason.Sold, null, "user_merch", At);

        Should.NotThrow(() => sold.Apply("adj_sale", "main", -2, AdjustmentReason.Sold, null, "user_merch", At)).ShouldBeSameAs(sold);
    }

    [Theory]
    [InlineData(10, 9, true)]
    [InlineData(25, 0, true)]
    [InlineData(12, 10, false)]
    [InlineData(9, 8, false)]
    [InlineData(8, 12, false)]
    [InlineData(10, 10, false)]
    public void Stock_crosses_into_low_only_on_the_change_that_takes_it_below_the_threshold(int before, int after, bool crossed)
    {
        var was = WithStock(before, threshold: 10);
        var now = Apply(was, after, AdjustmentReason.Count);

        StockItem.CrossedIntoLowStock(was, now).ShouldBe(crossed);
    }

    [Fact]
    public void Without_a_threshold_stock_never_runs_low()
    {
        var was = WithStock(5, threshold: 0);
        var now = Apply(was, 0, AdjustmentReason.Count);

        StockItem.CrossedIntoLowStock(was, now).ShouldBeFalse();
        now.IsLow.ShouldBeFalse();
    }

    [Fact]
    public void Stock_below_its_threshold_is_low_and_at_the_threshold_is_not()
    {
        WithStock(9, threshold: 10).IsLow.ShouldBeTrue();
        WithStock(10, threshold: 10).IsLow.ShouldBeFalse();
    }
}
