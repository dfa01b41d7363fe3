using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

/// <summary>The PayPal e-wallet adapter against a WireMock double of PayPal's REST API (Orders v2, Payments v2, OAuth2).</summary>
public sealed class PayPalWalletGatewayTests : IDisposable
{
    private const string OrderId = "ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    private const string PayPalOrderId = "5O190127TN364715T";
    private const string CaptureId = "3C679366HH908993F";
    private readonly PayPalDouble _payPal = new();

    public void Dispose() => _payPal.Dispose();

    [Fact]
    public async Task Creates_a_paypal_order_and_sends_the_shopper_to_paypal_to_approve_it()
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 200, PayPalDouble.CreatedOrder(PayPalOrderId));

        var result = await _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        result.Provider.ShouldBe("paypal");
        result.PaymentId.ShouldBe(PayPalOrderId);
        result.RedirectUrl.ShouldBe($"https://www.sandbox.paypal.com/checkoutnow?token={PayPalOrderId}");
    }

    [Fact]
    public async Task Sends_the_order_amount_ids_return_urls_token_and_the_charges_idempotency_key()
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 200, PayPalDouble.CreatedOrder(PayPalOrderId));

        await _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None);

        var call = _payPal.Calls(PayPalDouble.OrdersPath).ShouldHaveSingleItem();
        PayPalDouble.Header(call, "Authorization").ShouldBe("Bearer A21AA-first-token");
        PayPalDouble.Header(call, "PayPal-Request-Id").ShouldBe("charge-key-1");
        using var body = JsonDocument.Parse(call.RequestMessage.Body!);
        var order = body.RootElement;
        order.GetProperty("intent").GetString().ShouldBe("CAPTURE");
        var unit = order.GetProperty("purchase_units")[0];
        unit.GetProperty("reference_id").GetString().ShouldBe(OrderId);
        unit.GetProperty("custom_id").GetString().ShouldBe(OrderId);
        unit.GetProperty("amount").GetProperty("currency_code").GetString().ShouldBe("EUR");
        unit.GetProperty("amount").GetProperty("value").GetString().ShouldBe("49.90");
        var context = order.GetProperty("payment_source").GetProperty("paypal").GetProperty("experience_context");
        context.GetProperty("return_url").GetString().ShouldBe("https://shop.example/checkout/done?order=1&payment=approved");
        context.GetProperty("cancel_url").GetString().ShouldBe("https://shop.example/checkout/done?order=1&payment=cancelled");
    }

    [Theory]
    [InlineData(1200, "JPY", "1200")]
    [InlineData(5, "EUR", "5.00")]
    [InlineData(1.5, "KWD", "1.500")]
    public async Task Writes_the_amount_with_exactly_the_currencys_decimals(decimal amount, string currency, string expected)
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 200, PayPalDouble.CreatedOrder(PayPalOrderId));

        await _payPal.Gateway().ChargeAsync(Charge() with { Amount = new Money(amount, currency) }, CancellationToken.None);

        using var body = JsonDocument.Parse(_payPal.Calls(PayPalDouble.OrdersPath).Single().RequestMessage.Body!);
        body.RootElement.GetProperty("purchase_units")[0].GetProperty("amount").GetProperty("value").GetString().ShouldBe(expected);
    }

    [Fact]
    public async Task Fetches_one_access_token_for_many_calls_with_the_client_credentials()
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 200, PayPalDouble.CreatedOrder(PayPalOrderId));
        var gateway = _payPal.Gateway();

        await gateway.ChargeAsync(Charge(), CancellationToken.None);
        await gateway.ChargeAsync(Charge() with { IdempotencyKey = "charge-key-2" }, CancellationToken.None);

        var token = _payPal.Calls(PayPalDouble.TokenPath).ShouldHaveSingleItem();
        PayPalDouble.Header(token, "Authorization")
            .ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PayPalDouble.ClientId}:{PayPalDouble.ClientSecret}")));
        token.RequestMessage.Body.ShouldBe("grant_type=client_credentials");
        _payPal.Calls(PayPalDouble.OrdersPath).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Fetches_a_new_token_shortly_before_the_old_one_expires()
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 200, PayPalDouble.CreatedOrder(PayPalOrderId));
        var gateway = _payPal.Gateway();
        await gateway.ChargeAsync(Charge(), CancellationToken.None);

        _payPal.Clock.Advance(TimeSpan.FromSeconds(32400) - TimeSpan.FromMinutes(6));
        await gateway.ChargeAsync(Charge(), CancellationToken.None);
        _payPal.Calls(PayPalDouble.TokenPath).Count.ShouldBe(1);

        _payPal.Token("A21AA-second-token", expiresInSeconds: 32400);
        _payPal.Clock.Advance(TimeSpan.FromMinutes(2));
        await gateway.ChargeAsync(Charge(), CancellationToken.None);

        _payPal.Calls(PayPalDouble.TokenPath).Count.ShouldBe(2);
        PayPalDouble.Header(_payPal.Calls(PayPalDouble.OrdersPath).Last(), "Authorization").ShouldBe("Bearer A21AA-second-token");
    }

    [Fact]
    public async Task Gets_a_fresh_token_and_tries_once_more_when_paypal_rejects_the_cached_one()
    {
        _payPal.Server.Given(Request.Create().WithPath(PayPalDouble.OrdersPath).UsingPost()).InScenario("revoked").WillSetStateTo("rejected once")
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":"invalid_token","error_description":"Token signature verification failed"}"""));
        _payPal.Server.Given(Request.Create().WithPath(PayPalDouble.OrdersPath).UsingPost()).InScenario("revoked").WhenStateIs("rejected once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(PayPalDouble.CreatedOrder(PayPalOrderId)));

        var result = await _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.PaymentId.ShouldBe(PayPalOrderId);
        _payPal.Calls(PayPalDouble.TokenPath).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Retries_after_a_server_error_with_the_same_paypal_request_id()
    {
        _payPal.Server.Given(Request.Create().WithPath(PayPalDouble.OrdersPath).UsingPost()).InScenario("flaky").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody(PayPalDouble.Error("INTERNAL_SERVER_ERROR", "INTERNAL_SERVICE_ERROR")));
        _payPal.Server.Given(Request.Create().WithPath(PayPalDouble.OrdersPath).UsingPost()).InScenario("flaky").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(PayPalDouble.CreatedOrder(PayPalOrderId)));

        var result = await _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        var calls = _payPal.Calls(PayPalDouble.OrdersPath);
        calls.Select(c => c.ResponseMessage.StatusCode).ShouldBe([500, 201]);
        calls.Select(c => PayPalDouble.Header(c, "PayPal-Request-Id")).ShouldBe(["charge-key-1", "charge-key-1"]);
        calls[1].RequestMessage.Body.ShouldBe(calls[0].RequestMessage.Body);
    }

    [Fact]
    public async Task Gives_up_after_the_retry_budget_when_paypal_keeps_failing()
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 503);

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None));

        error.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _payPal.Calls(PayPalDouble.OrdersPath).Count.ShouldBe(1 + PayPalDouble.FastRetries.MaxRetryAttempts);
    }

    [Fact]
    public async Task Throws_with_paypals_words_on_a_bad_request_without_retrying()
    {
        _payPal.Answer(PayPalDouble.OrdersPath, "POST", 400, PayPalDouble.Error("INVALID_REQUEST", "CURRENCY_NOT_SUPPORTED"));

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None));

        error.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        error.Message.ShouldContain("CURRENCY_NOT_SUPPORTED");
        error.Message.ShouldContain("f2a3b4c5d6");
        _payPal.Calls(PayPalDouble.OrdersPath).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Never_puts_the_client_secret_in_the_exception_when_the_credentials_are_wrong()
    {
        _payPal.TokenAnswer(401, """{"error":"invalid_client","error_description":"Client Authentication failed"}""");

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => _payPal.Gateway().ChargeAsync(Charge(), CancellationToken.None));

        error.Message.ShouldContain("Client Authentication failed");
        error.ToString().ShouldNotContain(PayPalDouble.ClientSecret);
        error.ToString().ShouldNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PayPalDouble.ClientId}:{PayPalDouble.ClientSecret}")));
        _payPal.Calls(PayPalDouble.OrdersPath).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/checkout/done")]
    [InlineData("javascript:alert(1)")]
    public async Task Needs_an_absolute_return_url_and_calls_nothing_without_one(string? returnUrl)
    {
        var error = await Should.ThrowAsync<ValidationFailedException>(() =>
            _payPal.Gateway().ChargeAsync(Charge() with { ReturnUrl = returnUrl }, CancellationToken.None));

        error.Errors.Keys.ShouldBe(["returnUrl"]);
        _payPal.Server.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Captures_an_approved_order_with_the_given_paypal_request_id()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture", "POST", 201, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));

        var result = await _payPal.Gateway().CaptureApprovedAsync(PayPalOrderId, "capture-key", CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Captured);
        result.PaymentId.ShouldBe(PayPalOrderId);
        var call = _payPal.Calls($"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture").ShouldHaveSingleItem();
        PayPalDouble.Header(call, "PayPal-Request-Id").ShouldBe("capture-key");
    }

    [Fact]
    public async Task Reads_the_capture_paypal_already_made_instead_of_capturing_twice()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture", "POST", 422, PayPalDouble.Error("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED"));
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}", "GET", 200, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));

        var capture = await _payPal.Gateway().CaptureAsync(PayPalOrderId, "capture-key", CancellationToken.None);

        capture.Status.ShouldBe(PayPalCaptureStatus.Completed);
        capture.CaptureId.ShouldBe(CaptureId);
        capture.OrderId.ShouldBe(OrderId);
        capture.Amount.ShouldBe(new Money(49.90m, "EUR"));
        _payPal.Calls($"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture").Count.ShouldBe(1);
    }

    [Fact]
    public async Task Reports_a_decline_with_paypals_issue_when_the_payers_funding_fails()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture", "POST", 422, PayPalDouble.Error("UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED"));

        var result = await _payPal.Gateway().CaptureApprovedAsync(PayPalOrderId, "capture-key", CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.Declined);
        result.DeclineCode.ShouldBe("INSTRUMENT_DECLINED");
    }

    [Fact]
    public async Task Reports_a_capture_paypal_holds_pending_as_waiting_for_a_webhook()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture", "POST", 201, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId, status: "PENDING"));

        var result = await _payPal.Gateway().CaptureApprovedAsync(PayPalOrderId, "capture-key", CancellationToken.None);

        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        result.RedirectUrl.ShouldBeNull();
    }

    [Fact]
    public async Task Refunds_part_of_the_capture_with_the_refunds_idempotency_key()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}", "GET", 200, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));
        _payPal.Answer($"/v2/payments/captures/{CaptureId}/refund", "POST", 201, """{"id":"1JU08902781691411","status":"COMPLETED"}""");

        var refund = await _payPal.Gateway().RefundAsync(PayPalOrderId, new Money(10m, "EUR"), "refund-key-1", CancellationToken.None);

        refund.RefundId.ShouldBe("1JU08902781691411");
        refund.Amount.ShouldBe(new Money(10m, "EUR"));
        var call = _payPal.Calls($"/v2/payments/captures/{CaptureId}/refund").ShouldHaveSingleItem();
        PayPalDouble.Header(call, "PayPal-Request-Id").ShouldBe("refund-key-1");
        using var body = JsonDocument.Parse(call.RequestMessage.Body!);
        body.RootElement.GetProperty("amount").GetProperty("value").GetString().ShouldBe("10.00");
        body.RootElement.GetProperty("amount").GetProperty("currency_code").GetString().ShouldBe("EUR");
        body.RootElement.GetProperty("custom_id").GetString().ShouldBe(OrderId);
    }

    [Fact]
    public async Task Retries_a_refund_with_the_same_paypal_request_id()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}", "GET", 200, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));
        var refundPath = $"/v2/payments/captures/{CaptureId}/refund";
        _payPal.Server.Given(Request.Create().WithPath(refundPath).UsingPost()).InScenario("refund").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(502));
        _payPal.Server.Given(Request.Create().WithPath(refundPath).UsingPost()).InScenario("refund").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"1JU08902781691411","status":"COMPLETED"}"""));

        await _payPal.Gateway().RefundAsync(PayPalOrderId, new Money(10m, "EUR"), "refund-key-1", CancellationToken.None);

        _payPal.Calls(refundPath).Select(c => PayPalDouble.Header(c, "PayPal-Request-Id")).ShouldBe(["refund-key-1", "refund-key-1"]);
    }

    [Fact]
    public async Task Refunds_nothing_for_an_order_that_was_never_captured()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}", "GET", 200,
            $$"""{"id":"{{PayPalOrderId}}","status":"APPROVED","purchase_units":[{"reference_id":"{{OrderId}}","custom_id":"{{OrderId}}"}]}""");

        var refund = await _payPal.Gateway().RefundAsync(PayPalOrderId, new Money(49.90m, "EUR"), "refund-key-1", CancellationToken.None);

        refund.Amount.ShouldBe(new Money(0m, "EUR"));
        _payPal.ApiCalls().ShouldAllBe(c => c.RequestMessage.Method == "GET");
    }

    [Fact]
    public async Task Refuses_a_refund_paypal_refuses_such_as_more_than_was_captured()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/{PayPalOrderId}", "GET", 200, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));
        _payPal.Answer($"/v2/payments/captures/{CaptureId}/refund", "POST", 422, PayPalDouble.Error("UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED"));

        var error = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            _payPal.Gateway().RefundAsync(PayPalOrderId, new Money(500m, "EUR"), "refund-key-1", CancellationToken.None));

        error.Message.ShouldContain("REFUND_AMOUNT_EXCEEDED");
    }

    [Fact]
    public async Task Says_which_paypal_order_is_unknown_when_refunding_one_paypal_does_not_know()
    {
        _payPal.Answer($"{PayPalDouble.OrdersPath}/NOPE", "GET", 404, PayPalDouble.Error("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"));

        var error = await Should.ThrowAsync<ResourceNotFoundException>(() =>
            _payPal.Gateway().RefundAsync("NOPE", new Money(1m, "EUR"), "refund-key-1", CancellationToken.None));

        error.Message.ShouldContain("NOPE");
    }

    private static PaymentRequest Charge() => new(
        OrderId, new Money(49.90m, "EUR"), PaymentMethod.EWallet, null, "https://shop.example/checkout/done?order=1", "ada@example.com", "charge-key-1");
}
