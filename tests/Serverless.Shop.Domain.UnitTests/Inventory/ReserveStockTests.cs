using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>Reserving, releasing and committing stock for a checkout across the SKUs of an order.</summary>
public sealed class ReserveStockTests
{
    private const string Mug = "MUG-RED";
    private const string Cup = "CUP-BLUE";
    private const string Plate = "PLATE-WHITE";

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = InMemoryWarehouseStore.WithMain();
    private readonly RecordingWorkQueue _queue = new();
    private readonly ManualClock _clock = new(FixedClock.Instant);

    private ManageStock Stock => new(_inventory, _warehouses, _queue, _clock);
    private DateTimeOffset InFifteenMinutes => _clock.Now.AddMinutes(15);

    private void Stocked(string sku, int onHand, int threshold = 0) =>
        _inventory.Add(StockItem.Empty(sku).Apply("adj_initial", "main", onHand, AdjustmentReason.Count, null, "user_merch", _clock.Now) with { LowStockThreshold = threshold });

    private StockItem Item(string sku) => _inventory.Current(sku)!.Value;

    private Task Reserve(string id, params (string Sku, int Quantity)[] lines) =>
        Stock.ReserveAsync(id, lines.Select(l => new ParcelItem(l.Sku, l.Quantity)).ToList(), InFifteenMinutes, CancellationToken.None);

    private async Task<int> Available(string sku) => (await Stock.GetAvailableAsync([sku], CancellationToken.None))[sku];

    [Fact]
    public async Task Reserving_an_order_holds_units_of_every_sku()
    {
        Stocked(Mug, 5);
        Stocked(Cup, 3);

        await Reserve("rsv_1", (Mug, 2), (Cup, 3));

        (await Stock.GetAvailableAsync([Mug, Cup], CancellationToken.None)).ShouldBe(new Dictionary<string, int> { [Mug] = 3, [Cup] = 0 });
        Item(Mug).Reservations.ShouldBe([new StockReservation("rsv_1", 2, InFifteenMinutes)]);
        Item(Mug).TotalOnHand.ShouldBe(5);
    }

    [Fact]
    public async Task Lines_of_the_same_sku_are_reserved_together()
    {
        Stocked(Mug, 5);

        await Reserve("rsv_1", (Mug, 2), ("mug-red", 1));

        Item(Mug).Reservations.ShouldBe([new StockReservation("rsv_1", 3, InFifteenMinutes)]);
    }

    [Fact]
    public async Task When_one_sku_is_short_nothing_stays_reserved_and_the_line_and_units_are_named()
    {
        Stocked(Cup, 5);
        Stocked(Mug, 1);
        Stocked(Plate, 5);

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Reserve("rsv_1", (Plate, 1), (Cup, 2), (Mug, 2)));

