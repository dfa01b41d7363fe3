using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Loyalty;

/// <summary>Earning, pending, release, reversal and expiry of points (docs/loyalty.md), on orders brought to each status by the order commands.</summary>
public sealed class PointsRulesTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly LoyaltySettings Settings = new(PointsPerCurrencyUnit: 1m, PointsExpiryDays: 365, ReturnWindowDays: 30);

    private readonly OrderTestBed _bed = new();

    private static PointsAccount Empty => PointsAccount.Empty(OrderTestBed.CustomerId);

    private DateTimeOffset Now => _bed.Clock.Now;

    [Fact]
    public async Task A_paid_order_earns_points_per_currency_unit_rounded_down_and_they_are_pending()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var account = PointsRules.Apply(Empty, order, Settings with { PointsPerCurrencyUnit = 2m }, Now);

        account.Pending.ShouldBe(93, "46.50 EUR paid at 2 points per euro");
        account.Available.ShouldBe(0);
        account.Movements.ShouldHaveSingleItem().ShouldBe(new PointsMovement($"{order.Number}:earned", PointsMovementKind.Earned, 93, order.Number, Now));
    }

    [Fact]
    public async Task An_unpaid_order_or_a_guest_order_earns_nothing()
    {
        var unpaid = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        var guest = await _bed.InStatusAsync(OrderStatus.Paid, customerId: null);

        var empty = Empty;
        PointsRules.Apply(empty, unpaid, Settings, Now).ShouldBeSameAs(empty);
        PointsRules.Apply(empty, guest, Settings, Now).ShouldBeSameAs(empty);
    }

    [Fact]
    public async Task Applying_the_same_order_again_changes_nothing_even_after_its_points_are_gone()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var once = PointsRules.Apply(Empty, order, Settings, Now);

        PointsRules.Apply(once, order, Settings, Now).ShouldBeSameAs(once);

        // The order's points are released, then expire, and its entry is dropped: the order seen again (a redelivered event) earns nothing.
        var expired = PointsRules.ApplyDue(PointsRules.ApplyDue(once, Settings, Now.AddDays(31)), Settings, Now.AddDays(31 + 366));
        expired.Orders.ShouldBeEmpty();
        expired.Movements.Select(m => m.Kind).ShouldBe([PointsMovementKind.Earned, PointsMovementKind.Released, PointsMovementKind.Expired]);
        PointsRules.Apply(expired, order, Settings, Now.AddDays(400)).ShouldBeSameAs(expired);
    }

    [Fact]
    public async Task Points_stay_pending_until_the_return_window_after_delivery_has_passed()
    {
        var delivered = await _bed.InStatusAsync(OrderStatus.Delivered);
        var deliveredAt = delivered.DeliveredAt!.Value;
        var account = PointsRules.Apply(Empty, delivered, Settings, Now);

        account.Pending.ShouldBe(46);
        account.NextDueAt.ShouldBe(deliveredAt.AddDays(30));
        PointsRules.ApplyDue(account, Settings, deliveredAt.AddDays(30).AddSeconds(-1)).ShouldBeSameAs(account);

        var released = PointsRules.ApplyDue(account, Settings, deliveredAt.AddDays(30));

        released.Available.ShouldBe(46);
        released.Pending.ShouldBe(0);
        released.Movements[^1].Kind.ShouldBe(PointsMovementKind.Released);
        released.NextDueAt.ShouldBe(deliveredAt.AddDays(30 + 365), "available points expire a year after they became available");
    }

    [Fact]
    public async Task An_undelivered_order_keeps_its_points_pending_and_nothing_is_due()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Shipped);

        var account = PointsRules.Apply(Empty, order, Settings, Now);

        account.NextDueAt.ShouldBeNull();
        PointsRules.ApplyDue(account, Settings, Now.AddYears(5)).ShouldBeSameAs(account);
    }

    [Fact]
    public async Task A_requested_return_holds_the_points_past_the_window_and_the_return_reverses_them_all()
    {
        var delivered = await _bed.InStatusAsync(OrderStatus.Delivered);
        var account = PointsRules.Apply(Empty, delivered, Settings, Now);
        var requested = await _bed.Returns.RequestReturnAsync(delivered.Number, "Too small", OrderTestBed.Customer, Ct);

        account = PointsRules.Apply(account, requested, Settings, Now);
        account.NextDueAt.ShouldBeNull("the points are on hold while the return is open");
        PointsRules.ApplyDue(account, Settings, Now.AddDays(60)).ShouldBeSameAs(account);

        var returned = await _bed.Returns.MarkReturnedAsync(delivered.Number, OrderTestBed.Support, Ct);
        account = PointsRules.Apply(account, returned, Settings, Now);

        account.Pending.ShouldBe(0);
        account.Orders.ShouldBeEmpty();
        account.Movements[^1].ShouldBe(new PointsMovement($"{delivered.Number}:reversed:46", PointsMovementKind.Reversed, -46, delivered.Number, Now));
    }

    [Fact]
    public async Task A_partial_refund_reverses_points_in_proportion_and_the_full_refund_the_rest()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        var account = PointsRules.Apply(Empty, paid, Settings, Now);

        var partly = await _bed.Orders.RefundAsync(paid.Number, OrderTestBed.Eur(23.25m), "One mug broken", OrderTestBed.Admin, Ct);
        account = PointsRules.Apply(account, partly, Settings, Now);
        account.Pending.ShouldBe(23, "half the money back takes back half the points, the customer keeping the rounded-down half");
        PointsRules.Apply(account, partly, Settings, Now).ShouldBeSameAs(account, "the same refund seen again reverses nothing more");

        var fully = await _bed.Orders.RefundAsync(paid.Number, OrderTestBed.Eur(23.25m), "The rest", OrderTestBed.Admin, Ct);
        account = PointsRules.Apply(account, fully, Settings, Now);

        account.Pending.ShouldBe(0);
        account.Movements.Where(m => m.Kind == PointsMovementKind.Reversed).Select(m => m.Points).ShouldBe([-23, -23]);
    }

    [Fact]
    public async Task A_refund_after_release_takes_back_available_points()
    {
        var delivered = await _bed.InStatusAsync(OrderStatus.Delivered);
        var account = PointsRules.ApplyDue(PointsRules.Apply(Empty, delivered, Settings, Now), Settings, Now.AddDays(31));
        account.Available.ShouldBe(46);

        var refunded = await _bed.Orders.RefundAsync(delivered.Number, OrderTestBed.Eur(10m), "Goodwill", OrderTestBed.Admin, Ct);
        account = PointsRules.Apply(account, refunded, Settings, Now.AddDays(32));

        account.Available.ShouldBe(36, "46 x 36.50 / 46.50 = 36.1, rounded down");
    }

    [Fact]
    public async Task Available_points_expire_after_the_configured_days_and_only_then()
    {
        var delivered = await _bed.InStatusAsync(OrderStatus.Delivered);
        var releasedAt = delivered.DeliveredAt!.Value.AddDays(30);
        var account = PointsRules.ApplyDue(PointsRules.Apply(Empty, delivered, Settings with { PointsExpiryDays = 90 }, Now), Settings with { PointsExpiryDays = 90 }, releasedAt);

        PointsRules.ApplyDue(account, Settings, releasedAt.AddDays(90).AddSeconds(-1)).ShouldBeSameAs(account);
        var expired = PointsRules.ApplyDue(account, Settings, releasedAt.AddDays(90));

        expired.Available.ShouldBe(0);
        expired.Movements[^1].ShouldBe(new PointsMovement($"{delivered.Number}:expired", PointsMovementKind.Expired, -46, delivered.Number, releasedAt.AddDays(90)));
        expired.NextDueAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_cancelled_order_that_was_paid_loses_its_points()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        var account = PointsRules.Apply(Empty, paid, Settings, Now);

        var cancelled = await _bed.Orders.CancelAsync(paid.Number, "Changed my mind", OrderTestBed.Support, Ct);
        account = PointsRules.Apply(account, cancelled, Settings, Now);

        account.Pending.ShouldBe(0);
        account.Available.ShouldBe(0);
    }
}
