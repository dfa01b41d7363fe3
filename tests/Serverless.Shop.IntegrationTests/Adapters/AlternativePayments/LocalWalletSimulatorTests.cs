using Serverless.Shop.Infrastructure.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

public sealed class LocalWalletSimulatorTests
{
    private const string Secret = "wallet-webhook-secret-for-tests";
    private const string OrderId = "ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    private static readonly LocalWalletOptions Options = new(Secret, new Uri("http://localhost:7071"));
    private readonly TestClock _clock = new();
    private readonly LocalWalletSimulator _wallet;

    public LocalWalletSimulatorTests() => _wallet = new LocalWalletSimulator(Options, _clock, NullLogger<LocalWalletSimulator>.Instance);

    [Fact]
    public async Task Sends_the_shopper_to_the_wallet_page_of_a_new_session()
    {
        var result = await _wallet.ChargeAsync(Request(), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        result.Provider.ShouldBe("local-wallet");
        result.PaymentId.ShouldNotBeNullOrEmpty();
        result.RedirectUrl.ShouldBe($"http://localhost:7071/simulators/wallet/{result.PaymentId}");
        var session = _wallet.FindSession(result.PaymentId!).ShouldNotBeNull();
        session.OrderId.ShouldBe(OrderId);
        session.Amount.ShouldBe(new Money(49.90m, "EUR"));
        session.State.ShouldBe(WalletSessionState.Pending);
    }

    [Fact]
    public async Task Redirects_to_the_address_the_local_host_got_once_it_tells_it()
    {
        _wallet.UsePageBaseUrl(new Uri("http://localhost:53117"));

        var result = await _wallet.ChargeAsync(Request(), CancellationToken.None);

        result.RedirectUrl.ShouldBe($"http://localhost:53117/simulators/wallet/{result.PaymentId}");
    }

    [Fact]
    public async Task Opens_one_session_for_one_idempotency_key()
    {
        var first = await _wallet.ChargeAsync(Request(), CancellationToken.None);
        var retried = await _wallet.ChargeAsync(Request(), CancellationToken.None);
        var another = await _wallet.ChargeAsync(Request() with { IdempotencyKey = "charge-key-2" }, CancellationToken.None);

        retried.PaymentId.ShouldBe(first.PaymentId);
        retried.RedirectUrl.ShouldBe(first.RedirectUrl);
        another.PaymentId.ShouldNotBe(first.PaymentId);
    }

    [Fact]
    public async Task Refuses_an_idempotency_key_reused_for_another_amount()
    {
        await _wallet.ChargeAsync(Request(), CancellationToken.None);

        await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            _wallet.ChargeAsync(Request() with { Amount = new Money(1m, "EUR") }, CancellationToken.None));
    }

    [Fact]
    public async Task Needs_an_absolute_return_url()
    {
        var error = await Should.ThrowAsync<ValidationFailedException>(() => _wallet.ChargeAsync(Request() with { ReturnUrl = null }, CancellationToken.None));

        error.Errors.Keys.ShouldBe(["returnUrl"]);
    }

    [Fact]
    public async Task Approving_gives_a_signed_webhook_the_reader_turns_into_payment_succeeded()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;

        var webhook = _wallet.Approve(sessionId);
        var payment = await Reader().ReadAsync(webhook.Headers, webhook.Body, CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.Provider.ShouldBe("local-wallet");
        payment.Type.ShouldBe(PaymentEventType.PaymentSucceeded);
        payment.OrderId.ShouldBe(OrderId);
        payment.PaymentId.ShouldBe(sessionId);
        payment.Amount.ShouldBe(new Money(49.90m, "EUR"));
        payment.OccurredAt.ShouldBe(_clock.Now);
        webhook.ReturnUrl.ShouldBe("https://shop.example/checkout/done?order=1&payment=approved");
        _wallet.FindSession(sessionId)!.State.ShouldBe(WalletSessionState.Approved);
    }

    [Fact]
    public async Task Cancelling_gives_a_signed_webhook_the_reader_turns_into_payment_failed()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;

        var webhook = _wallet.Cancel(sessionId);
        var payment = await Reader().ReadAsync(webhook.Headers, webhook.Body, CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.Type.ShouldBe(PaymentEventType.PaymentFailed);
        payment.OrderId.ShouldBe(OrderId);
        payment.Reason.ShouldNotBeNullOrEmpty();
        webhook.ReturnUrl.ShouldBe("https://shop.example/checkout/done?order=1&payment=cancelled");
    }

    [Fact]
    public async Task Pressing_approve_twice_sends_the_same_event()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;

