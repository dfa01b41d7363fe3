using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// The payment ledger on the order: every fact about money once, whatever the order's status; money the order does not
/// want goes back; no order ends cancelled or refunded holding money that nothing gives back.
/// </summary>
public sealed class LedgerTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_capture_told_twice_is_recorded_once_and_the_second_time_writes_nothing()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);

        await _bed.Payments.RecordAsync(order.Number, _bed.Capture(), Ct);
        var saves = _bed.Store.Saves;
        var again = await _bed.Payments.RecordAsync(order.Number, _bed.Capture() with { Source = "evt_redelivered" }, Ct);

        again.Order.Ledger!.Entries.ShouldHaveSingleItem().Amount.ShouldBe(Eur(46.50m));
        _bed.Store.Saves.ShouldBe(saves);
        again.Order.Status.ShouldBe(OrderStatus.PendingPayment);
        OrderPaymentRules.NeedsAttention(again.Order).ShouldBeTrue("money captured for an order still pending payment must be looked at");
    }

    [Fact]
    public async Task A_capture_recorded_by_the_webhook_and_again_when_the_order_is_marked_paid_counts_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        var capture = _bed.Capture();

        await _bed.Payments.RecordAsync(order.Number, capture, Ct);
        var paid = await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct, capture.Key);

        paid.Status.ShouldBe(OrderStatus.Paid);
        paid.Ledger!.Captured.ShouldBe(46.50m);
        paid.Ledger.Payments("EUR").ShouldHaveSingleItem().ShouldBe(new LedgerPayment(FakePaymentGateway.Name, "pi_1", Eur(0m), Eur(46.50m), Eur(0m), Eur(0m)));
        OrderPaymentRules.NeedsAttention(paid).ShouldBeFalse();
    }

    [Fact]
    public async Task Marking_an_order_paid_records_its_capture_in_the_ledger()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);

        var capture = paid.Ledger!.Entries.ShouldHaveSingleItem();
        capture.Kind.ShouldBe(LedgerEntryKind.Captured);
        capture.Key.ShouldBe(LedgerKeys.Captured(FakePaymentGateway.Name, "pi_1"));
        capture.Amount.ShouldBe(Eur(46.50m));
    }

    [Fact]
    public async Task Cancelling_an_order_never_marked_paid_refunds_what_its_ledger_says_was_captured()
    {
        // The checkout died after the charge and before "paid": only the ledger knows the money arrived.
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        await _bed.Payments.RecordAsync(order.Number, _bed.Capture(), Ct);

        var cancelled = await _bed.Orders.CancelAsync(order.Number, "The payment was not completed in time.", CheckoutActor, Ct);

        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        _bed.Gateway.Calls.ShouldBe([("pi_1", Eur(46.50m), $"{order.Number}-refund-1")]);
        cancelled.Ledger!.Unrefunded.ShouldBe(0m);
        cancelled.Refunds.ShouldHaveSingleItem().State.ShouldBe(RefundState.Completed);
        OrderPaymentRules.UnclaimedCapture(cancelled).ShouldBe(0m);
    }

    [Fact]
    public async Task A_payment_that_arrives_after_the_order_was_cancelled_is_refunded_once_however_often_it_is_told()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Cancelled);

        var late = await _bed.Payments.RecordAsync(order.Number, _bed.Capture("pi_late"), Ct);
        var again = await _bed.Payments.RecordAsync(order.Number, _bed.Capture("pi_late"), Ct);

        late.Refunding.ShouldBeTrue();
        again.Order.Status.ShouldBe(OrderStatus.Cancelled);
        _bed.Gateway.Calls.ShouldHaveSingleItem().ShouldBe(("pi_late", Eur(46.50m), $"{order.Number}-refund-1"));
        again.Order.Ledger!.Unrefunded.ShouldBe(0m);
        again.Order.Refunds.ShouldHaveSingleItem().Reason.ShouldContain("arrived after the order was cancelled");
    }

    [Fact]
    public async Task A_second_payment_for_an_order_already_paid_is_refunded_and_the_order_stays_paid()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var second = await _bed.Payments.RecordAsync(order.Number, _bed.Capture("pi_2"), Ct);

        second.Refunding.ShouldBeTrue();
        second.Order.Status.ShouldBe(OrderStatus.Paid);
        _bed.Gateway.Calls.ShouldBe([("pi_2", Eur(46.50m), $"{order.Number}-refund-1")]);
        second.Order.Ledger!.Payments("EUR").Select(p => (p.PaymentId, p.Unrefunded.Amount)).ShouldBe([("pi_1", 46.50m), ("pi_2", 0m)]);
    }

    [Fact]
    public async Task A_payment_in_another_currency_is_refused_and_nothing_is_recorded()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        var before = _bed.Store.Current(order.Number);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            _bed.Payments.RecordAsync(order.Number, _bed.Capture() with { Amount = new Money(46.50m, "USD") }, Ct));

        refused.Field.ShouldBe("amount");
        _bed.Store.Current(order.Number).ShouldBe(before);
    }

    [Fact]
    public async Task A_failed_cancellation_refund_keeps_the_order_flagged_until_it_is_made()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        _bed.Gateway.FailNext = new TimeoutException("provider timed out");

        await Should.ThrowAsync<TimeoutException>(() => _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct));

        var stored = _bed.Stored(order.Number);
        stored.Status.ShouldBe(OrderStatus.Cancelled);
        OrderPaymentRules.UnclaimedCapture(stored).ShouldBe(0m, "the failed refund still holds the money it must give back");
        OrderPaymentRules.NeedsAttention(stored).ShouldBeTrue();
        var done = await _bed.Refunds.CompleteOpenAsync(order.Number, OrderRefunds.CancellationRefund, Ct);
        OrderPaymentRules.NeedsAttention(done).ShouldBeFalse();
        done.Ledger!.Unrefunded.ShouldBe(0m);
    }

    [Fact]
    public void The_rule_refuses_an_order_cancelled_or_refunded_with_captured_money_nothing_gives_back()
    {
        var pending = Order(OrderStatus.PendingPayment);
        var captured = pending with { Ledger = PaymentLedger.Empty.With(_bed.Capture()) };

        Should.NotThrow(() => OrderPaymentRules.EnsureMoneyAccountedFor(captured));
        Should.Throw<InvalidOperationException>(() => OrderPaymentRules.EnsureMoneyAccountedFor(captured with { Status = OrderStatus.Cancelled }))
            .Message.ShouldContain("46.50 EUR");
        Should.Throw<InvalidOperationException>(() => OrderPaymentRules.EnsureMoneyAccountedFor(captured with { Status = OrderStatus.Refunded }));
        var claimed = OrderRefunds.ClaimEverything(captured with { Status = OrderStatus.Cancelled }, OrderRefunds.CancellationRefund, "r", "a", _bed.Clock.Now);
        Should.NotThrow(() => OrderPaymentRules.EnsureMoneyAccountedFor(claimed));
        Should.Throw<InvalidOperationException>(() => OrderPaymentRules.EnsureMoneyAccountedFor(claimed with { Status = OrderStatus.Refunded }),
            "refunded means the money is back, not only claimed");
    }

    private static Order Order(OrderStatus status) =>
        new("SS-TEST-0001", "SS-TEST-0001", null, "ada@example.com", status, "EUR", Breakdown(), Address, Quote, PaymentMethod.Card,
            null, null, null, null, "hash", [], [], [], FixedClockNow, FixedClockNow, null, null);

    private static readonly DateTimeOffset FixedClockNow = Common.FixedClock.Instant;
}
