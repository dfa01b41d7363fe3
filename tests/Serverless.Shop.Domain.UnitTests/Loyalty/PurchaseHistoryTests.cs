using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Orders;
using Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

namespace Serverless.Shop.Domain.UnitTests.Loyalty;

/// <summary>
/// The purchase history follows order events (docs/loyalty.md#purchase-history): each paid order counted once however
/// often its events arrive, refunds, returns and cancellations taking their money back out, orders bought by category.
/// </summary>
public sealed class PurchaseHistoryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OrderTestBed _bed = new();
    internal readonly InMemoryCustomerSummaryStore Summaries = new();
    internal readonly InMemoryProductStore Products = new();
    internal readonly InMemoryPromotionStore Promotions = new();
    internal readonly InMemoryPromotionUsageStore Usage = new();

    public PurchaseHistoryTests()
    {
        Products.Add(Product("prod_mug", "kitchen", "mugs"));
        Products.Add(Product("prod_tee", "clothing", "tees"));
    }

    internal static Product Product(string id, params string[] categoryPath) => CatalogExamples.ExistingMug(id) with { CategoryPath = categoryPath };

    private CustomerHistory History(LoyaltySettings? settings = null) =>
        new(Summaries, _bed.Store, Products, Promotions, Usage, settings ?? new LoyaltySettings(1m, 365, 30), new ShopSettings("EUR"), _bed.Clock);

    private CustomerSummary Summary => Summaries.Current(OrderTestBed.CustomerId).ShouldNotBeNull();

    private Task ReactAsync(Order order) => History().ReactAsync(order, order.History[^1], Ct);

    [Fact]
    public async Task A_paid_order_counts_once_however_often_and_in_whatever_order_its_events_arrive()
    {
        var placed = await _bed.Orders.PlaceAsync(OrderTestBed.Placement(), Ct);
        var paid = await _bed.Orders.MarkPaidAsync(placed.Number, OrderTestBed.Captured(), OrderTestBed.CheckoutActor, Ct);

        await ReactAsync(placed);
        Summaries.Current(OrderTestBed.CustomerId).ShouldBeNull("an unpaid order is not a purchase yet");
        await ReactAsync(paid);
        await ReactAsync(paid);
        // A slower handler of the first event still holding the order as it was then.
        await ReactAsync(placed);

        Summary.OrderCount.ShouldBe(1);
        Summary.LifetimeSpend.ShouldBe(new Dictionary<string, decimal> { ["EUR"] = 46.50m });
        Summary.LastOrderAt.ShouldBe(paid.PaidAt);
        Summary.RollingSpend("EUR", _bed.Clock.Now).ShouldBe(46.50m);
        Summary.Categories.ShouldBe(["clothing", "kitchen", "mugs", "tees"]);
        Summaries.Saves.ShouldBe(1, "the replays found nothing to change");
        Products.ManyReads.ShouldBe(1, "categories are looked up once, when the order is first seen paid");
    }

    [Fact]
    public async Task A_refund_reduces_the_spend_and_a_full_refund_leaves_the_order_out_of_the_count()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await ReactAsync(paid);

        await ReactAsync(await _bed.Orders.RefundAsync(paid.Number, OrderTestBed.Eur(20m), "One mug broken", OrderTestBed.Admin, Ct));
        Summary.LifetimeSpend["EUR"].ShouldBe(26.50m);
        Summary.OrderCount.ShouldBe(1);

        await ReactAsync(await _bed.Orders.RefundAsync(paid.Number, OrderTestBed.Eur(26.50m), "The rest", OrderTestBed.Admin, Ct));
        Summary.LifetimeSpend.ShouldBeEmpty();
        Summary.OrderCount.ShouldBe(0);
        Summary.Categories.ShouldBeEmpty("categories come from orders the customer kept");
    }

    [Fact]
    public async Task A_returned_or_cancelled_order_takes_all_its_spend_back()
    {
        var delivered = await _bed.InStatusAsync(OrderStatus.Delivered);
        await ReactAsync(delivered);
        Summary.OrderCount.ShouldBe(1);

        await _bed.Returns.RequestReturnAsync(delivered.Number, "Too small", OrderTestBed.Customer, Ct);
        await ReactAsync(await _bed.Returns.MarkReturnedAsync(delivered.Number, OrderTestBed.Support, Ct));
        Summary.OrderCount.ShouldBe(0);
        Summary.LifetimeSpend.ShouldBeEmpty();

        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await ReactAsync(paid);
        Summary.LifetimeSpend["EUR"].ShouldBe(46.50m);
        await ReactAsync(await _bed.Orders.CancelAsync(paid.Number, "Out of stock", OrderTestBed.Support, Ct));
        Summary.LifetimeSpend.ShouldBeEmpty();
        Summary.OrderCount.ShouldBe(0);
    }

    [Fact]
    public async Task A_status_change_that_moves_no_money_writes_nothing()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await ReactAsync(paid);
        var saves = Summaries.Saves;

        await ReactAsync(await _bed.Orders.AttachShipmentAsync(paid.Number, OrderTestBed.Shipment(), Ct));
        await ReactAsync(await _bed.Orders.ApplyTrackingAsync(_bed.Tracking(paid.Number, Serverless.Shop.Domain.Shipping.TrackingStatus.Delivered), Ct));

        Summaries.Saves.ShouldBe(saves);
        Summary.LifetimeSpend["EUR"].ShouldBe(46.50m);
    }

    [Fact]
    public async Task Guest_orders_are_not_kept()
    {
        await ReactAsync(await _bed.InStatusAsync(OrderStatus.Paid, customerId: null));
        Summaries.Saves.ShouldBe(0);
    }

    [Fact]
    public async Task Orders_older_than_thirteen_months_fold_into_the_totals_and_a_late_event_of_one_changes_nothing()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await ReactAsync(paid);

        _bed.Clock.Advance(TimeSpan.FromDays(400));
        await History().ReviewDueAsync(Ct);

        Summary.Orders.ShouldBeEmpty();
        Summary.ArchivedOrders.ShouldBe([paid.Number]);
        Summary.OrderCount.ShouldBe(1);
        Summary.LifetimeSpend["EUR"].ShouldBe(46.50m);
        Summary.RollingSpend("EUR", _bed.Clock.Now).ShouldBe(0m);
        Summary.Categories.ShouldContain("mugs");

        var saves = Summaries.Saves;
        await ReactAsync(paid);
        Summaries.Saves.ShouldBe(saves, "a folded order is not counted again");
    }

    [Fact]
    public async Task The_summary_a_support_view_asks_for_shows_spend_count_tier_and_segments()
    {
        var history = History(new LoyaltySettings(1m, 365, 30) { Segments = [new SegmentRule("mug-buyers", SegmentRuleKind.BoughtCategory, "mugs")] });
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await history.ReactAsync(paid, paid.History[^1], Ct);

        var view = await history.GetSummaryAsync(OrderTestBed.CustomerId, Ct);

        view.OrderCount.ShouldBe(1);
        view.LifetimeSpend["EUR"].ShouldBe(46.50m);
        view.RollingSpend.ShouldBe(OrderTestBed.Eur(46.50m));
        view.SpendByMonth.ShouldHaveSingleItem().Amount.ShouldBe(46.50m);
        view.Tier.ShouldBe("Bronze");
        view.Segments.ShouldBe(["mug-buyers"]);

        var nobody = await History().GetSummaryAsync("cust_never", Ct);
        nobody.OrderCount.ShouldBe(0);
        nobody.Tier.ShouldBe("Bronze", "the tier of no spend");
    }
}