        var once = _wallet.Approve(sessionId);
        var first = await Reader().ReadAsync(once.Headers, once.Body, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var again = _wallet.Approve(sessionId);
        var second = await Reader().ReadAsync(again.Headers, again.Body, CancellationToken.None);

        second!.EventId.ShouldBe(first!.EventId);
        second.OccurredAt.ShouldBe(first.OccurredAt);
    }

    [Fact]
    public async Task Cannot_approve_a_cancelled_payment()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;
        _wallet.Cancel(sessionId);

        Should.Throw<BusinessRuleViolationException>(() => _wallet.Approve(sessionId));
        _wallet.FindSession(sessionId)!.State.ShouldBe(WalletSessionState.Cancelled);
    }

    [Fact]
    public void Knows_no_session_it_did_not_open()
    {
        Should.Throw<ResourceNotFoundException>(() => _wallet.Approve("wal_unknown"));
        _wallet.FindSession("wal_unknown").ShouldBeNull();
    }

    [Fact]
    public async Task The_reader_refuses_a_webhook_signed_with_another_secret()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;
        var webhook = _wallet.Approve(sessionId);
        var reader = new LocalWalletWebhookReader(Options with { WebhookSecret = "another-secret-entirely" }, _clock, NullLogger<LocalWalletWebhookReader>.Instance);

        await Should.ThrowAsync<WebhookSignatureException>(() => reader.ReadAsync(webhook.Headers, webhook.Body, CancellationToken.None));
    }

    [Fact]
    public async Task The_reader_refuses_a_cancellation_turned_into_an_approval()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;
        var webhook = _wallet.Cancel(sessionId);
        var forged = webhook.Body.Replace(LocalWalletSimulator.CancelledType, LocalWalletSimulator.ApprovedType, StringComparison.Ordinal);

        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(webhook.Headers, forged, CancellationToken.None));
    }

    [Fact]
    public async Task The_reader_refuses_a_webhook_replayed_after_five_minutes()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;
        var webhook = _wallet.Approve(sessionId);
        _clock.Advance(TimeSpan.FromMinutes(6));

        await Should.ThrowAsync<WebhookSignatureException>(() => Reader().ReadAsync(webhook.Headers, webhook.Body, CancellationToken.None));
    }

    [Fact]
    public async Task The_reader_ignores_other_event_types()
    {
        var body = """{"id":"e1","type":"wallet.session.viewed","sessionId":"s","orderId":"o","amount":1,"currency":"EUR","occurredAt":"2025-03-14T09:30:00Z"}""";
        var headers = new Dictionary<string, string> { [LocalWalletSimulator.SignatureHeader] = HmacWebhookSignature.Sign(body, Secret, _clock.Now) };

        (await Reader().ReadAsync(headers, body, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Refunds_an_approved_payment_in_parts_up_to_what_was_paid()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;
        _wallet.Approve(sessionId);

        var first = await _wallet.RefundAsync(sessionId, new Money(40m, "EUR"), "refund-1", CancellationToken.None);
        var retried = await _wallet.RefundAsync(sessionId, new Money(40m, "EUR"), "refund-1", CancellationToken.None);
        var rest = await _wallet.RefundAsync(sessionId, new Money(9.90m, "EUR"), "refund-2", CancellationToken.None);

        first.Amount.ShouldBe(new Money(40m, "EUR"));
        retried.RefundId.ShouldBe(first.RefundId);
        rest.Amount.ShouldBe(new Money(9.90m, "EUR"));
        _wallet.FindSession(sessionId)!.Refunded.ShouldBe(new Money(49.90m, "EUR"));
        await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            _wallet.RefundAsync(sessionId, new Money(0.01m, "EUR"), "refund-3", CancellationToken.None));
    }

    [Fact]
    public async Task Refunding_a_payment_not_yet_approved_cancels_it_so_it_cannot_be_approved_later()
    {
        var sessionId = (await _wallet.ChargeAsync(Request(), CancellationToken.None)).PaymentId!;

        var refund = await _wallet.RefundAsync(sessionId, new Money(49.90m, "EUR"), "refund-1", CancellationToken.None);

        refund.Amount.ShouldBe(new Money(0m, "EUR"));
        Should.Throw<BusinessRuleViolationException>(() => _wallet.Approve(sessionId));
    }

    [Fact]
    public async Task Cannot_refund_a_payment_it_does_not_know()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => _wallet.RefundAsync("wal_unknown", new Money(1m, "EUR"), "refund-1", CancellationToken.None));
    }

    private LocalWalletWebhookReader Reader() => new(Options, _clock, NullLogger<LocalWalletWebhookReader>.Instance);

    private static PaymentRequest Request() => new(
        OrderId, new Money(49.90m, "EUR"), PaymentMethod.EWallet, null, "https://shop.example/checkout/done?order=1", "ada@example.com", "charge-key-1");
}
