using System.Collections.Specialized;
using System.Net;
using System.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using WireMock;
using WireMock.Types;
using WireMock.Util;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>The Stripe card gateway against a WireMock double of Stripe's API, answering as Stripe documents it.</summary>
public sealed class StripeCardGatewayTests : IDisposable
{
    private const string SecretKey = "sk_test_51NeverShownAnywhere";
    private const string IntentsPath = "/v1/payment_intents";
    private const string IdempotencyKey = "ord_1:payment:1";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    private readonly WireMockServer _stripe = WireMockServer.Start();

    public void Dispose() => _stripe.Stop();

    [Fact]
    public async Task A_card_that_pays_is_captured_with_the_payment_intent_as_payment_id()
    {
        Answer(IntentsPath, 200, Intent("pi_3Paid", "succeeded"));

        var result = await Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.ShouldBe(new PaymentResult(PaymentOutcome.Captured, "stripe", "pi_3Paid"));
    }

    [Fact]
    public async Task Creates_and_confirms_one_payment_intent_in_minor_units_with_the_order_id_and_the_idempotency_key()
    {
        Answer(IntentsPath, 200, Intent("pi_3Paid", "succeeded"));

        await Gateway().ChargeAsync(Charge(amount: new Money(19.99m, "EUR")), CancellationToken.None);

        var request = _stripe.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe(IntentsPath);
        request.Headers!["Authorization"].ToString().ShouldBe($"Bearer {SecretKey}");
        request.Headers["Idempotency-Key"].ToString().ShouldBe(IdempotencyKey);
        var form = Form(request);
        form["amount"].ShouldBe("1999");
        form["currency"].ShouldBe("eur");
        form["payment_method"].ShouldBe("pm_card_visa");
        form["confirm"].ShouldBe("true");
        form["capture_method"].ShouldBe("automatic");
        form["return_url"].ShouldBe("https://shop.example/checkout/return");
        form["metadata[order_id]"].ShouldBe("ord_1");
        form["allowed_payment_method_types[0]"].ShouldBe("card");
    }

    [Theory]
    [InlineData(1234, "JPY", "1234", "jpy")]
    [InlineData(12.345, "KWD", "12345", "kwd")]
    [InlineData(0.5, "USD", "50", "usd")]
    public async Task Amounts_go_to_stripe_in_the_smallest_unit_of_their_currency(decimal amount, string currency, string minorUnits, string stripeCurrency)
    {
        Answer(IntentsPath, 200, Intent("pi_3Paid", "succeeded"));

        await Gateway().ChargeAsync(Charge(amount: new Money(amount, currency)), CancellationToken.None);

        var form = Form(_stripe.LogEntries.Single().RequestMessage);
        form["amount"].ShouldBe(minorUnits);
        form["currency"].ShouldBe(stripeCurrency);
    }