        refusal.Field.ShouldBe("lines[2].quantity");
        refusal.Message.ShouldContain("Only 1 of MUG-RED is available; 2 were asked for.");
        Item(Cup).Reservations.ShouldBeEmpty("reserved before the short SKU, then released");
        Item(Plate).Reservations.ShouldBeEmpty("never reached: SKUs are reserved in SKU order");
        (await Available(Cup)).ShouldBe(5);
    }

    [Fact]
    public async Task A_short_sku_mentioned_on_two_lines_is_named_by_its_first_line()
    {
        Stocked(Cup, 5);
        Stocked(Mug, 2);

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Reserve("rsv_1", (Cup, 1), (Mug, 1), (Mug, 2)));

        refusal.Field.ShouldBe("lines[1].quantity");
        refusal.Message.ShouldContain("3 were asked for");
    }

    [Fact]
    public async Task An_unknown_sku_is_sold_out_and_no_stock_document_is_created_for_it()
    {
        Stocked(Mug, 5);

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Reserve("rsv_1", (Mug, 1), ("NEVER-STOCKED", 1)));

        refusal.Field.ShouldBe("lines[1].quantity");
        refusal.Message.ShouldContain("NEVER-STOCKED is sold out");
        _inventory.Current("NEVER-STOCKED").ShouldBeNull();
        Item(Mug).Reservations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Reserving_again_with_the_same_id_changes_nothing_and_writes_nothing()
    {
        Stocked(Mug, 5);
        await Reserve("rsv_1", (Mug, 2));
        var saves = _inventory.Saves;

        await Reserve("rsv_1", (Mug, 2));

        _inventory.Saves.ShouldBe(saves);
        (await Available(Mug)).ShouldBe(3);
    }

    [Fact]
    public async Task Twenty_checkouts_at_once_for_five_units_reserve_exactly_five()
    {
        Stocked(Mug, 5);
        _inventory.HoldReadsUntil(20);

        var attempts = Enumerable.Range(1, 20).Select(i => Reserve($"rsv_{i}", (Mug, 1))).ToList();
        await Should.ThrowAsync<BusinessRuleViolationException>(() => Task.WhenAll(attempts));

        attempts.Count(a => a.IsCompletedSuccessfully).ShouldBe(5);
        attempts.Where(a => a.IsFaulted).ShouldAllBe(a => a.Exception!.InnerException is BusinessRuleViolationException);
        (await Available(Mug)).ShouldBe(0);
        Item(Mug).Reservations.Sum(r => r.Quantity).ShouldBe(5);
    }

    [Fact]
    public async Task Expired_reservations_no_longer_count_against_what_shoppers_can_buy()
    {
        Stocked(Mug, 5);
        await Reserve("rsv_1", (Mug, 5));

        _clock.Advance(TimeSpan.FromMinutes(15));

        (await Available(Mug)).ShouldBe(5);
        await Reserve("rsv_2", (Mug, 5));
        (await Available(Mug)).ShouldBe(0);
    }

    [Fact]
    public async Task Product_availability_subtracts_live_reservations()
    {
        Stocked(Mug, 7);
        await Reserve("rsv_1", (Mug, 3));
        var product = CatalogExamples.ExistingMug() with
        {
            Variants = [new ProductVariant(Mug, null, new Dictionary<string, string>(), new Money(12m, "EUR"), null)],
        };

        (await Stock.GetAvailabilityAsync(product, CancellationToken.None)).ShouldBe([new SkuAvailability(Mug, 4)]);
    }

    [Fact]
    public async Task Releasing_gives_the_units_back_to_the_next_shopper()
    {
        Stocked(Mug, 2);
        Stocked(Cup, 2);
        await Reserve("rsv_1", (Mug, 2), (Cup, 1));

        await Stock.ReleaseAsync("rsv_1", [Mug, Cup], CancellationToken.None);

        (await Available(Mug)).ShouldBe(2);
        (await Available(Cup)).ShouldBe(2);
        await Reserve("rsv_2", (Mug, 2));
    }

    [Fact]
    public async Task Releasing_twice_or_for_an_unknown_sku_writes_nothing()
    {
        Stocked(Mug, 2);
        await Reserve("rsv_1", (Mug, 2));
        await Stock.ReleaseAsync("rsv_1", [Mug], CancellationToken.None);
        var saves = _inventory.Saves;

        await Stock.ReleaseAsync("rsv_1", [Mug, "NEVER-STOCKED"], CancellationToken.None);

        _inventory.Saves.ShouldBe(saves);
        _inventory.Current("NEVER-STOCKED").ShouldBeNull();
    }

    [Fact]
    public async Task Committing_sells_the_units_once_even_when_called_three_times()
    {
        Stocked(Mug, 5);
        Stocked(Cup, 5);
        await Reserve("ord_42", (Mug, 2), (Cup, 1));

        for (var i = 0; i < 3; i++) await Stock.CommitAsync("ord_42", [Mug, Cup], CancellationToken.None);

        Item(Mug).TotalOnHand.ShouldBe(3);
        Item(Cup).TotalOnHand.ShouldBe(4);
        var sale = Item(Mug).RecentAdjustments.Where(a => a.Reason == AdjustmentReason.Sold).ShouldHaveSingleItem();
        sale.ShouldBe(new StockAdjustment("ord_42:sold:main", 2, "main", -2, AdjustmentReason.Sold, "Reservation ord_42", "system:checkout", _clock.Now, 3));
        Item(Mug).Reservations.ShouldBeEmpty();
        (await Available(Mug)).ShouldBe(3);
    }

    [Fact]
    public async Task A_commit_that_crosses_the_threshold_queues_one_low_stock_alert()
    {
        Stocked(Mug, 11, threshold: 10);
        await Reserve("ord_42", (Mug, 2));

        await Stock.CommitAsync("ord_42", [Mug], CancellationToken.None);
        await Stock.CommitAsync("ord_42", [Mug], CancellationToken.None);

        _queue.MessagesOn<LowStockAlert>(WorkQueues.LowStockAlerts).ShouldBe([new LowStockAlert(Mug, 9, 10, _clock.Now)]);
    }

    [Fact]
    public async Task A_payment_that_arrives_after_the_reservation_expired_still_commits_when_the_units_are_free()
    {
        Stocked(Mug, 5);
        await Reserve("ord_42", (Mug, 2));
        _clock.Advance(TimeSpan.FromMinutes(20));

        await Stock.CommitAsync("ord_42", [Mug], CancellationToken.None);

        Item(Mug).TotalOnHand.ShouldBe(3);
    }

    [Fact]
    public async Task A_sku_that_cannot_be_committed_is_named_and_the_others_are_still_committed()
    {
        Stocked(Mug, 5);
        Stocked(Cup, 5);
        await Reserve("ord_42", (Mug, 2), (Cup, 1));
        await Stock.ReleaseAsync("ord_42", [Cup], CancellationToken.None);

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Stock.CommitAsync("ord_42", [Cup, Mug], CancellationToken.None));

        refusal.Field.ShouldBe("skus[0]");
        refusal.Message.ShouldContain("CUP-BLUE has no reservation 'ord_42'");
        Item(Mug).TotalOnHand.ShouldBe(3);
        Item(Cup).TotalOnHand.ShouldBe(5);
    }

    [Fact]
    public async Task Reservation_input_is_checked_line_by_line()
    {
        Stocked(Mug, 5);
        var lines = new List<ParcelItem> { new("bad sku!", 1), new(Mug, 0), new(Mug, -3), new(Mug, 1_000_001), null! };

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Stock.ReserveAsync("rsv_1", lines, InFifteenMinutes, CancellationToken.None));

        failure.ShouldReport("lines[0].sku");
        failure.ShouldReport("lines[1].quantity");
        failure.ShouldReport("lines[2].quantity");
        failure.ShouldReport("lines[3].quantity");
        failure.ShouldReport("lines[4].sku");
        Item(Mug).Reservations.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_sku_on_many_lines_may_not_add_up_to_more_than_a_million()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Reserve("rsv_1", (Mug, 600_000), (Mug, 600_000)));

        failure.ShouldReport("lines[0].quantity", "1200000");
    }

    [Theory]
    [InlineData("")]
    [InlineData("rsv 1")]
    [InlineData("rsv:1")]
    public async Task A_reservation_id_must_be_well_formed(string id)
    {
        Stocked(Mug, 5);

        (await Should.ThrowAsync<ValidationFailedException>(() => Reserve(id, (Mug, 1)))).ShouldReport("reservationId");
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.ReleaseAsync(id, [Mug], CancellationToken.None))).ShouldReport("reservationId");
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.CommitAsync(id, [Mug], CancellationToken.None))).ShouldReport("reservationId");
    }

    [Fact]
    public async Task A_reservation_needs_lines_and_an_expiry_in_the_next_30_days()
    {
        Stocked(Mug, 5);
        var line = new List<ParcelItem> { new(Mug, 1) };

        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.ReserveAsync("rsv_1", [], InFifteenMinutes, CancellationToken.None))).ShouldReport("lines");
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.ReserveAsync("rsv_1", line, _clock.Now, CancellationToken.None))).ShouldReport("expiresAt");
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.ReserveAsync("rsv_1", line, _clock.Now.AddDays(31), CancellationToken.None))).ShouldReport("expiresAt");
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.CommitAsync("rsv_1", [], CancellationToken.None))).ShouldReport("skus");
        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.ReleaseAsync("rsv_1", ["bad sku!"], CancellationToken.None))).ShouldReport("skus[0]");
        Item(Mug).Reservations.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_staff_view_of_a_sku_shows_its_reservations_and_what_is_available()
    {
        Stocked(Mug, 5);
        await Reserve("rsv_1", (Mug, 2));

        var level = Stock.LevelOf(await Stock.GetAsync(Mug, CancellationToken.None)).Value;

        level.Available.ShouldBe(3);
        level.Reserved.ShouldBe(2);
        level.Reservations.ShouldBe([new StockReservation("rsv_1", 2, InFifteenMinutes)]);
    }
}
