using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>Reserving units for a checkout, releasing them, and committing them as a sale, on one stock item.</summary>
public sealed class StockReservationTests
{
    private const string Sku = "MUG-RED";
    private const string Checkout = "system:checkout";
    private static readonly DateTimeOffset Now = FixedClock.Instant;
    private static readonly DateTimeOffset InFifteenMinutes = Now.AddMinutes(15);

    private static StockItem WithStock(int main, int threshold = 0, params (string Warehouse, int Quantity)[] others)
    {
        var item = StockItem.Empty(Sku).Apply("adj_main", "main", main, AdjustmentReason.Count, null, "user_merch", Now);
        foreach (var (warehouse, quantity) in others)
            item = item.Apply($"adj_{warehouse}", warehouse, quantity, AdjustmentReason.Count, null, "user_merch", Now);
        return item with { LowStockThreshold = threshold };
    }

    [Fact]
    public void Stock_without_reservations_is_all_available()
    {
        var item = WithStock(5);

        item.Reserved(Now).ShouldBe(0);
        item.Available(Now).ShouldBe(5);
    }

    [Fact]
    public void A_reservation_holds_units_without_taking_them_off_the_shelf()
    {
        var item = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now);

        item.TotalOnHand.ShouldBe(5);
        item.Reserved(Now).ShouldBe(2);
        item.Available(Now).ShouldBe(3);
        item.Reservations.ShouldBe([new StockReservation("rsv_1", 2, InFifteenMinutes)]);
        item.RecentAdjustments.Count.ShouldBe(1, "a reservation is not an adjustment");
    }

    [Fact]
    public void The_last_available_unit_can_be_reserved()
    {
        WithStock(3).Reserve("rsv_1", 3, InFifteenMinutes, Now).Available(Now).ShouldBe(0);
    }

    [Fact]
    public void Reserving_more_than_is_available_is_refused_with_the_units_left()
    {
        var item = WithStock(5).Reserve("rsv_1", 3, InFifteenMinutes, Now);

        var refusal = Should.Throw<BusinessRuleViolationException>(() => item.Reserve("rsv_2", 3, InFifteenMinutes, Now));

        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("Only 2 of MUG-RED are available; 3 were asked for.");
    }

    [Fact]
    public void A_sold_out_sku_says_so()
    {
        var refusal = Should.Throw<BusinessRuleViolationException>(() => StockItem.Empty(Sku).Reserve("rsv_1", 1, InFifteenMinutes, Now));

        refusal.Message.ShouldContain("MUG-RED is sold out");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public void A_reservation_is_for_1_to_a_million_units(int quantity)
    {
        Should.Throw<ValidationFailedException>(() => WithStock(5).Reserve("rsv_1", quantity, InFifteenMinutes, Now)).ShouldReport("quantity");
    }

    [Fact]
    public void The_same_reservation_again_changes_nothing_even_with_another_quantity()
    {
        var once = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now);

        once.Reserve("rsv_1", 2, InFifteenMinutes, Now).ShouldBeSameAs(once);
        once.Reserve("rsv_1", 4, InFifteenMinutes.AddHours(1), Now).ShouldBeSameAs(once);
    }

    [Fact]
    public void A_repeated_reservation_is_recognised_even_when_no_units_are_left()
    {
        var once = WithStock(2).Reserve("rsv_1", 2, InFifteenMinutes, Now);

        Should.NotThrow(() => once.Reserve("rsv_1", 2, InFifteenMinutes, Now)).ShouldBeSameAs(once);
    }

    [Fact]
    public void Expired_reservations_no_longer_count()
    {
        var item = WithStock(5).Reserve("rsv_1", 4, InFifteenMinutes, Now);
        var later = InFifteenMinutes;

        item.Reserved(later).ShouldBe(0);
        item.Available(later).ShouldBe(5);
        item.Reserve("rsv_2", 5, later.AddMinutes(15), later).Available(later).ShouldBe(0);
    }

    [Fact]
    public void An_expired_reservation_reserved_again_is_renewed_if_the_units_are_there()
    {
        var later = InFifteenMinutes.AddMinutes(1);
        var item = WithStock(5).Reserve("rsv_1", 4, InFifteenMinutes, Now);

        var renewed = item.Reserve("rsv_1", 4, later.AddMinutes(15), later);

        renewed.Reservations.ShouldBe([new StockReservation("rsv_1", 4, later.AddMinutes(15))]);
        renewed.Available(later).ShouldBe(1);
    }

    [Fact]
    public void Available_never_goes_below_zero_when_reserved_stock_is_written_off()
    {
        var item = WithStock(5).Reserve("rsv_1", 5, InFifteenMinutes, Now)
            .Apply("adj_broken", "main", -2, AdjustmentReason.Damaged, null, "user_merch", Now);

        item.TotalOnHand.ShouldBe(3);
        item.Reserved(Now).ShouldBe(5);
        item.Available(Now).ShouldBe(0);
    }

    [Fact]
    public void Reserving_forgets_reservations_that_expired_over_an_hour_ago_but_keeps_recent_ones()
    {
        var item = WithStock(10)
            .Reserve("rsv_old", 1, Now.AddMinutes(1), Now)
            .Reserve("rsv_recent", 1, Now.AddMinutes(50), Now);
        var later = Now.AddMinutes(65);

        var reserved = item.Reserve("rsv_new", 1, later.AddMinutes(15), later);

        reserved.Reservations.Select(r => r.Id).ShouldBe(["rsv_recent", "rsv_new"]);
    }

    [Fact]
    public void Pruning_an_item_with_nothing_to_forget_returns_it_unchanged()
    {
        var item = WithStock(5).Reserve("rsv_1", 1, InFifteenMinutes, Now);

        item.Pruned(Now.AddMinutes(30)).ShouldBeSameAs(item);
        item.Pruned(InFifteenMinutes + StockItem.ExpiredReservationsKept).Reservations.ShouldBeEmpty();
    }

    [Fact]
    public void Releasing_gives_the_units_back()
    {
        var item = WithStock(5).Reserve("rsv_1", 5, InFifteenMinutes, Now);

        var released = item.Release("rsv_1");

        released.Available(Now).ShouldBe(5);
        released.Reservations.ShouldBeEmpty();
        released.Reserve("rsv_2", 5, InFifteenMinutes, Now).Available(Now).ShouldBe(0);
    }

    [Fact]
    public void Releasing_a_reservation_that_is_not_there_changes_nothing()
    {
        var item = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now);

        item.Release("rsv_other").ShouldBeSameAs(item);
        item.Release("rsv_1").Release("rsv_1").Available(Now).ShouldBe(5);
    }

    [Fact]
    public void Committing_sells_the_reserved_units_with_an_adjustment_named_after_the_reservation()
    {
        var item = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now);

        var sold = item.Commit("rsv_1", Checkout, Now.AddMinutes(3));

        sold.TotalOnHand.ShouldBe(3);
        sold.Available(Now).ShouldBe(3);
        sold.Reservations.ShouldBeEmpty();
        sold.RecentAdjustments[^1].ShouldBe(new StockAdjustment("rsv_1:sold:main", 2, "main", -2, AdjustmentReason.Sold, "Reservation rsv_1", Checkout, Now.AddMinutes(3), 3));
        sold.HasCommitted("rsv_1").ShouldBeTrue();
    }

    [Fact]
    public void Committing_three_times_sells_once()
    {
        var once = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now).Commit("rsv_1", Checkout, Now);

        var thrice = once.Commit("rsv_1", Checkout, Now).Commit("rsv_1", Checkout, Now.AddHours(2));

        thrice.ShouldBeSameAs(once);
        thrice.TotalOnHand.ShouldBe(3);
        thrice.RecentAdjustments.Count(a => a.Reason == AdjustmentReason.Sold).ShouldBe(1);
    }

    [Fact]
    public void A_commit_whose_memory_is_gone_is_still_recognised_by_its_sale_in_the_audit_trail()
    {
        var sold = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now).Commit("rsv_1", Checkout, Now);
        var forgotten = sold with { CommittedReservations = [] };

        forgotten.Commit("rsv_1", Checkout, Now).ShouldBeSameAs(forgotten);
    }

    [Fact]
    public void A_committed_reservation_is_not_reserved_again_by_a_late_retry()
    {
        var sold = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now).Commit("rsv_1", Checkout, Now);

        sold.Reserve("rsv_1", 2, InFifteenMinutes, Now).ShouldBeSameAs(sold);
        sold.Release("rsv_1").ShouldBeSameAs(sold);
    }

    [Fact]
    public void Committing_takes_units_from_the_main_warehouse_first_then_the_others_by_name()
    {
        var item = WithStock(2, 0, ("north", 2), ("east", 2)).Reserve("rsv_1", 5, InFifteenMinutes, Now);

        var sold = item.Commit("rsv_1", Checkout, Now);

        sold.OnHandIn("main").ShouldBe(0);
        sold.OnHandIn("east").ShouldBe(0);
        sold.OnHandIn("north").ShouldBe(1);
        sold.RecentAdjustments.Where(a => a.Reason == AdjustmentReason.Sold).Select(a => (a.Id, a.Change))
            .ShouldBe([("rsv_1:sold:main", -2), ("rsv_1:sold:east", -2), ("rsv_1:sold:north", -1)]);
    }

    [Fact]
    public void Committing_skips_an_empty_main_warehouse()
    {
        var item = WithStock(0, 0, ("north", 3)).Reserve("rsv_1", 2, InFifteenMinutes, Now);

        var sold = item.Commit("rsv_1", Checkout, Now);

        sold.RecentAdjustments.Where(a => a.Reason == AdjustmentReason.Sold).Select(a => a.Warehouse).ShouldBe(["north"]);
        sold.OnHandIn("main").ShouldBe(0);
    }

    [Fact]
    public void A_reservation_that_expired_recently_is_still_committed_when_its_units_are_free()
    {
        var item = WithStock(5).Reserve("rsv_late", 2, InFifteenMinutes, Now);

        var sold = item.Commit("rsv_late", Checkout, InFifteenMinutes.AddMinutes(10));

        sold.TotalOnHand.ShouldBe(3);
        sold.Reservations.ShouldBeEmpty();
    }

    [Fact]
    public void A_reservation_that_expired_is_not_committed_with_units_others_reserved_since()
    {
        var later = InFifteenMinutes.AddMinutes(1);
        var item = WithStock(5).Reserve("rsv_late", 2, InFifteenMinutes, Now).Reserve("rsv_other", 4, later.AddMinutes(15), later);

        var refusal = Should.Throw<BusinessRuleViolationException>(() => item.Commit("rsv_late", Checkout, later));

        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("only 1 can be sold now");
    }

    [Fact]
    public void A_live_reservation_is_refused_when_its_units_were_written_off_meanwhile()
    {
        var item = WithStock(2).Reserve("rsv_1", 2, InFifteenMinutes, Now)
            .Apply("adj_lost", "main", -1, AdjustmentReason.Lost, null, "user_merch", Now);

        Should.Throw<BusinessRuleViolationException>(() => item.Commit("rsv_1", Checkout, Now)).Field.ShouldBe("quantity");
    }

    [Fact]
    public void Committing_an_unknown_or_released_reservation_is_refused()
    {
        var item = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now).Release("rsv_1");

        var refusal = Should.Throw<BusinessRuleViolationException>(() => item.Commit("rsv_1", Checkout, Now));

        refusal.Field.ShouldBe("reservationId");
        refusal.Message.ShouldContain("no reservation 'rsv_1'");
    }

    [Fact]
    public void A_reservation_forgotten_after_expiring_cannot_be_committed()
    {
        var item = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now);
        var muchLater = InFifteenMinutes + StockItem.ExpiredReservationsKept + TimeSpan.FromMinutes(1);
        var pruned = item.Reserve("rsv_2", 1, muchLater.AddMinutes(15), muchLater);

        Should.Throw<BusinessRuleViolationException>(() => pruned.Commit("rsv_1", Checkout, muchLater)).Field.ShouldBe("reservationId");
    }

    [Fact]
    public void Commits_are_remembered_for_a_day_and_then_forgotten()
    {
        var sold = WithStock(5).Reserve("rsv_1", 2, InFifteenMinutes, Now).Commit("rsv_1", Checkout, Now);

        sold.Pruned(Now.AddHours(23)).CommittedReservations.Select(c => c.Id).ShouldBe(["rsv_1"]);
        sold.Pruned(Now.AddDays(1)).CommittedReservations.ShouldBeEmpty();
    }

    [Fact]
    public void At_most_500_commits_are_remembered_the_newest_kept()
    {
        var many = Enumerable.Range(1, StockItem.MaximumCommitsRemembered + 1).Select(i => new CommittedReservation($"rsv_{i}", Now)).ToList();
        var item = WithStock(5) with { CommittedReservations = many };

        var pruned = item.Pruned(Now);

        pruned.CommittedReservations.Count.ShouldBe(StockItem.MaximumCommitsRemembered);
        pruned.CommittedReservations[0].Id.ShouldBe("rsv_2");
    }

    [Fact]
    public void Beyond_a_thousand_reservations_the_oldest_expired_ones_are_forgotten_first()
    {
        var expired = Enumerable.Range(1, StockItem.MaximumReservations).Select(i => new StockReservation($"rsv_{i}", 1, Now.AddSeconds(-i))).ToList();
        var item = WithStock(5) with { Reservations = expired };

        var reserved = item.Reserve("rsv_live", 1, InFifteenMinutes, Now);

        reserved.Reservations.Count.ShouldBe(StockItem.MaximumReservations);
        reserved.Reservations.ShouldNotContain(r => r.Id == $"rsv_{StockItem.MaximumReservations}", "the one that expired longest ago goes");
        reserved.Reservations.ShouldContain(r => r.Id == "rsv_live");
    }

    [Fact]
    public void Committing_can_take_stock_below_its_threshold()
    {
        var item = WithStock(12, threshold: 10).Reserve("rsv_1", 3, InFifteenMinutes, Now);

        StockItem.CrossedIntoLowStock(item, item.Commit("rsv_1", Checkout, Now)).ShouldBeTrue();
    }

    [Fact]
    public void The_staff_view_shows_live_reservations_and_what_is_available()
    {
        var item = WithStock(10)
            .Reserve("rsv_gone", 1, Now.AddMinutes(1), Now)
            .Reserve("rsv_b", 2, Now.AddMinutes(20), Now)
            .Reserve("rsv_a", 3, Now.AddMinutes(10), Now);

        var level = StockLevel.Of(item, Now.AddMinutes(5));

        level.TotalOnHand.ShouldBe(10);
        level.Reserved.ShouldBe(5);
        level.Available.ShouldBe(5);
        level.Reservations.Select(r => r.Id).ShouldBe(["rsv_a", "rsv_b"]);
    }
}