    [Fact]
    public async Task An_amount_with_more_decimals_than_its_currency_never_reaches_stripe()
    {
        await Should.ThrowAsync<ArgumentException>(() => Gateway().ChargeAsync(Charge(amount: new Money(10.001m, "EUR")), CancellationToken.None));

        _stripe.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_card_payment_without_a_payment_method_or_a_return_url_never_reaches_stripe()
    {
        await Should.ThrowAsync<ArgumentException>(() => Gateway().ChargeAsync(Charge(token: null), CancellationToken.None));
        await Should.ThrowAsync<ArgumentException>(() => Gateway().ChargeAsync(Charge() with { ReturnUrl = null }, CancellationToken.None));
        await Should.ThrowAsync<ArgumentException>(() => Gateway().ChargeAsync(Charge() with { Method = PaymentMethod.BankTransfer }, CancellationToken.None));

        _stripe.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_declined_card_is_declined_with_stripes_code_and_shopper_message_and_the_payment_intent()
    {
        Answer(IntentsPath, 402, CardError("card_declined", "generic_decline", "Your card was declined.", "pi_3Declined"));

        var result = await Gateway().ChargeAsync(Charge(token: "pm_card_chargeDeclined"), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Declined);
        result.DeclineCode.ShouldBe("card_declined");
        result.Message.ShouldBe("Your card was declined.");
        result.PaymentId.ShouldBe("pi_3Declined");
        result.Provider.ShouldBe("stripe");
    }

    [Fact]
    public async Task A_card_without_enough_funds_is_declined_with_the_issuers_reason_and_not_retried()
    {
        Answer(IntentsPath, 402, CardError("card_declined", "insufficient_funds", "Your card has insufficient funds.", "pi_3Poor"));

        var result = await Gateway().ChargeAsync(Charge(token: "pm_card_chargeDeclinedInsufficientFunds"), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Declined);
        result.DeclineCode.ShouldBe("insufficient_funds");
        result.Message.ShouldBe("Your card has insufficient funds.");
        _stripe.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_expired_card_is_declined_with_its_code()
    {
        Answer(IntentsPath, 402, CardError("expired_card", null, "Your card has expired.", "pi_3Old"));

        var result = await Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.DeclineCode.ShouldBe("expired_card");
        result.Message.ShouldBe("Your card has expired.");
    }

    [Fact]
    public async Task A_payment_method_stripe_does_not_know_is_declined_so_the_shopper_can_enter_the_card_again()
    {
        Answer(IntentsPath, 400, """
            {"error":{"code":"resource_missing","doc_url":"https://stripe.com/docs/error-codes/resource-missing",
             "message":"No such PaymentMethod: 'pm_forged'","param":"payment_method","type":"invalid_request_error"}}
            """);

        var result = await Gateway().ChargeAsync(Charge(token: "pm_forged"), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Declined);
        result.DeclineCode.ShouldBe("invalid_payment_method");
        result.PaymentId.ShouldBeNull();
        _stripe.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_card_that_needs_3d_secure_asks_for_the_shopper_at_stripes_redirect_url()
    {
        Answer(IntentsPath, 200, Intent("pi_3Auth", "requires_action", """
            "next_action":{"type":"redirect_to_url","redirect_to_url":{"return_url":"https://shop.example/checkout/return",
              "url":"https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=pi_3Auth"}},
            """));

        var result = await Gateway().ChargeAsync(Charge(token: "pm_card_authenticationRequired"), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        result.PaymentId.ShouldBe("pi_3Auth");
        result.RedirectUrl.ShouldBe("https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=pi_3Auth");
    }

    [Fact]
    public async Task A_next_action_the_shop_cannot_hand_to_a_shopper_is_an_error_not_a_silent_wait()
    {
        Answer(IntentsPath, 200, Intent("pi_3Sdk", "requires_action", "\"next_action\":{\"type\":\"use_stripe_sdk\",\"use_stripe_sdk\":{}},"));

        var error = await Should.ThrowAsync<InvalidOperationException>(() => Gateway().ChargeAsync(Charge(), CancellationToken.None));

        error.Message.ShouldContain("use_stripe_sdk");
    }

    [Fact]
    public async Task A_server_error_is_retried_with_the_same_idempotency_key_and_gives_one_payment()
    {
        _stripe.Given(Request.Create().WithPath(IntentsPath).UsingPost()).InScenario("flaky").WillSetStateTo("failed once")
            .RespondWith(Json(500, """{"error":{"type":"api_error","message":"An unknown error occurred"}}"""));
        _stripe.Given(Request.Create().WithPath(IntentsPath).UsingPost()).InScenario("flaky").WhenStateIs("failed once")
            .RespondWith(Json(200, Intent("pi_3Once", "succeeded")));

        var result = await Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.ShouldBe(new PaymentResult(PaymentOutcome.Captured, "stripe", "pi_3Once"));
        _stripe.LogEntries.Select(e => e.ResponseMessage.StatusCode).ShouldBe([500, 200]);
        KeysSent().ShouldBe([IdempotencyKey, IdempotencyKey]);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried_with_the_same_idempotency_key()
    {
        // The first attempt gets no answer in time; the retry gets one at once.
        var calls = 0;
        _stripe.Given(Request.Create().WithPath(IntentsPath).UsingPost()).RespondWith(Response.Create().WithCallback(async _ =>
        {
            if (Interlocked.Increment(ref calls) == 1) await Task.Delay(TimeSpan.FromSeconds(3));
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new BodyData { BodyAsString = Intent("pi_3Slow", "succeeded"), DetectedBodyType = BodyType.String },
            };
        }));

        var result = await Gateway(FastRetries with { AttemptTimeout = TimeSpan.FromMilliseconds(500) }).ChargeAsync(Charge(), CancellationToken.None);

        result.PaymentId.ShouldBe("pi_3Slow");
        // The double logs a request when it answers; give the abandoned first attempt time to be logged too.
        var keys = await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(KeysSent()), k => k.Count == 2, TimeSpan.FromSeconds(10));
        keys.ShouldBe([IdempotencyKey, IdempotencyKey]);
    }

    [Fact]
    public async Task A_concurrent_attempt_with_the_same_key_that_stripe_asks_to_retry_is_retried()
    {
        _stripe.Given(Request.Create().WithPath(IntentsPath).UsingPost()).InScenario("locked").WillSetStateTo("locked once")
            .RespondWith(Json(409, """
                {"error":{"code":"idempotency_key_in_use","message":"There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ord_1:payment:1. Please try again later.","type":"invalid_request_error"}}
                """).WithHeader("Stripe-Should-Retry", "true"));
        _stripe.Given(Request.Create().WithPath(IntentsPath).UsingPost()).InScenario("locked").WhenStateIs("locked once")
            .RespondWith(Json(200, Intent("pi_3Locked", "succeeded")));

        var result = await Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.PaymentId.ShouldBe("pi_3Locked");
        KeysSent().ShouldBe([IdempotencyKey, IdempotencyKey]);
    }

    [Fact]
    public async Task Gives_up_after_the_retry_budget_when_stripe_keeps_failing()
    {
        Answer(IntentsPath, 503, """{"error":{"type":"api_error","message":"Stripe is temporarily unavailable"}}""");

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Gateway().ChargeAsync(Charge(), CancellationToken.None));

        error.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        error.Message.ShouldContain("Stripe is temporarily unavailable");
        _stripe.LogEntries.Count().ShouldBe(1 + FastRetries.MaxRetryAttempts);
        KeysSent().Distinct().ShouldBe([IdempotencyKey]);
    }

    [Fact]
    public async Task A_request_stripe_refuses_is_not_retried_and_never_shows_the_secret_key()
    {
        Answer(IntentsPath, 401, """
            {"error":{"message":"Invalid API Key provided: sk_test_********************here","type":"invalid_request_error"}}
            """);

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Gateway().ChargeAsync(Charge(), CancellationToken.None));

        error.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        error.IsTransient.ShouldBeFalse();
        error.ToString().ShouldNotContain(SecretKey);
        _stripe.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task Stripe_out_of_reach_is_a_transient_failure_after_the_retries()
    {
        _stripe.Stop();

        var error = await Should.ThrowAsync<Exception>(() => Gateway().ChargeAsync(Charge(), CancellationToken.None));

        ThirdPartyResilience.IsTransient(error).ShouldBeTrue(error.ToString());
    }

    [Fact]
    public async Task A_full_refund_of_a_captured_payment_sends_the_amount_and_the_refunds_idempotency_key()
    {
        Answer($"{IntentsPath}/pi_3Paid", 200, Intent("pi_3Paid", "succeeded"), "GET");
        Answer("/v1/refunds", 200, Refund("re_3Full", 1999));

        var refund = await Gateway().RefundAsync("pi_3Paid", new Money(19.99m, "EUR"), "ord_1:refund:1", CancellationToken.None);

        refund.ShouldBe(new RefundResult("re_3Full", new Money(19.99m, "EUR")));
        var request = _stripe.LogEntries.Single(e => e.RequestMessage.Path == "/v1/refunds").RequestMessage;
        request.Headers!["Idempotency-Key"].ToString().ShouldBe("ord_1:refund:1");
        var form = Form(request);
        form["payment_intent"].ShouldBe("pi_3Paid");
        form["amount"].ShouldBe("1999");
        form["metadata[order_id]"].ShouldBe("ord_1");
    }

    [Fact]
    public async Task A_partial_refund_gives_back_only_its_amount()
    {
        Answer($"{IntentsPath}/pi_3Paid", 200, Intent("pi_3Paid", "succeeded"), "GET");
        Answer("/v1/refunds", 200, Refund("re_3Part", 500));

        var refund = await Gateway().RefundAsync("pi_3Paid", new Money(5m, "EUR"), "ord_1:refund:2", CancellationToken.None);

        refund.ShouldBe(new RefundResult("re_3Part", new Money(5m, "EUR")));
        Form(_stripe.LogEntries.Single(e => e.RequestMessage.Path == "/v1/refunds").RequestMessage)["amount"].ShouldBe("500");
    }

    [Fact]
    public async Task A_refund_retried_after_a_server_error_carries_the_same_idempotency_key()
    {
        Answer($"{IntentsPath}/pi_3Paid", 200, Intent("pi_3Paid", "succeeded"), "GET");
        _stripe.Given(Request.Create().WithPath("/v1/refunds").UsingPost()).InScenario("refund").WillSetStateTo("failed once")
            .RespondWith(Json(502, """{"error":{"type":"api_error","message":"Bad gateway"}}"""));
        _stripe.Given(Request.Create().WithPath("/v1/refunds").UsingPost()).InScenario("refund").WhenStateIs("failed once")
            .RespondWith(Json(200, Refund("re_3Retry", 1999)));

        var refund = await Gateway().RefundAsync("pi_3Paid", new Money(19.99m, "EUR"), "ord_1:refund:3", CancellationToken.None);

        refund.RefundId.ShouldBe("re_3Retry");
        _stripe.LogEntries.Where(e => e.RequestMessage.Path == "/v1/refunds").Select(e => e.RequestMessage.Headers!["Idempotency-Key"].ToString())
            .ShouldBe(["ord_1:refund:3", "ord_1:refund:3"]);
    }

    [Theory]
    [InlineData("requires_action")]
    [InlineData("requires_payment_method")]
    public async Task A_payment_that_took_no_money_is_cancelled_instead_of_refunded(string status)
    {
        Answer($"{IntentsPath}/pi_3Wait", 200, Intent("pi_3Wait", status), "GET");
        Answer($"{IntentsPath}/pi_3Wait/cancel", 200, Intent("pi_3Wait", "canceled"));

        var refund = await Gateway().RefundAsync("pi_3Wait", new Money(19.99m, "EUR"), "ord_1:refund:4", CancellationToken.None);

        refund.ShouldBe(new RefundResult("pi_3Wait", new Money(0m, "EUR")));
        var cancel = _stripe.LogEntries.Single(e => e.RequestMessage.Path == $"{IntentsPath}/pi_3Wait/cancel").RequestMessage;
        cancel.Headers!["Idempotency-Key"].ToString().ShouldBe("ord_1:refund:4:cancel");
        _stripe.LogEntries.ShouldNotContain(e => e.RequestMessage.Path == "/v1/refunds");
    }

    [Fact]
    public async Task A_payment_already_cancelled_needs_nothing_more()
    {
        Answer($"{IntentsPath}/pi_3Gone", 200, Intent("pi_3Gone", "canceled"), "GET");

        var refund = await Gateway().RefundAsync("pi_3Gone", new Money(19.99m, "EUR"), "ord_1:refund:5", CancellationToken.None);

        refund.Amount.ShouldBe(new Money(0m, "EUR"));
        _stripe.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_refund_stripe_refuses_fails_without_retrying()
    {
        Answer($"{IntentsPath}/pi_3Paid", 200, Intent("pi_3Paid", "succeeded"), "GET");
        Answer("/v1/refunds", 400, """
            {"error":{"code":"amount_too_large","message":"Refund amount (€25.00) is greater than unrefunded amount on charge (€19.99)","param":"amount","type":"invalid_request_error"}}
            """);

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            Gateway().RefundAsync("pi_3Paid", new Money(25m, "EUR"), "ord_1:refund:6", CancellationToken.None));

        error.Message.ShouldContain("amount_too_large");
        _stripe.LogEntries.Count(e => e.RequestMessage.Path == "/v1/refunds").ShouldBe(1);
    }

    [Fact]
    public async Task A_refund_in_another_currency_than_the_payment_never_reaches_stripe_refunds()
    {
        Answer($"{IntentsPath}/pi_3Paid", 200, Intent("pi_3Paid", "succeeded"), "GET");

        await Should.ThrowAsync<ArgumentException>(() => Gateway().RefundAsync("pi_3Paid", new Money(5m, "USD"), "ord_1:refund:7", CancellationToken.None));

        _stripe.LogEntries.ShouldNotContain(e => e.RequestMessage.Path == "/v1/refunds");
    }

    private List<string> KeysSent() => _stripe.LogEntries.Select(e => e.RequestMessage.Headers!["Idempotency-Key"].ToString()).ToList();

    private void Answer(string path, int status, string body, string method = "POST") =>
        _stripe.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(Json(status, body));

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("Request-Id", "req_test").WithBody(body);

    private static NameValueCollection Form(IRequestMessage request) => HttpUtility.ParseQueryString(request.Body ?? "");

    private StripeCardGateway Gateway(ThirdPartyResilienceOptions? resilience = null) => new(
        StripeCardGateway.CreateClient(SecretKey, _stripe.Url),
        ThirdPartyResilience.Create(StripeCardGateway.ServiceName, resilience ?? FastRetries, NullLogger.Instance),
        NullLogger<StripeCardGateway>.Instance);

    private static PaymentRequest Charge(Money? amount = null, string? token = "pm_card_visa") => new(
        "ord_1", amount ?? new Money(19.99m, "EUR"), PaymentMethod.Card, token, "https://shop.example/checkout/return", "ada@example.com", IdempotencyKey);

    /// <summary>A PaymentIntent as Stripe returns it (the fields that matter, and a few that do not).</summary>
    private static string Intent(string id, string status, string extra = "") => $$"""
        {"id":"{{id}}","object":"payment_intent","amount":1999,"amount_capturable":0,"amount_received":{{(status == "succeeded" ? 1999 : 0)}},
         "capture_method":"automatic","client_secret":"{{id}}_secret_abc","confirmation_method":"automatic","created":1735689600,
         "currency":"eur","description":"Order ord_1","latest_charge":null,"livemode":false,"metadata":{"order_id":"ord_1"},
         {{extra}}
         "payment_method":"pm_1QCard","allowed_payment_method_types":["card"],"payment_method_types":["card"],"status":"{{status}}"}
        """;

    private static string CardError(string code, string? declineCode, string message, string paymentIntentId) => $$$"""
        {"error":{"charge":"ch_3Declined","code":"{{{code}}}",{{{(declineCode is null ? "" : $"\"decline_code\":\"{declineCode}\",")}}}
          "doc_url":"https://stripe.com/docs/error-codes/{{{code.Replace('_', '-')}}}","message":"{{{message}}}",
          "payment_intent":{"id":"{{{paymentIntentId}}}","object":"payment_intent","amount":1999,"currency":"eur","status":"requires_payment_method",
            "last_payment_error":{"code":"{{{code}}}","message":"{{{message}}}","type":"card_error"},"metadata":{"order_id":"ord_1"}},
          "payment_method":{"id":"pm_1QCard","object":"payment_method","type":"card"},
          "request_log_url":"https://dashboard.stripe.com/test/logs/req_test?t=1735689600","type":"card_error"}}
        """;

    private static string Refund(string id, long amount) => $$$"""
        {"id":"{{{id}}}","object":"refund","amount":{{{amount}}},"currency":"eur","payment_intent":"pi_3Paid","status":"succeeded","created":1735689600,"metadata":{"order_id":"ord_1"}}
        """;
}
