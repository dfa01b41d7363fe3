using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>Stripe webhooks signed here exactly as Stripe signs them: HMAC-SHA256 of "{t}.{body}" with the whsec secret, "t=...,v1=...".</summary>
public sealed class StripeWebhookReaderTests
{
    private const string Secret = "whsec_test_5f1c0ffee0ddba11";
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    private readonly StripeWebhookReader _reader = new("stripe", Secret, new ManualClock(Now));

    [Fact]
    public async Task A_payment_intent_that_succeeded_is_a_payment_for_the_order_in_its_metadata()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded", amountReceived: 1999));

        var paymentEvent = await _reader.ReadAsync(Signed(body), body, CancellationToken.None);

        paymentEvent.ShouldBe(new PaymentEvent("evt_1Paid", "stripe", PaymentEventType.PaymentSucceeded, "ord_1", "pi_3Paid",
            new Money(19.99m, "EUR"), DateTimeOffset.FromUnixTimeSeconds(1741944500), null));
    }

    [Fact]
    public async Task A_failed_payment_intent_is_a_failed_payment_with_the_shoppers_reason()
    {
        var body = Event("evt_1Failed", "payment_intent.payment_failed", PaymentIntent("pi_3Failed", "requires_payment_method", lastError: """
            "last_payment_error":{"code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","type":"card_error"},
            """));

        var paymentEvent = await _reader.ReadAsync(Signed(body), body, CancellationToken.None);

        paymentEvent.ShouldNotBeNull();
        paymentEvent.Type.ShouldBe(PaymentEventType.PaymentFailed);
        paymentEvent.OrderId.ShouldBe("ord_1");
        paymentEvent.PaymentId.ShouldBe("pi_3Failed");
        paymentEvent.Reason.ShouldBe("Your card has insufficient funds.");
    }

    [Fact]
    public async Task A_refunded_charge_is_a_refund_of_the_total_refunded_so_far_on_its_payment_intent()
    {
        var body = Event("evt_1Refund", "charge.refunded", """
            {"id":"ch_3Paid","object":"charge","amount":1999,"amount_refunded":500,"currency":"eur","payment_intent":"pi_3Paid",
             "refunded":false,"status":"succeeded","metadata":{"order_id":"ord_1"}}
            """);

        var paymentEvent = await _reader.ReadAsync(Signed(body), body, CancellationToken.None);

        paymentEvent.ShouldNotBeNull();
        paymentEvent.Type.ShouldBe(PaymentEventType.Refunded);
        paymentEvent.PaymentId.ShouldBe("pi_3Paid");
        paymentEvent.Amount.ShouldBe(new Money(5m, "EUR"));
    }

    [Fact]
    public async Task Event_types_the_shop_does_not_act_on_are_read_as_nothing()
    {
        var body = Event("evt_1Customer", "customer.created", """{"id":"cus_1","object":"customer","email":"ada@example.com"}""");

        (await _reader.ReadAsync(Signed(body), body, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task A_payment_the_shop_did_not_create_is_read_as_nothing()
    {
        var body = Event("evt_1Foreign", "payment_intent.succeeded", PaymentIntent("pi_3Foreign", "succeeded", metadata: "{}"));

        (await _reader.ReadAsync(Signed(body), body, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task The_signature_header_is_found_whatever_its_case()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));
        var headers = new Dictionary<string, string> { ["stripe-signature"] = Signature(body, Secret, Now) };

        (await _reader.ReadAsync(headers, body, CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task One_matching_signature_among_several_verifies_as_while_stripe_rolls_a_secret()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));
        var rolled = Signature(body, "whsec_old_secret", Now);
        var header = $"{rolled},v1={Signature(body, Secret, Now).Split(",v1=")[1]}";

        (await _reader.ReadAsync(Header(header), body, CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_signature_made_with_another_secret_is_refused()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));

        await Should.ThrowAsync<WebhookSignatureException>(() => _reader.ReadAsync(Header(Signature(body, "whsec_someone_else", Now)), body, CancellationToken.None));
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded", amountReceived: 1999));
        var tampered = body.Replace("\"amount_received\":1999", "\"amount_received\":1", StringComparison.Ordinal);
        tampered.ShouldNotBe(body);

        await Should.ThrowAsync<WebhookSignatureException>(() => _reader.ReadAsync(Signed(body), tampered, CancellationToken.None));
    }

    [Fact]
    public async Task A_signature_older_than_five_minutes_is_refused_as_a_possible_replay()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));

        var error = await Should.ThrowAsync<WebhookSignatureException>(() =>
            _reader.ReadAsync(Header(Signature(body, Secret, Now.AddSeconds(-301))), body, CancellationToken.None));

        error.Message.ShouldContain("tolerance");
    }

    [Fact]
    public async Task A_signature_just_within_five_minutes_is_accepted()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));

        (await _reader.ReadAsync(Header(Signature(body, Secret, Now.AddSeconds(-299))), body, CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_webhook_without_a_signature_header_is_refused()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));

        var error = await Should.ThrowAsync<WebhookSignatureException>(() => _reader.ReadAsync(new Dictionary<string, string>(), body, CancellationToken.None));

        error.Message.ShouldContain("missing");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=notanumber,v1=abc")]
    [InlineData("t=1741944600")]
    [InlineData("v1=0000")]
    [InlineData("t=99999999999999999999999,v1=00")]
    public async Task A_malformed_signature_header_is_refused_as_a_bad_signature(string header)
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));

        await Should.ThrowAsync<WebhookSignatureException>(() => _reader.ReadAsync(Header(header), body, CancellationToken.None));
    }

    [Fact]
    public void The_readers_own_signing_is_stripes()
    {
        var body = Event("evt_1Paid", "payment_intent.succeeded", PaymentIntent("pi_3Paid", "succeeded"));

        StripeWebhookReader.Sign(body, Secret, Now).ShouldBe(Signature(body, Secret, Now));
    }

    private static Dictionary<string, string> Signed(string body) => Header(Signature(body, Secret, Now));

    private static Dictionary<string, string> Header(string value) => new() { ["Stripe-Signature"] = value };

    /// <summary>Stripe's scheme, written out independently of the code under test.</summary>
    private static string Signature(string body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var v1 = Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(t + "." + body))).ToLowerInvariant();
        return $"t={t},v1={v1}";
    }

    private static string Event(string id, string type, string dataObject) => $$$"""
        {"id":"{{{id}}}","object":"event","api_version":"2024-06-20","created":1741944500,"livemode":false,"pending_webhooks":1,
         "request":{"id":null,"idempotency_key":null},"type":"{{{type}}}","data":{"object":{{{dataObject}}}}}
        """;

    private static string PaymentIntent(string id, string status, long amountReceived = 0, string lastError = "", string metadata = """{"order_id":"ord_1"}""") => $$"""
        {"id":"{{id}}","object":"payment_intent","amount":1999,"amount_received":{{amountReceived}},"currency":"eur",
         "capture_method":"automatic","created":1741944400,{{lastError}}"livemode":false,"metadata":{{metadata}},"status":"{{status}}"}
        """;
}
