using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

public sealed class ManageStockTests
{
    private const string Sku = "MUG-RED";
    private static readonly Actor Merchandiser = new("user_merch", [ShopRoles.Merchandiser]);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = InMemoryWarehouseStore.WithMain();
    private readonly RecordingWorkQueue _queue = new();
    private readonly FixedClock _clock = new();

    private ManageStock Stock => new(_inventory, _warehouses, _queue, _clock);

    private static StockAdjustmentInput Change(int? quantity, AdjustmentReason? reason = AdjustmentReason.Received, string? warehouse = null, string? note = null) =>
        new(warehouse, quantity, reason, note);

    private Task<Versioned<StockItem>> Adjust(StockAdjustmentInput input, string adjustmentId = "adj_1", string sku = Sku) =>
        Stock.AdjustAsync(sku, input, adjustmentId, Merchandiser, CancellationToken.None);

    private Versioned<StockItem> Stocked(int onHand, int threshold = 0) =>
        _inventory.Add(StockItem.Empty(Sku).Apply("adj_initial", ManageStock.DefaultWarehouse, onHand, AdjustmentReason.Count, null, "user_merch", _clock.Now)
            with { LowStockThreshold = threshold });

    private IReadOnlyList<LowStockAlert> Alerts => _queue.MessagesOn<LowStockAlert>(WorkQueues.LowStockAlerts);

    [Fact]
    public async Task The_first_delivery_of_a_sku_creates_its_stock_in_the_main_warehouse()
    {
        var result = await Adjust(Change(24));

        result.Value.OnHandIn("main").ShouldBe(24);
        _inventory.Current(Sku).ShouldBe(result);
    }

    [Fact]
    public async Task An_adjustment_is_recorded_with_the_actor_the_time_and_the_note()
    {
        var result = await Adjust(Change(24, note: "PO 4711"), adjustmentId: "adj_po4711");

        result.Value.RecentAdjustments.ShouldBe(
            [new StockAdjustment("adj_po4711", 1, "main", 24, AdjustmentReason.Received, "PO 4711", "user_merch", _clock.Now, 24)]);
    }

