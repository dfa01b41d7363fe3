using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.UnitTests.Orders;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Checkout;

/// <summary>Reconciliation finds orders whose money and status disagree, and stuck card checkouts, and settles them through the shop's own paths.</summary>
public sealed class ReconcilePaymentsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly CheckoutSettings Settings = CheckoutSettings.Default;
    private readonly OrderTestBed _bed = new();
    private readonly FakeCheckoutSignals _signals = new();
    private readonly FakePaymentSearch _search = new();

    private ReconcilePayments Reconciliation => new(_bed.Store, _bed.Payments, _bed.Refunds, new FindInterruptedCheckouts(_bed.Store, Settings, _bed.Clock),
        new PaymentGateways([_bed.Gateway], []), [_search], Settings, _bed.Clock);

    private async Task<Order> PendingWithCaptureAsync()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        return (await _bed.Payments.RecordAsync(order.Number, _bed.Capture(), Ct)).Order;
    }

    [Fact]
    public async Task Money_recorded_for_an_order_whose_checkout_is_gone_restarts_the_checkout_once_it_counts_as_interrupted()
    {
        var order = await PendingWithCaptureAsync();

        var early = await Reconciliation.RunAsync(_signals, Ct);
        _bed.Clock.Advance(Settings.ResumeAfter);
        var later = await Reconciliation.RunAsync(_signals, Ct);

        early.ShouldBe([new ReconciledOrder(order.Number, ReconcileAction.Waiting, "placed moments ago; its checkout will find the payment")]);
        later.ShouldBe([new ReconciledOrder(order.Number, ReconcileAction.Restarted, "pi_1")]);
        _signals.Restarted.ShouldHaveSingleItem().ShouldBe(new CheckoutProcess(order.Number, PaymentMethod.Card, null, null, null, Settings.ReservationHold, Settings.PaymentActionTimeout));
    }

    [Fact]
    public async Task A_checkout_started_again_gets_the_payment_token_return_url_and_cart_it_was_started_with()
    {
        var placed = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        var stored = (await _bed.Store.FindAsync(placed.Number, Ct))!;
        var inputs = new CheckoutResumeInputs("pm_card_visa", "https://shop.example/checkout/done", "cart-1");
        await _bed.Store.SaveAsync(stored.Value with { CheckoutInputs = inputs }, stored.Version, Ct);
        _bed.Clock.Advance(Settings.ResumeAfter);

        var process = await new FindInterruptedCheckouts(_bed.Store, Settings, _bed.Clock).ProcessForAsync(placed.Number, Ct);

        process.ShouldBe(new CheckoutProcess(placed.Number, PaymentMethod.Card, "pm_card_visa", "https://shop.example/checkout/done", "cart-1",
            Settings.ReservationHold, Settings.PaymentActionTimeout));
    }

    [Fact]
    public async Task Money_recorded_for_an_order_whose_checkout_runs_is_signalled_to_it_as_the_same_ledger_entry()
    {
        var order = await PendingWithCaptureAsync();
        _signals.Running.Add(order.Number);

        var done = await Reconciliation.RunAsync(_signals, Ct);

        done.ShouldBe([new ReconciledOrder(order.Number, ReconcileAction.Signalled, "pi_1")]);
        var signalled = _signals.Signalled.ShouldHaveSingleItem();
        (signalled.Type, signalled.PaymentId, signalled.Amount).ShouldBe((PaymentEventType.PaymentSucceeded, "pi_1", Eur(46.50m)));
        LedgerKeys.For(signalled)!.Key.ShouldBe(_bed.Capture().Key, "the checkout must record the same entry when it marks the order paid");
        _signals.Restarted.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_charge_whose_webhook_never_came_is_found_at_the_provider_recorded_once_and_the_checkout_restarted()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        _search.Payments.Add(new FoundPayment(FakePaymentGateway.Name, "pi_found", order.Number, Eur(46.50m), Captured: true, _bed.Clock.Now));
        _search.Payments.Add(new FoundPayment(FakePaymentGateway.Name, "pi_declined", order.Number, Eur(46.50m), Captured: false, _bed.Clock.Now));
        _bed.Clock.Advance(Settings.ResumeAfter + TimeSpan.FromSeconds(1));

        var first = await Reconciliation.RunAsync(_signals, Ct);
        var second = await Reconciliation.RunAsync(_signals, Ct);

        first.ShouldHaveSingleItem().Action.ShouldBe(ReconcileAction.PaymentFound);
        second.ShouldHaveSingleItem().Number.ShouldBe(order.Number);
        var stored = _bed.Stored(order.Number);
        stored.Ledger!.Entries.ShouldHaveSingleItem().ShouldBe(new LedgerEntry(LedgerKeys.Captured(FakePaymentGateway.Name, "pi_found"), FakePaymentGateway.Name,
            "pi_found", LedgerEntryKind.Captured, Eur(46.50m), _bed.Clock.Now - Settings.ResumeAfter - TimeSpan.FromSeconds(1), "reconciliation"));
        _signals.Restarted.ShouldAllBe(p => p.OrderNumber == order.Number);
        _search.Searched.ShouldAllBe(n => n == order.Number);
    }

    [Fact]
    public async Task A_stuck_card_order_with_nothing_at_the_provider_is_resumed_like_the_resume_timer_does_and_other_methods_are_not_searched()
    {
        var card = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        var transfer = await _bed.Orders.PlaceAsync(Placement(method: PaymentMethod.BankTransfer), Ct);
        _bed.Clock.Advance(Settings.ResumeAfter + TimeSpan.FromSeconds(1));

        var done = await Reconciliation.RunAsync(_signals, Ct);

        done.ShouldBe([new ReconciledOrder(card.Number, ReconcileAction.Restarted, "no payment at the provider")]);
        _search.Searched.ShouldBe([card.Number]);
        _signals.Restarted.Select(p => p.OrderNumber).ShouldNotContain(transfer.Number);
    }

    [Fact]
    public async Task A_cancellation_refund_that_failed_is_made_on_the_next_run_and_the_order_is_then_left_alone()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        _bed.Gateway.FailNext = new TimeoutException("provider timed out");
        await Should.ThrowAsync<TimeoutException>(() => _bed.Orders.CancelAsync(order.Number, "Out of stock", Support, Ct));

        var first = await Reconciliation.RunAsync(_signals, Ct);
        var second = await Reconciliation.RunAsync(_signals, Ct);

        first.ShouldBe([new ReconciledOrder(order.Number, ReconcileAction.Refunded)]);
        second.ShouldBeEmpty();
        _bed.Gateway.MoneyRefunded.ShouldBe(46.50m);
        _bed.Stored(order.Number).Ledger!.Unrefunded.ShouldBe(0m);
    }

    [Fact]
    public async Task An_order_whose_fix_fails_is_flagged_and_does_not_stop_the_others()
    {
        var failing = await _bed.InStatusAsync(OrderStatus.Paid);
        _bed.Gateway.FailNext = new TimeoutException("provider timed out");
        await Should.ThrowAsync<TimeoutException>(() => _bed.Orders.CancelAsync(failing.Number, "Out of stock", Support, Ct));
        _bed.Clock.Advance(TimeSpan.FromSeconds(1));
        var captured = await PendingWithCaptureAsync();
        _signals.Running.Add(captured.Number);
        _bed.Gateway.FailNext = new TimeoutException("still down");

        var done = await Reconciliation.RunAsync(_signals, Ct);

        done.ShouldBe([
            new ReconciledOrder(failing.Number, ReconcileAction.FlaggedForStaff, "still down"),
            new ReconciledOrder(captured.Number, ReconcileAction.Signalled, "pi_1"),
        ]);
        OrderPaymentRules.NeedsAttention(_bed.Stored(failing.Number)).ShouldBeTrue();
    }

    private sealed class FakeCheckoutSignals : ICheckoutSignals
    {
        public HashSet<string> Running { get; } = [];
        public List<PaymentEvent> Signalled { get; } = [];
        public List<CheckoutProcess> Restarted { get; } = [];

        public Task<bool> SignalPaymentAsync(PaymentEvent payment, CancellationToken ct)
        {
            if (!Running.Contains(payment.OrderId)) return Task.FromResult(false);
            Signalled.Add(payment);
            return Task.FromResult(true);
        }

        public Task<bool> RestartAsync(CheckoutProcess process, CancellationToken ct)
        {
            if (Running.Contains(process.OrderNumber)) return Task.FromResult(false);
            Restarted.Add(process);
            Running.Add(process.OrderNumber);
            return Task.FromResult(true);
        }
    }

    private sealed class FakePaymentSearch : IPaymentSearch
    {
        public List<FoundPayment> Payments { get; } = [];
        public List<string> Searched { get; } = [];
        public string Provider => FakePaymentGateway.Name;

        public Task<IReadOnlyList<FoundPayment>> FindByOrderAsync(string orderNumber, CancellationToken ct)
        {
            Searched.Add(orderNumber);
            return Task.FromResult<IReadOnlyList<FoundPayment>>(Payments.Where(p => p.OrderId == orderNumber).ToList());
        }
    }
}
