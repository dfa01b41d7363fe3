using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>Refunds go through the gateway that took the payment, add up, never exceed what was captured, and never happen twice.</summary>
public sealed class RefundTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<Order> Refund(Order order, decimal amount, string operationId = "op_1", string currency = "EUR") =>
        _bed.Orders.RefundAsync(order.Number, new Money(amount, currency), "Scratched mug", Admin, operationId, Ct);

    [Fact]
    public async Task A_partial_refund_keeps_the_status_and_records_the_amount()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        var refunded = await Refund(order, 10.00m);

        refunded.Status.ShouldBe(OrderStatus.Delivered);
        refunded.Payment!.RefundedAmount.ShouldBe(Eur(10.00m));
        refunded.RefundableAmount.ShouldBe(Eur(36.50m));
        var entry = refunded.History[^1];
        entry.Change.ShouldBe(OrderChange.PartiallyRefunded);
        entry.Amount.ShouldBe(Eur(10.00m));
        entry.Actor.ShouldBe(Admin.Id);
        entry.StaffNote.ShouldBe("Scratched mug");
        entry.Reference.ShouldBe($"re_{order.Number}-refund-1");
        _bed.Gateway.Calls.ShouldBe([("pi_1", Eur(10.00m), $"{order.Number}-refund-1")]);
    }

    [Fact]
    public async Task Partial_refunds_add_up_and_the_one_that_completes_them_refunds_the_order()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        await Refund(order, 10.00m, "op_1");
        await Refund(order, 20.00m, "op_2");
        var last = await Refund(order, 16.50m, "op_3");

        last.Status.ShouldBe(OrderStatus.Refunded);
        last.Payment!.RefundedAmount.ShouldBe(Eur(46.50m));
        last.RefundableAmount.ShouldBe(Eur(0m));
        last.History.Where(h => h.Amount is not null).Select(h => h.Change)
            .ShouldBe([OrderChange.PartiallyRefunded, OrderChange.PartiallyRefunded, OrderChange.Refunded]);
        _bed.Gateway.Calls.Select(c => c.Key).ShouldBe([$"{order.Number}-refund-1", $"{order.Number}-refund-2", $"{order.Number}-refund-3"]);
        _bed.Gateway.MoneyRefunded.ShouldBe(46.50m);
    }

    [Fact]
    public async Task Refunding_more_than_is_left_is_a_conflict_on_the_amount_and_nothing_is_refunded()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        await Refund(order, 40.00m, "op_1");
        var before = _bed.Store.Current(order.Number);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => Refund(order, 6.51m, "op_2"));

        refused.Field.ShouldBe("amount");
        refused.Message.ShouldContain("6.50 EUR");
        _bed.Store.Current(order.Number).ShouldBe(before);
        _bed.Gateway.Calls.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(0, "EUR", "amount.amount")]
    [InlineData(-5, "EUR", "amount.amount")]
    [InlineData(10.001, "EUR", "amount.amount")]
    [InlineData(2_000_000, "EUR", "amount.amount")]
    [InlineData(10, "USD", "amount.currency")]
    [InlineData(10, "XYZ", "amount.currency")]
    public async Task An_amount_that_is_not_a_sensible_sum_in_the_orders_currency_is_refused_as_input(decimal amount, string currency, string field)
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var before = _bed.Store.Current(order.Number);

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Refund(order, amount, currency: currency));

        failure.ShouldReport(field);
        _bed.Store.Current(order.Number).ShouldBe(before);
        _bed.Gateway.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_order_that_was_never_paid_has_nothing_to_refund()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => Refund(order, 1m));

        refused.Field.ShouldBe("amount");
        refused.Message.ShouldContain("pending payment");
    }

    [Fact]
    public async Task The_same_refund_asked_twice_refunds_once()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var first = await Refund(order, 10.00m, "op_same");

        var again = await Refund(order, 10.00m, "op_same");

        again.ShouldBe(first);
        _bed.Gateway.Calls.Count.ShouldBe(1);
        again.History.Count(h => h.Amount is not null).ShouldBe(1);
    }

    [Fact]
    public async Task A_refund_the_gateway_failed_frees_the_amount_and_a_retry_uses_the_same_idempotency_key()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Gateway.FailNext = new TimeoutException("no answer");

        await Should.ThrowAsync<TimeoutException>(() => Refund(order, 10.00m, "op_1"));
        var failed = _bed.Stored(order.Number);
        failed.Refunds.Single().State.ShouldBe(RefundState.Failed);
        failed.Refunds.Single().Failure.ShouldBe("no answer");
        failed.RefundableAmount.ShouldBe(Eur(46.50m));
        failed.History[^1].Change.ShouldBe(OrderChange.Delivered);

        var retried = await Refund(order, 10.00m, "op_1");

        retried.Payment!.RefundedAmount.ShouldBe(Eur(10.00m));
        _bed.Gateway.Calls.Select(c => c.Key).ShouldBe([$"{order.Number}-refund-1", $"{order.Number}-refund-1"]);
        _bed.Gateway.MoneyRefunded.ShouldBe(10.00m);
    }

    [Fact]
    public async Task Two_refunds_at_once_can_never_give_back_more_than_was_captured()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        _bed.Gateway.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = Refund(order, 30.00m, "op_a");
        await _bed.Gateway.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await Should.ThrowAsync<BusinessRuleViolationException>(() => Refund(order, 30.00m, "op_b"));
        _bed.Gateway.Hold.SetResult();
        await first;

        second.Field.ShouldBe("amount");
        _bed.Gateway.MoneyRefunded.ShouldBe(30.00m);
        _bed.Stored(order.Number).Payment!.RefundedAmount.ShouldBe(Eur(30.00m));
    }

    [Fact]
    public async Task Everything_refunded_while_the_parcel_travels_keeps_the_order_shipped()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Shipped);

        var refunded = await Refund(order, 46.50m);

        refunded.Status.ShouldBe(OrderStatus.Shipped);
        refunded.History[^1].Change.ShouldBe(OrderChange.Refunded);
    }

    [Fact]
    public async Task A_refund_through_a_provider_that_is_not_configured_is_refused_before_anything_is_claimed()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var orders = new ManageOrders(_bed.Store, _bed.Queue, [new FakePaymentGateway("otherpay")], [], _bed.Settings, _bed.Clock);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            orders.RefundAsync(order.Number, Eur(5m), "Goodwill", Admin, "op_1", Ct));

        refused.Message.ShouldContain(FakePaymentGateway.Name);
        _bed.Stored(order.Number).Refunds.ShouldBeEmpty();
    }

    [Fact]
    public async Task Each_completed_refund_sends_one_message()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var before = _bed.Messages.Count;

        await Refund(order, 5m, "op_1");
        await Refund(order, 5m, "op_1");

        _bed.Messages.Skip(before).Select(m => (m.Change, m.MessageId)).Distinct().ShouldBe([(OrderChange.PartiallyRefunded, $"{order.Number}:{_bed.Stored(order.Number).History[^1].Sequence}")]);
    }

    [Fact]
    public async Task A_refund_request_from_the_api_needs_an_amount_and_a_reason()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.Orders.RefundAsync(order.Number, new RefundInput(null, " "), Admin, "op_1", Ct));

        failure.ShouldReport("amount");
        failure.ShouldReport("reason");
    }
}
