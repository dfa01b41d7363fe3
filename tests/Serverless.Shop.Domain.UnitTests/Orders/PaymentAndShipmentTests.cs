using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

public sealed class PaymentAndShipmentTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<Order> Placed(PaymentMethod method = PaymentMethod.Card) => _bed.Orders.PlaceAsync(Placement(method: method), Ct);

    [Fact]
    public async Task A_bank_transfer_waiting_for_the_money_is_recorded_with_its_instructions_and_the_order_stays_pending()
    {
        var order = await Placed(PaymentMethod.BankTransfer);

        var waiting = await _bed.Orders.RecordPaymentAttemptAsync(order.Number, AwaitingTransfer(), Ct);

        waiting.Status.ShouldBe(OrderStatus.PendingPayment);
        waiting.Payment!.Outcome.ShouldBe(PaymentOutcome.AwaitingTransfer);
        waiting.Payment.Transfer!.Iban.ShouldBe("DE89370400440532013000");
        waiting.History[^1].Change.ShouldBe(OrderChange.PaymentPending);
        waiting.History[^1].Note!.ShouldContain("SS7KQ4XM2P");
        _bed.Messages[^1].Change.ShouldBe(OrderChange.PaymentPending);
    }

    [Fact]
    public async Task A_payment_waiting_for_approval_keeps_the_redirect_for_the_customer()
    {
        var order = await Placed(PaymentMethod.EWallet);
        var attempt = new OrderPayment(PaymentMethod.EWallet, FakePaymentGateway.Name, "wal_1", PaymentOutcome.ActionRequired, Eur(0), Eur(0), RedirectUrl: "https://wallet.example/approve/1");

        var waiting = await _bed.Orders.RecordPaymentAttemptAsync(order.Number, attempt, Ct);

        waiting.Payment!.RedirectUrl.ShouldBe("https://wallet.example/approve/1");
        OrderView.Of(waiting, _bed.Settings).Payment!.RedirectUrl.ShouldBe("https://wallet.example/approve/1");
    }

    [Fact]
    public async Task A_declined_payment_is_recorded_with_its_code_for_staff_only()
    {
        var order = await Placed();
        var declined = new OrderPayment(PaymentMethod.Card, FakePaymentGateway.Name, "pi_9", PaymentOutcome.Declined, Eur(0), Eur(0), DeclineCode: "insufficient_funds");

        var after = await _bed.Orders.RecordPaymentAttemptAsync(order.Number, declined, Ct);

        after.Status.ShouldBe(OrderStatus.PendingPayment);
        after.History[^1].Change.ShouldBe(OrderChange.PaymentDeclined);
        after.History[^1].StaffNote!.ShouldContain("insufficient_funds");
        OrderView.Of(after, _bed.Settings).History[^1].Note!.ShouldNotContain("insufficient_funds");
    }

    [Fact]
    public async Task Recording_the_same_attempt_twice_adds_nothing()
    {
        var order = await Placed(PaymentMethod.BankTransfer);
        await _bed.Orders.RecordPaymentAttemptAsync(order.Number, AwaitingTransfer(), Ct);
        var saves = _bed.Store.Saves;

        await _bed.Orders.RecordPaymentAttemptAsync(order.Number, AwaitingTransfer(), Ct);

        _bed.Store.Saves.ShouldBe(saves);
        _bed.Stored(order.Number).History.Count.ShouldBe(2);
        _bed.Messages.Select(m => m.MessageId).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task A_captured_payment_is_not_an_attempt()
    {
        var order = await Placed();

        await Should.ThrowAsync<ArgumentException>(() => _bed.Orders.RecordPaymentAttemptAsync(order.Number, Captured(), Ct));
    }

    [Fact]
    public async Task A_payment_attempt_on_a_paid_order_is_refused()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.RecordPaymentAttemptAsync(order.Number, AwaitingTransfer(), Ct));

        refused.Message.ShouldContain("is paid");
    }

    [Fact]
    public async Task Marking_an_order_paid_records_the_payment_the_time_and_who_said_so()
    {
        var order = await Placed();
        _bed.Clock.Advance(TimeSpan.FromMinutes(2));

        var paid = await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        paid.Status.ShouldBe(OrderStatus.Paid);
        paid.PaidAt.ShouldBe(_bed.Clock.Now);
        paid.Payment!.CapturedAmount.ShouldBe(Eur(46.50m));
        paid.Payment.RefundedAmount.ShouldBe(Eur(0m));
        paid.History[^1].ShouldBe(new OrderHistoryEntry(2, _bed.Clock.Now, OrderChange.Paid, OrderStatus.Paid, "system:checkout", "Payment of 46.50 EUR received.", Reference: "pi_1"));
    }

    [Fact]
    public async Task Marking_paid_twice_with_the_same_payment_changes_nothing_the_second_time()
    {
        var order = await Placed();
        var paid = await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        var again = await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        again.ShouldBe(paid);
        _bed.Stored(order.Number).History.Count(h => h.Change == OrderChange.Paid).ShouldBe(1);
        _bed.Messages.Where(m => m.Change == OrderChange.Paid).Select(m => m.MessageId).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_second_payment_for_a_paid_order_is_refused_so_that_it_gets_refunded()
    {
        var order = await Placed();
        await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.MarkPaidAsync(order.Number, Captured(paymentId: "pi_2"), CheckoutActor, Ct));

        refused.Message.ShouldContain("already paid");
    }

    [Fact]
    public async Task Capturing_less_than_the_total_does_not_pay_the_order()
    {
        var order = await Placed();

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.MarkPaidAsync(order.Number, Captured(46.49m), CheckoutActor, Ct));

        refused.Field.ShouldBe("amount");
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public async Task A_payment_in_another_currency_does_not_pay_the_order()
    {
        var order = await Placed();

        var refused = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.Orders.MarkPaidAsync(order.Number, Captured() with { CapturedAmount = new Money(46.50m, "USD") }, CheckoutActor, Ct));

        refused.ShouldReport("amount.currency");
    }

    [Fact]
    public async Task A_transfer_arriving_after_the_order_was_cancelled_is_refused_naming_the_status()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Cancelled);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct));

        refused.Message.ShouldContain("is cancelled");
    }

    [Fact]
    public async Task An_unknown_order_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Orders.MarkPaidAsync(OrderNumbers.New(), Captured(), CheckoutActor, Ct));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Orders.MarkPaidAsync("not-a-number", Captured(), CheckoutActor, Ct));
    }

    [Fact]
    public async Task Attaching_the_shipment_starts_processing_and_keeps_the_tracking_link()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var processing = await _bed.Orders.AttachShipmentAsync(order.Number, Shipment(), Ct);

        processing.Status.ShouldBe(OrderStatus.Processing);
        processing.Shipment!.TrackingUrl.ShouldBe("https://track.example/TRACK123");
        processing.Shipment.LastTrackingStatus.ShouldBeNull();
        processing.History[^1].Change.ShouldBe(OrderChange.ShipmentCreated);
    }

    [Fact]
    public async Task Attaching_the_same_shipment_twice_adds_nothing()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.AttachShipmentAsync(order.Number, Shipment(), Ct);
        var saves = _bed.Store.Saves;

        await _bed.Orders.AttachShipmentAsync(order.Number, Shipment(), Ct);

        _bed.Store.Saves.ShouldBe(saves);
        _bed.Stored(order.Number).History.Count(h => h.Change == OrderChange.ShipmentCreated).ShouldBe(1);
    }

    [Fact]
    public async Task A_change_made_meanwhile_by_someone_else_is_kept_and_the_command_applied_on_top()
    {
        var order = await Placed(PaymentMethod.BankTransfer);
        _bed.Store.BeforeNextSave = () =>
        {
            var current = _bed.Stored(order.Number);
            _bed.Store.Overwrite(current with { NotifiedSequences = [1] });
        };

        var paid = await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        _bed.Store.Conflicts.ShouldBe(1);
        paid.Status.ShouldBe(OrderStatus.Paid);
        _bed.Stored(order.Number).NotifiedSequences.ShouldBe([1]);
        _bed.Stored(order.Number).History.Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_message_for_a_change_goes_out_only_after_the_change_is_saved()
    {
        var order = await Placed();
        _bed.Store.BeforeNextSave = () => _bed.Messages.Count.ShouldBe(1, "nothing may be announced before it is saved");

        await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        _bed.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task If_the_queue_fails_after_the_save_the_retried_command_sends_the_same_message_again()
    {
        var order = await Placed();
        _bed.Queue.Failure = new IOException("queue down");
        await Should.ThrowAsync<IOException>(() => _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct));
        _bed.Queue.Failure = null;

        await _bed.Orders.MarkPaidAsync(order.Number, Captured(), CheckoutActor, Ct);

        _bed.Messages.Single(m => m.Change == OrderChange.Paid).MessageId.ShouldBe($"{order.Number}:2");
        _bed.Stored(order.Number).History.Count.ShouldBe(2);
    }
}
