using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.UnitTests.Orders;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Checkout;

/// <summary>A payment webhook records the money on the order before it tells the checkout, and starts a checkout that is gone, never one about to start.</summary>
public sealed class ReceivePaymentWebhookTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OrderTestBed _bed = new();
    private readonly FakeReader _reader = new();
    private readonly RecordingSignals _signals = new();

    private ReceivePaymentWebhook Webhook => new(new PaymentGateways([_bed.Gateway], [_reader]), new MemoryInbox(), _bed.Payments,
        new FindInterruptedCheckouts(_bed.Store, CheckoutSettings.Default, _bed.Clock));

    private PaymentEvent Succeeded(string number, string eventId = "evt_1") =>
        new(eventId, FakePaymentGateway.Name, PaymentEventType.PaymentSucceeded, number, "pi_1", Eur(46.50m), _bed.Clock.Now, null);

    [Fact]
    public async Task The_money_is_on_the_order_before_the_running_checkout_hears_of_it()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        _signals.Running = true;
        _signals.OnSignal = () => _bed.Stored(order.Number).Ledger!.Captured.ShouldBe(46.50m, "recorded before the signal");
        _reader.Next = Succeeded(order.Number);

        var receipt = await Webhook.HandleAsync(FakePaymentGateway.Name, new Dictionary<string, string>(), "{}", _signals, Ct);

        receipt.ShouldBe(WebhookReceipt.Handled);
        _signals.Signals.ShouldBe(1);
        _signals.Restarts.ShouldBeEmpty();
    }

    [Fact]
    public async Task With_no_checkout_running_a_young_order_keeps_the_money_and_is_left_to_the_checkout_about_to_start()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        _reader.Next = Succeeded(order.Number);

        var receipt = await Webhook.HandleAsync(FakePaymentGateway.Name, new Dictionary<string, string>(), "{}", _signals, Ct);

        receipt.ShouldBe(WebhookReceipt.Handled);
        _signals.Restarts.ShouldBeEmpty();
        _bed.Stored(order.Number).Ledger!.Captured.ShouldBe(46.50m);
    }

    [Fact]
    public async Task With_no_checkout_running_an_interrupted_order_gets_its_checkout_started_again()
    {
        var order = await _bed.InStatusAsync(OrderStatus.PendingPayment);
        _bed.Clock.Advance(CheckoutSettings.Default.ResumeAfter);
        _reader.Next = Succeeded(order.Number);

        var receipt = await Webhook.HandleAsync(FakePaymentGateway.Name, new Dictionary<string, string>(), "{}", _signals, Ct);

        receipt.ShouldBe(WebhookReceipt.CheckoutResumed);
        _signals.Restarts.ShouldBe([order.Number]);
    }

    [Fact]
    public async Task A_payment_for_an_order_this_shop_does_not_have_is_ignored_and_nothing_is_signalled()
    {
        _reader.Next = Succeeded("SS-ZZZZ-ZZZZ");

        var receipt = await Webhook.HandleAsync(FakePaymentGateway.Name, new Dictionary<string, string>(), "{}", _signals, Ct);

        receipt.ShouldBe(WebhookReceipt.Ignored);
        _signals.Signals.ShouldBe(0);
    }

    [Fact]
    public async Task The_same_event_delivered_again_is_a_duplicate_and_changes_nothing()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Cancelled);
        _reader.Next = Succeeded(order.Number);
        var webhook = Webhook;

        var first = await webhook.HandleAsync(FakePaymentGateway.Name, new Dictionary<string, string>(), "{}", _signals, Ct);
        var again = await webhook.HandleAsync(FakePaymentGateway.Name, new Dictionary<string, string>(), "{}", _signals, Ct);

        (first, again).ShouldBe((WebhookReceipt.LatePaymentRefunded, WebhookReceipt.Duplicate));
        _bed.Gateway.Calls.Count.ShouldBe(1);
    }

    private sealed class FakeReader : IPaymentWebhookReader
    {
        public PaymentEvent? Next { get; set; }
        public string Provider => FakePaymentGateway.Name;
        public Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct) => Task.FromResult(Next);
    }

    private sealed class MemoryInbox : IWebhookInbox
    {
        private readonly HashSet<string> _handled = [];

        public async Task<bool> HandleOnceAsync(string source, string eventId, Func<CancellationToken, Task> handler, CancellationToken ct)
        {
            if (!_handled.Add($"{source}/{eventId}")) return false;
            await handler(ct);
            return true;
        }
    }

    private sealed class RecordingSignals : ICheckoutSignals
    {
        public bool Running { get; set; }
        public Action? OnSignal { get; set; }
        public int Signals { get; private set; }
        public List<string> Restarts { get; } = [];

        public Task<bool> SignalPaymentAsync(PaymentEvent payment, CancellationToken ct)
        {
            if (!Running) return Task.FromResult(false);
            OnSignal?.Invoke();
            Signals++;
            return Task.FromResult(true);
        }

        public Task<bool> RestartAsync(CheckoutProcess process, CancellationToken ct)
        {
            Restarts.Add(process.OrderNumber);
            return Task.FromResult(true);
        }
    }
}
