using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders;

public sealed class NotifyOrderChangeTests
{
    private readonly OrderTestBed _bed = new();
    private readonly RecordingEmailSender _email = new();
    private readonly RecordingIntegrationEvents _events = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private NotifyOrderChange Notify => new(_bed.Store, _email, _events, _bed.Settings, _bed.Clock);

    /// <summary>Delivers every message queued so far, in order, as the queue function would.</summary>
    private async Task DeliverAllAsync()
    {
        foreach (var message in _bed.Messages) await Notify.HandleAsync(message, Ct);
    }

    [Fact]
    public async Task A_paid_order_gets_a_confirmation_with_its_number_lines_and_totals()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        await DeliverAllAsync();

        var mail = _email.Sent.ShouldHaveSingleItem();
        mail.To.ShouldBe(["ada@example.com"]);
        mail.Subject.ShouldBe($"Order {order.Number} confirmed");
        mail.TextBody.ShouldContain(order.Number);
        mail.TextBody.ShouldContain("2 x Blue mug (MUG-BLUE)");
        mail.TextBody.ShouldContain("Spring sale");
        mail.TextBody.ShouldContain("-2.40 EUR");
        mail.TextBody.ShouldContain("Tax (included)");
        mail.TextBody.ShouldMatch(@"Total\s+46\.50 EUR");
    }

    [Fact]
    public async Task Every_change_is_published_as_an_order_event_with_the_message_id()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        await DeliverAllAsync();

        _events.Published.Select(e => (e.Type, e.Id, e.Subject)).ShouldBe([
            ("order.placed", $"{order.Number}:1", order.Number),
            ("order.paid", $"{order.Number}:2", order.Number),
        ]);
        var paid = (OrderEvent)_events.Published[1].Data;
        paid.Status.ShouldBe(OrderStatus.Paid);
        paid.Captured.ShouldBe(Eur(46.50m));
        paid.CustomerId.ShouldBe(CustomerId);
    }

    [Fact]
    public async Task A_redelivered_message_neither_emails_nor_publishes_again()
    {
        await _bed.InStatusAsync(OrderStatus.Paid);
        var paid = _bed.Messages.Single(m => m.Change == OrderChange.Paid);

        await Notify.HandleAsync(paid, Ct);
        await Notify.HandleAsync(paid, Ct);

        _email.Sent.Count.ShouldBe(1);
        _events.Published.Select(e => e.Id).ShouldBe([paid.MessageId]);
    }

    [Fact]
    public async Task A_bank_transfer_order_gets_the_payment_instructions()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(method: PaymentMethod.BankTransfer), Ct);
        await _bed.Orders.RecordPaymentAttemptAsync(order.Number, AwaitingTransfer(), Ct);

        await DeliverAllAsync();

        var mail = _email.Sent.ShouldHaveSingleItem();
        mail.Subject.ShouldBe($"Order {order.Number} received: please pay by bank transfer");
        mail.TextBody.ShouldContain("DE89370400440532013000");
        mail.TextBody.ShouldContain("SS7KQ4XM2P");
        mail.TextBody.ShouldContain("46.50 EUR");
        mail.TextBody.ShouldContain("21 March 2025");
    }

    [Fact]
    public async Task A_card_order_waiting_for_approval_gets_no_email_yet()
    {
        var order = await _bed.Orders.PlaceAsync(Placement(), Ct);
        await _bed.Orders.RecordPaymentAttemptAsync(order.Number,
            new OrderPayment(PaymentMethod.Card, FakePaymentGateway.Name, "pi_3ds", PaymentOutcome.ActionRequired, Eur(0), Eur(0), RedirectUrl: "https://3ds.example"), Ct);

        await DeliverAllAsync();

        _email.Sent.ShouldBeEmpty();
        _events.Published.Select(e => e.Type).ShouldBe(["order.placed", "order.payment-pending"]);
    }

    [Fact]
    public async Task Shipping_and_delivery_emails_carry_the_tracking_link()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);

        await DeliverAllAsync();

        _email.Sent.Select(m => m.Subject).ShouldBe([$"Order {order.Number} confirmed", $"Order {order.Number} is on its way", $"Order {order.Number} was delivered"]);
        _email.Sent[1].TextBody.ShouldContain("https://track.example/TRACK123");
        _email.Sent[1].TextBody.ShouldContain("TRACK123");
        _email.Sent[2].TextBody.ShouldContain("return it until");
        _events.Published.Select(e => e.Type).ShouldBe(["order.placed", "order.paid", "order.shipment-created", "order.shipped", "order.delivered"]);
    }

    [Fact]
    public async Task A_scan_that_changes_nothing_is_published_but_not_emailed()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Processing);
        await _bed.Orders.ApplyTrackingAsync(_bed.Tracking(order.Number, TrackingStatus.LabelCreated), Ct);

        await DeliverAllAsync();

        _email.Sent.Count.ShouldBe(1);
        _events.Published[^1].Type.ShouldBe("order.tracking-updated");
    }

    [Fact]
    public async Task A_cancelled_order_email_gives_the_reason_and_the_refund_follows_in_its_own_email()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.CancelAsync(order.Number, "The item is out of stock", Support, Ct);

        await DeliverAllAsync();

        var cancelled = _email.Sent.Single(m => m.Subject == $"Order {order.Number} was cancelled");
        cancelled.TextBody.ShouldContain("The item is out of stock");
        cancelled.TextBody.ShouldContain("46.50 EUR you paid is refunded");
        var refund = _email.Sent.Single(m => m.Subject == $"Refund issued for order {order.Number}");
        refund.TextBody.ShouldContain("We refunded 46.50 EUR");
        _events.Published.Select(e => e.Type).TakeLast(2).ShouldBe(["order.cancelled", "order.refunded"]);
    }

    [Fact]
    public async Task A_partial_refund_email_says_how_much_and_how_much_so_far_without_the_staff_reason()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        await _bed.Orders.RefundAsync(order.Number, Eur(10m), "Internal: courier damage claim 4711", Admin, Ct);

        await DeliverAllAsync();

        var mail = _email.Sent[^1];
        mail.Subject.ShouldBe($"Refund issued for order {order.Number}");
        mail.TextBody.ShouldContain("We refunded 10.00 EUR");
        mail.TextBody.ShouldContain("Refunded so far: 10.00 EUR of 46.50 EUR");
        mail.TextBody.ShouldNotContain("4711");
        _events.Published[^1].Type.ShouldBe("order.partially-refunded");
    }

    [Fact]
    public async Task Return_requested_rejected_and_received_are_each_emailed()
    {
        var order = await _bed.InStatusAsync(OrderStatus.ReturnRequested);
        await _bed.Returns.RejectReturnAsync(order.Number, "Please send photos first", Support, Ct);
        await _bed.Returns.RequestReturnAsync(order.Number, "Photos attached", Customer, Ct);
        await _bed.Returns.MarkReturnedAsync(order.Number, Support, Ct);

        await DeliverAllAsync();

        _email.Sent.Select(m => m.Subject).TakeLast(4).ShouldBe([
            $"Return requested for order {order.Number}", $"Your return request for order {order.Number}",
            $"Return requested for order {order.Number}", $"Return received for order {order.Number}"]);
        _email.Sent[^3].TextBody.ShouldContain("Please send photos first");
    }

    [Fact]
    public async Task The_order_remembers_which_changes_were_emailed()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        await DeliverAllAsync();

        _bed.Stored(order.Number).NotifiedSequences.ShouldBe([2]);
    }

    [Fact]
    public async Task A_message_about_an_order_that_is_not_there_does_nothing()
    {
        await Notify.HandleAsync(new OrderChanged("SS-0000-0000:1", "SS-0000-0000", 1, OrderChange.Paid, OrderStatus.Paid, DateTimeOffset.UnixEpoch), Ct);

        _email.Sent.ShouldBeEmpty();
        _events.Published.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(OrderChange.Placed, "order.placed")]
    [InlineData(OrderChange.PaymentPending, "order.payment-pending")]
    [InlineData(OrderChange.ReturnRequested, "order.return-requested")]
    [InlineData(OrderChange.PartiallyRefunded, "order.partially-refunded")]
    public void Event_types_are_the_change_in_kebab_case(OrderChange change, string type) =>
        NotifyOrderChange.EventType(change).ShouldBe(type);

    [Fact]
    public void Amounts_are_written_with_the_currencys_minor_digits()
    {
        OrderEmails.Format(new Money(1200m, "JPY")).ShouldBe("1200 JPY");
        OrderEmails.Format(new Money(19.9m, "EUR")).ShouldBe("19.90 EUR");
        OrderEmails.Format(new Money(1.5m, "KWD")).ShouldBe("1.500 KWD");
    }
}
