using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

public sealed class CancelAndReturnTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Cancelling_an_unpaid_order_records_the_reason_and_refunds_nothing()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);

        var cancelled = await _bed.Orders.CancelAsync(order.Number, "  Payment deadline passed ", CheckoutActor, Ct);

        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        cancelled.CancellationReason.ShouldBe("Payment deadline passed");
        cancelled.History[^1].ShouldBe(new OrderHistoryEntry(2, _bed.Clock.Now, OrderChange.Cancelled, OrderStatus.Cancelled, "system:checkout", "Payment deadline passed"));
        cancelled.Refunds.ShouldBeEmpty();
        _bed.Gateway.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_a_paid_order_refunds_everything_captured_and_the_order_stays_cancelled()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var cancelled = await _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct);

        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        cancelled.Payment!.RefundedAmount.ShouldBe(Eur(46.50m));
        cancelled.History.TakeLast(2).Select(h => h.Change).ShouldBe([OrderChange.Cancelled, OrderChange.Refunded]);
        _bed.Gateway.Calls.ShouldBe([("pi_1", Eur(46.50m), $"{order.Number}-refund-1")]);
    }

    [Fact]
    public async Task Cancelling_an_order_being_packed_cancels_its_shipment_with_the_carrier_first()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Processing);

        var cancelled = await _bed.Orders.CancelAsync(order.Number, "Customer asked", Support, Ct);

        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        _bed.Carrier.Cancellations.ShouldBe([("shp_1", $"{order.Number}-cancel-shipment")]);
        _bed.Gateway.MoneyRefunded.ShouldBe(46.50m);
    }

    [Fact]
    public async Task When_the_carrier_already_has_the_parcel_nothing_is_cancelled_or_refunded()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Processing);
        var before = _bed.Store.Current(order.Number);
        _bed.Carrier.RefuseCancellation = true;

        await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.CancelAsync(order.Number, "Customer asked", Support, Ct));

        _bed.Store.Current(order.Number).ShouldBe(before);
        _bed.Gateway.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_twice_cancels_and_refunds_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct);
        var saves = _bed.Store.Saves;

        var again = await _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct);

        _bed.Store.Saves.ShouldBe(saves);
        again.History.Count(h => h.Change == OrderChange.Cancelled).ShouldBe(1);
        _bed.Gateway.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_cancellation_whose_refund_failed_finishes_the_refund_when_asked_again_with_the_same_key()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        _bed.Gateway.FailNext = new TimeoutException("provider timed out");
        await Should.ThrowAsync<TimeoutException>(() => _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct));
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.Cancelled);
        _bed.Stored(order.Number).Refunds.Single().State.ShouldBe(RefundState.Failed);

        var again = await _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct);

        again.Payment!.RefundedAmount.ShouldBe(Eur(46.50m));
        again.Refunds.Single().State.ShouldBe(RefundState.Completed);
        _bed.Gateway.Calls.Select(c => c.Key).Distinct().ShouldBe([$"{order.Number}-refund-1"]);
        _bed.Gateway.MoneyRefunded.ShouldBe(46.50m);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_cancellation_needs_a_reason(string? reason)
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Orders.CancelAsync(order.Number, reason!, Support, Ct));

        failure.ShouldReport("reason");
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public async Task A_reason_longer_than_500_characters_is_refused()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);

        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Orders.CancelAsync(order.Number, new string('x', 501), Support, Ct))).ShouldReport("reason");
    }

    [Fact]
    public async Task A_customer_asks_to_return_a_delivered_order_within_the_window()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Clock.Advance(TimeSpan.FromDays(29));

        var requested = await _bed.Returns.RequestReturnAsync(order.Number, "Too small", Customer, Ct);

        requested.Status.ShouldBe(OrderStatus.ReturnRequested);
        requested.ReturnReason.ShouldBe("Too small");
        requested.History[^1].Note.ShouldBe("Too small");
        requested.History[^1].Actor.ShouldBe(CustomerId);
    }

    [Fact]
    public async Task After_the_return_window_the_customer_can_no_longer_ask_but_support_can_for_them()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Returns.RequestReturnAsync(order.Number, "Too small", Customer, Ct));
        refused.Message.ShouldContain("30 days");
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.Delivered);

        (await _bed.Returns.RequestReturnAsync(order.Number, "Goodwill", Support, Ct)).Status.ShouldBe(OrderStatus.ReturnRequested);
    }

    [Fact]
    public async Task Another_customers_order_cannot_be_returned_and_does_not_even_exist_for_them()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Returns.RequestReturnAsync(order.Number, "Mine now", OtherCustomer, Ct));

        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.Delivered);
    }

    [Fact]
    public async Task A_guest_order_cannot_be_returned_by_a_signed_in_customer()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Processing, customerId: null);

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Returns.RequestReturnAsync(order.Number, "Mine", Customer, Ct));
    }

    [Fact]
    public async Task Asking_twice_for_a_return_records_it_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        await _bed.Returns.RequestReturnAsync(order.Number, "Too small", Customer, Ct);

        await _bed.Returns.RequestReturnAsync(order.Number, "Too small", Customer, Ct);

        _bed.Stored(order.Number).History.Count(h => h.Change == OrderChange.ReturnRequested).ShouldBe(1);
    }

    [Fact]
    public async Task A_rejected_return_puts_the_order_back_to_delivered_with_the_reason_for_the_customer()
    {
        var order = await _bed.InStatusAsync(OrderStatus.ReturnRequested);

        var rejected = await _bed.Returns.RejectReturnAsync(order.Number, "Worn and washed", Support, Ct);
        var again = await _bed.Returns.RejectReturnAsync(order.Number, "Worn and washed", Support, Ct);

        rejected.Status.ShouldBe(OrderStatus.Delivered);
        rejected.History[^1].Change.ShouldBe(OrderChange.ReturnRejected);
        OrderView.Of(rejected, _bed.Settings).History[^1].Note.ShouldBe("Worn and washed");
        again.History.Count(h => h.Change == OrderChange.ReturnRejected).ShouldBe(1);
    }

    [Fact]
    public async Task After_a_rejection_the_customer_may_ask_again_within_the_window()
    {
        var order = await _bed.InStatusAsync(OrderStatus.ReturnRequested);
        await _bed.Returns.RejectReturnAsync(order.Number, "Send photos", Support, Ct);

        (await _bed.Returns.RequestReturnAsync(order.Number, "Photos attached", Customer, Ct)).Status.ShouldBe(OrderStatus.ReturnRequested);
    }

    [Fact]
    public async Task A_returned_parcel_is_received_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.ReturnRequested);

        var returned = await _bed.Returns.MarkReturnedAsync(order.Number, Support, Ct);
        await _bed.Returns.MarkReturnedAsync(order.Number, Support, Ct);

        returned.Status.ShouldBe(OrderStatus.Returned);
        _bed.Stored(order.Number).History.Count(h => h.Change == OrderChange.Returned).ShouldBe(1);
    }

    [Fact]
    public async Task Receiving_a_return_after_the_refund_changes_nothing()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Returned);
        await _bed.Orders.RefundAsync(order.Number, Eur(46.50m), "Returned", Admin, Ct);

        var again = await _bed.Returns.MarkReturnedAsync(order.Number, Support, Ct);

        again.Status.ShouldBe(OrderStatus.Refunded);
    }
}
