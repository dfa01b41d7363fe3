using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

public sealed class LocalCardPaymentSimulatorTests : IDisposable
{
    private const string Secret = "whsec_simulator_test";
    private static readonly Uri PageBase = new("http://localhost:7071/");

    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero));
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "card-simulator-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("pm_card_visa")]
    [InlineData("4242424242424242")]
    [InlineData("4242 4242 4242 4242")]
    public async Task Stripes_visa_test_card_is_captured(string card)
    {
        var simulator = Simulator();

        var result = await simulator.ChargeAsync(Charge(card), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Captured);
        result.Provider.ShouldBe("local-card-simulator");
        var payment = simulator.Payments.ShouldHaveSingleItem();
        payment.Id.ShouldBe(result.PaymentId);
        payment.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
        payment.Amount.ShouldBe(new Money(19.99m, "EUR"));
        payment.OrderId.ShouldBe("ord_1");
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "card_declined", "Your card was declined.")]
    [InlineData("4000000000000002", "card_declined", "Your card was declined.")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds.")]
    [InlineData("4000-0000-0000-9995", "insufficient_funds", "Your card has insufficient funds.")]
    public async Task Stripes_declining_test_cards_are_declined_with_their_code(string card, string code, string message)
    {
        var simulator = Simulator();

        var result = await simulator.ChargeAsync(Charge(card), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Declined);
        result.DeclineCode.ShouldBe(code);
        result.Message.ShouldBe(message);
        simulator.Payments.ShouldHaveSingleItem().Status.ShouldBe(SimulatedPaymentStatus.Declined);
    }

    [Theory]
    [InlineData("pm_card_authenticationRequired")]
    [InlineData("4000002500003155")]
    public async Task Stripes_3d_secure_test_card_sends_the_shopper_to_the_local_authentication_page(string card)
    {
        var simulator = Simulator();

        var result = await simulator.ChargeAsync(Charge(card), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        result.RedirectUrl.ShouldBe($"http://localhost:7071/simulators/card/3ds/{result.PaymentId}");
        simulator.Payments.ShouldHaveSingleItem().Status.ShouldBe(SimulatedPaymentStatus.RequiresAction);
    }

    [Theory]
    [InlineData("pm_card_unknown")]
    [InlineData("1234567812345678")]
    [InlineData(null)]
    [InlineData("  ")]
    public async Task A_card_that_is_not_a_test_card_is_declined_and_takes_nothing(string? card)
    {
        var simulator = Simulator();

        var result = await simulator.ChargeAsync(Charge(card), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Declined);
        result.DeclineCode.ShouldBe("invalid_payment_method");
        simulator.Payments.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_charge_repeated_with_its_key_returns_the_first_result_and_charges_once()
    {
        var simulator = Simulator();

        var first = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);
        var again = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        again.ShouldBe(first);
        simulator.Payments.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_charges_with_one_key_charge_once()
    {
        var simulator = Simulator();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None))));

        results.Select(r => r.PaymentId).Distinct().Count().ShouldBe(1);
        simulator.Payments.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_3d_secure_charge_repeated_after_authentication_still_answers_as_first_and_charges_once()
    {
        var simulator = Simulator();
        var first = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);
        await simulator.CompleteAuthenticationAsync(first.PaymentId!, authenticated: true, CancellationToken.None);

        var again = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);

        again.ShouldBe(first);
        simulator.Payments.ShouldHaveSingleItem().Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task A_key_reused_for_another_charge_is_refused_as_stripe_refuses_it()
    {
        var simulator = Simulator();
        await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            simulator.ChargeAsync(Charge("pm_card_visa") with { Amount = new Money(25m, "EUR") }, CancellationToken.None));

        error.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        error.Message.ShouldContain("idempotency_error");
        simulator.Payments.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Different_keys_are_different_payments()
    {
        var simulator = Simulator();

        await simulator.ChargeAsync(Charge("pm_card_visa", key: "ord_1:payment:1"), CancellationToken.None);
        await simulator.ChargeAsync(Charge("pm_card_visa", key: "ord_1:payment:2"), CancellationToken.None);

        simulator.Payments.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Authenticating_sends_a_signed_payment_intent_succeeded_that_the_stripe_reader_accepts()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);

        var webhook = await simulator.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: true, CancellationToken.None);

        var paymentEvent = await Reader().ReadAsync(new Dictionary<string, string> { ["Stripe-Signature"] = webhook.Signature }, webhook.Body, CancellationToken.None);
        paymentEvent.ShouldBe(new PaymentEvent(webhook.EventId, "local-card-simulator", PaymentEventType.PaymentSucceeded, "ord_1", charge.PaymentId,
            new Money(19.99m, "EUR"), _clock.GetUtcNow(), null));
        simulator.Find(charge.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task Failing_authentication_sends_a_signed_payment_failed_with_the_reason()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("4000002500003155"), CancellationToken.None);

        var webhook = await simulator.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: false, CancellationToken.None);

        var paymentEvent = await Reader().ReadAsync(new Dictionary<string, string> { ["Stripe-Signature"] = webhook.Signature }, webhook.Body, CancellationToken.None);
        paymentEvent.ShouldNotBeNull();
        paymentEvent.Type.ShouldBe(PaymentEventType.PaymentFailed);
        paymentEvent.Reason.ShouldNotBeNullOrWhiteSpace();
        simulator.Find(charge.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.AuthenticationFailed);
    }

    [Fact]
    public async Task The_simulators_webhooks_do_not_verify_with_another_secret()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);
        var webhook = await simulator.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: true, CancellationToken.None);

        await Should.ThrowAsync<WebhookSignatureException>(() => new StripeWebhookReader("local-card-simulator", "whsec_other", _clock)
            .ReadAsync(new Dictionary<string, string> { ["Stripe-Signature"] = webhook.Signature }, webhook.Body, CancellationToken.None));
    }

    [Fact]
    public async Task Pressing_a_button_again_resends_the_first_answer_with_the_same_event_id()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);
        var first = await simulator.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: true, CancellationToken.None);

        var second = await simulator.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: false, CancellationToken.None);

        second.EventId.ShouldBe(first.EventId);
        second.Payment.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task A_payment_that_needs_no_authentication_cannot_be_authenticated()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        await Should.ThrowAsync<BusinessRuleViolationException>(() => simulator.CompleteAuthenticationAsync(charge.PaymentId!, true, CancellationToken.None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => simulator.CompleteAuthenticationAsync("pi_sim_unknown", true, CancellationToken.None));
    }

    [Fact]
    public async Task A_full_refund_gives_everything_back_once()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        var refund = await simulator.RefundAsync(charge.PaymentId!, new Money(19.99m, "EUR"), "ord_1:refund:1", CancellationToken.None);

        refund.Amount.ShouldBe(new Money(19.99m, "EUR"));
        simulator.Find(charge.PaymentId!)!.Refunded.ShouldBe(19.99m);
        simulator.Refunds.ShouldHaveSingleItem().Id.ShouldBe(refund.RefundId);
    }

    [Fact]
    public async Task Partial_refunds_add_up_to_at_most_what_was_captured()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);
        await simulator.RefundAsync(charge.PaymentId!, new Money(10m, "EUR"), "ord_1:refund:1", CancellationToken.None);
        await simulator.RefundAsync(charge.PaymentId!, new Money(9.99m, "EUR"), "ord_1:refund:2", CancellationToken.None);

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            simulator.RefundAsync(charge.PaymentId!, new Money(0.01m, "EUR"), "ord_1:refund:3", CancellationToken.None));

        error.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        error.Message.ShouldContain("amount_too_large");
        simulator.Find(charge.PaymentId!)!.Refunded.ShouldBe(19.99m);
        simulator.Refunds.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_refund_larger_than_the_payment_is_refused_and_records_nothing()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            simulator.RefundAsync(charge.PaymentId!, new Money(20m, "EUR"), "ord_1:refund:1", CancellationToken.None));

        simulator.Find(charge.PaymentId!)!.Refunded.ShouldBe(0m);
        simulator.Refunds.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refund_repeated_with_its_key_gives_back_once()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        var first = await simulator.RefundAsync(charge.PaymentId!, new Money(5m, "EUR"), "ord_1:refund:1", CancellationToken.None);
        var again = await simulator.RefundAsync(charge.PaymentId!, new Money(5m, "EUR"), "ord_1:refund:1", CancellationToken.None);

        again.ShouldBe(first);
        simulator.Find(charge.PaymentId!)!.Refunded.ShouldBe(5m);
    }

    [Fact]
    public async Task Bad_refunds_are_refused_as_stripe_refuses_them()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        (await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.RefundAsync("pi_sim_unknown", new Money(5m, "EUR"), "k1", CancellationToken.None)))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.RefundAsync(charge.PaymentId!, new Money(5m, "USD"), "k2", CancellationToken.None)))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => simulator.RefundAsync(charge.PaymentId!, new Money(0m, "EUR"), "k3", CancellationToken.None));
        await simulator.RefundAsync(charge.PaymentId!, new Money(5m, "EUR"), "k4", CancellationToken.None);
        (await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.RefundAsync(charge.PaymentId!, new Money(6m, "EUR"), "k4", CancellationToken.None)))
            .Message.ShouldContain("idempotency_error");
        simulator.Find(charge.PaymentId!)!.Refunded.ShouldBe(5m);
    }

    [Fact]
    public async Task Refunding_a_payment_still_waiting_for_3d_secure_cancels_it_and_the_page_can_no_longer_complete_it()
    {
        var simulator = Simulator();
        var charge = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);

        var refund = await simulator.RefundAsync(charge.PaymentId!, new Money(19.99m, "EUR"), "ord_1:refund:1", CancellationToken.None);

        refund.ShouldBe(new RefundResult(charge.PaymentId!, new Money(0m, "EUR")));
        simulator.Find(charge.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.Canceled);
        simulator.Refunds.ShouldBeEmpty();
        await Should.ThrowAsync<BusinessRuleViolationException>(() => simulator.CompleteAuthenticationAsync(charge.PaymentId!, true, CancellationToken.None));
    }

    [Fact]
    public async Task Payments_and_keys_survive_a_restart_when_kept_in_a_file()
    {
        var file = Path.Combine(_folder, "payments.json");
        var before = Simulator(file);
        var charge = await before.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);

        var after = Simulator(file);
        var again = await after.ChargeAsync(Charge("pm_card_authenticationRequired"), CancellationToken.None);
        var webhook = await after.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: true, CancellationToken.None);

        again.ShouldBe(charge);
        after.Payments.Count.ShouldBe(1);
        webhook.Payment.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
        Simulator(file).Find(charge.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task Without_a_file_the_simulator_keeps_everything_in_memory()
    {
        var simulator = Simulator();
        await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);

        Simulator().Payments.ShouldBeEmpty();
    }

    [Fact]
    public async Task Searching_by_order_finds_that_orders_payments_with_whether_each_took_the_money_as_stripes_search_does()
    {
        var simulator = Simulator();
        var paid = await simulator.ChargeAsync(Charge("pm_card_visa"), CancellationToken.None);
        var waiting = await simulator.ChargeAsync(Charge("pm_card_authenticationRequired", "ord_1:payment:2"), CancellationToken.None);
        await simulator.ChargeAsync(Charge("pm_card_visa", "ord_2:payment:1") with { OrderId = "ord_2" }, CancellationToken.None);

        var found = await simulator.FindByOrderAsync("ord_1", CancellationToken.None);

        found.ShouldBe([
            new FoundPayment("local-card-simulator", paid.PaymentId!, "ord_1", new Money(19.99m, "EUR"), Captured: true, _clock.GetUtcNow()),
            new FoundPayment("local-card-simulator", waiting.PaymentId!, "ord_1", new Money(19.99m, "EUR"), Captured: false, _clock.GetUtcNow()),
        ]);
        (await simulator.FindByOrderAsync("ord_none", CancellationToken.None)).ShouldBeEmpty();
    }

    private LocalCardPaymentSimulator Simulator(string? stateFile = null) =>
        new(new LocalCardSimulatorOptions(Secret, stateFile, () => PageBase), _clock, NullLogger<LocalCardPaymentSimulator>.Instance);

    private StripeWebhookReader Reader() => new("local-card-simulator", Secret, _clock);

    private static PaymentRequest Charge(string? card, string key = "ord_1:payment:1") =>
        new("ord_1", new Money(19.99m, "EUR"), PaymentMethod.Card, card, "https://shop.example/checkout/return", "ada@example.com", key);
}