    [Fact]
    public async Task The_sku_and_the_warehouse_are_normalised()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("berlin-2", null, ["DE"]));
        var result = await Adjust(Change(5, warehouse: " Berlin-2 "), sku: " mug-red ");

        result.Value.Sku.ShouldBe("MUG-RED");
        result.Value.OnHandIn("berlin-2").ShouldBe(5);
    }

    [Fact]
    public async Task A_sale_takes_stock_away()
    {
        Stocked(10);

        (await Adjust(Change(-4, AdjustmentReason.Sold))).Value.OnHandIn("main").ShouldBe(6);
    }

    [Fact]
    public async Task A_count_sets_what_is_on_hand()
    {
        Stocked(10);

        (await Adjust(Change(3, AdjustmentReason.Count))).Value.OnHandIn("main").ShouldBe(3);
    }

    [Fact]
    public async Task Selling_more_than_is_on_hand_is_refused_and_nothing_is_saved()
    {
        var before = Stocked(2);

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Adjust(Change(-3, AdjustmentReason.Sold)));

        refusal.Field.ShouldBe("quantity");
        _inventory.Current(Sku).ShouldBe(before);
    }

    [Fact]
    public async Task The_same_adjustment_sent_twice_is_applied_once()
    {
        var first = await Adjust(Change(10), adjustmentId: "adj_retry");

        var second = await Adjust(Change(10), adjustmentId: "adj_retry");

        second.ShouldBe(first);
        second.Value.OnHandIn("main").ShouldBe(10);
        _inventory.Saves.ShouldBe(1);
    }

    [Fact]
    public async Task Two_adjustments_of_the_same_sku_at_the_same_time_both_land()
    {
        Stocked(10);
        _inventory.HoldReadsUntil(2);

        await Task.WhenAll(
            Adjust(Change(5, AdjustmentReason.Received), adjustmentId: "adj_delivery"),
            Adjust(Change(-3, AdjustmentReason.Sold), adjustmentId: "adj_sale"));

        var item = _inventory.Current(Sku)!.Value;
        item.OnHandIn("main").ShouldBe(12);
        item.RecentAdjustments.Select(a => a.Id).ShouldBe(["adj_initial", "adj_delivery", "adj_sale"], ignoreOrder: true);
        item.RecentAdjustments.Select(a => a.Sequence).ShouldBe([1L, 2L, 3L]);
        _inventory.Conflicts.ShouldBe(1, "both read the same version, so one of them must have retried");
    }

    [Fact]
    public async Task The_same_adjustment_sent_twice_at_the_same_time_is_applied_once()
    {
        Stocked(10);
        _inventory.HoldReadsUntil(2);

        await Task.WhenAll(Adjust(Change(5), adjustmentId: "adj_dup"), Adjust(Change(5), adjustmentId: "adj_dup"));

        _inventory.Current(Sku)!.Value.OnHandIn("main").ShouldBe(15);
    }

    [Fact]
    public async Task Two_sales_at_the_same_time_cannot_together_sell_more_than_is_on_hand()
    {
        Stocked(5);
        _inventory.HoldReadsUntil(2);

        var sales = new[] { Adjust(Change(-4, AdjustmentReason.Sold), adjustmentId: "adj_a"), Adjust(Change(-4, AdjustmentReason.Sold), adjustmentId: "adj_b") };
        await Should.ThrowAsync<BusinessRuleViolationException>(() => Task.WhenAll(sales));

        sales.Count(s => s.IsCompletedSuccessfully).ShouldBe(1);
        _inventory.Current(Sku)!.Value.OnHandIn("main").ShouldBe(1);
    }

    [Fact]
    public async Task Falling_below_the_threshold_queues_a_low_stock_alert()
    {
        Stocked(12, threshold: 10);

        await Adjust(Change(-5, AdjustmentReason.Sold));

        Alerts.ShouldBe([new LowStockAlert(Sku, 7, 10, _clock.Now)]);
    }

    [Fact]
    public async Task Staying_low_does_not_alert_again()
    {
        Stocked(12, threshold: 10);

        await Adjust(Change(-5, AdjustmentReason.Sold), adjustmentId: "adj_1");
        await Adjust(Change(-2, AdjustmentReason.Sold), adjustmentId: "adj_2");
        await Adjust(Change(-1, AdjustmentReason.Sold), adjustmentId: "adj_3");

        Alerts.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Stock_that_recovers_and_falls_again_alerts_again()
    {
        Stocked(12, threshold: 10);

        await Adjust(Change(-5, AdjustmentReason.Sold), adjustmentId: "adj_1");
        await Adjust(Change(20, AdjustmentReason.Received), adjustmentId: "adj_2");
        await Adjust(Change(-20, AdjustmentReason.Sold), adjustmentId: "adj_3");

        Alerts.Select(a => a.TotalOnHand).ShouldBe([7, 7]);
    }

    [Fact]
    public async Task Reaching_the_threshold_exactly_does_not_alert()
    {
        Stocked(12, threshold: 10);

        await Adjust(Change(-2, AdjustmentReason.Sold));

        Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_sku_without_a_threshold_never_alerts()
    {
        Stocked(12, threshold: 0);

        await Adjust(Change(-12, AdjustmentReason.Sold));

        Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_sales_at_the_same_time_that_take_stock_below_the_threshold_alert_exactly_once()
    {
        Stocked(12, threshold: 10);
        _inventory.HoldReadsUntil(2);

        await Task.WhenAll(
            Adjust(Change(-5, AdjustmentReason.Sold), adjustmentId: "adj_a"),
            Adjust(Change(-5, AdjustmentReason.Sold), adjustmentId: "adj_b"));

        _inventory.Current(Sku)!.Value.TotalOnHand.ShouldBe(2);
        _inventory.Conflicts.ShouldBe(1);
        Alerts.Count.ShouldBe(1);
        Alerts[0].TotalOnHand.ShouldBe(7);
    }

    [Fact]
    public async Task An_adjustment_that_keeps_losing_to_other_writers_gives_up_with_a_stale_version()
    {
        Stocked(10);
        _inventory.AlwaysConflict = true;

        await Should.ThrowAsync<StaleVersionException>(() => Adjust(Change(1)));

        _inventory.Conflicts.ShouldBe(8);
        Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_adjustment_needs_a_reason_and_a_quantity()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(null, reason: null)));

        failure.ShouldReport("reason", "is required.");
        _inventory.Saves.ShouldBe(0);
    }

    [Fact]
    public async Task An_adjustment_without_a_quantity_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(null)))).ShouldReport("quantity", "is required.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_001)]
    [InlineData(-1_000_001)]
    public async Task A_change_must_be_non_zero_and_at_most_a_million_either_way(int quantity)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(quantity, AdjustmentReason.Correction)))).ShouldReport("quantity", "non-zero change");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public async Task A_count_must_be_from_0_to_a_million(int quantity)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(quantity, AdjustmentReason.Count)))).ShouldReport("quantity", "a count must be from 0");
    }

    [Theory]
    [InlineData("main warehouse")]
    [InlineData("-main")]
    [InlineData("lager_1")]
    [InlineData("a-warehouse-name-longer-than-32-chars")]
    public async Task A_warehouse_is_named_with_lower_case_letters_digits_and_hyphens(string warehouse)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(1, warehouse: warehouse)))).ShouldReport("warehouse");
    }

    [Fact]
    public async Task A_note_longer_than_500_characters_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(1, note: new string('n', 501))))).ShouldReport("note");
    }

    [Theory]
    [InlineData("MUG RED")]
    [InlineData("")]
    [InlineData("-MUG")]
    public async Task Stock_of_an_invalid_sku_cannot_be_adjusted(string sku)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(1), sku: sku))).ShouldReport("sku");
    }

    [Fact]
    public async Task Every_mistake_in_an_adjustment_is_reported_at_once()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Adjust(Change(0, AdjustmentReason.Sold, warehouse: "Main Hall", note: new string('n', 501))));

        failure.Errors.Keys.ShouldBe(["warehouse", "quantity", "note"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_threshold_is_set_on_the_sku()
    {
        Stocked(12);

        var result = await Stock.SetThresholdAsync(Sku, new LowStockThresholdInput(10), CancellationToken.None);

        result.Value.LowStockThreshold.ShouldBe(10);
        _inventory.Current(Sku)!.Value.LowStockThreshold.ShouldBe(10);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public async Task A_threshold_must_be_from_0_to_a_million(int? threshold)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.SetThresholdAsync(Sku, new LowStockThresholdInput(threshold), CancellationToken.None)))
            .ShouldReport("threshold");
    }

    [Fact]
    public async Task The_stock_of_a_sku_never_adjusted_is_empty()
    {
        var item = await Stock.GetAsync("mug-blue", CancellationToken.None);

        item.Value.ShouldBeEquivalentTo(StockItem.Empty("MUG-BLUE"));
        item.Version.ShouldBe("");
    }

    [Fact]
    public async Task Availability_lists_every_variant_of_a_product_with_zero_for_skus_never_stocked()
    {
        Stocked(7);
        var product = CatalogExamples.ExistingMug() with
        {
            Variants =
            [
                new ProductVariant(Sku, null, new Dictionary<string, string>(), new Money(12m, "EUR"), null),
                new ProductVariant("MUG-BLUE", null, new Dictionary<string, string>(), new Money(12m, "EUR"), null),
            ],
        };

        var availability = await Stock.GetAvailabilityAsync(product, CancellationToken.None);

        availability.ShouldBe([new SkuAvailability(Sku, 7), new SkuAvailability("MUG-BLUE", 0)]);
    }

    [Fact]
    public async Task The_adjustment_journal_is_read_newest_first()
    {
        Stocked(10);
        await Adjust(Change(-1, AdjustmentReason.Sold), adjustmentId: "adj_sale");

        var page = await Stock.ListAdjustmentsAsync(Sku, null, null, CancellationToken.None);

        page.Items.Select(a => a.Id).ShouldBe(["adj_sale", "adj_initial"]);
    }

    [Fact]
    public async Task The_adjustment_journal_refuses_a_page_size_over_100()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.ListAdjustmentsAsync(Sku, "101", null, CancellationToken.None))).ShouldReport("pageSize");
    }
}
