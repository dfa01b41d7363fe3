using System.Text.Json;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

/// <summary>PayPal's webhooks, verified by (a WireMock double of) PayPal's verify-webhook-signature API.</summary>
public sealed class PayPalWebhookReaderTests : IDisposable
{
    private const string OrderId = "ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    private const string PayPalOrderId = "5O190127TN364715T";
    private const string CaptureId = "3C679366HH908993F";
    private const string VerifyPath = "/v1/notifications/verify-webhook-signature";
    private static readonly string CapturePath = $"{PayPalDouble.OrdersPath}/{PayPalOrderId}/capture";
    private readonly PayPalDouble _payPal = new();

    public void Dispose() => _payPal.Dispose();

    [Fact]
    public async Task Asks_paypal_to_verify_with_the_transmission_headers_the_webhook_id_and_the_event_exactly_as_it_came()
    {
        Verification("SUCCESS");
        var body = CaptureCompleted();

        await _payPal.Reader().ReadAsync(Headers(), body, CancellationToken.None);

        var call = _payPal.Calls(VerifyPath).ShouldHaveSingleItem();
        PayPalDouble.Header(call, "Authorization").ShouldBe("Bearer A21AA-first-token");
        var sent = call.RequestMessage.Body!;
        sent.ShouldContain(body);
        using var json = JsonDocument.Parse(sent);
        var request = json.RootElement;
        request.GetProperty("auth_algo").GetString().ShouldBe("SHA256withRSA");
        request.GetProperty("cert_url").GetString().ShouldBe("https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77");
        request.GetProperty("transmission_id").GetString().ShouldBe("69cd13f0-d67a-11e5-baa3-778b53f4ae55");
        request.GetProperty("transmission_sig").GetString().ShouldBe("lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZy/UFzUlnGJn0wDugt7FlSvdKeIJenLRemUxYCPVoEZzg9VFNqOa48gMkvF+XTpxBeUx/kWy6B5cp7GkT2+pOowfRK7OaynuxUoKW3JcMWw272VKjLTtTAShncla7tGF+55rxyt2KNZIIqxNMJ48RDZheGU5w1npu9dZHnPgTXB9iomeVRoD8O/jhRpnKsGrDschyNdkeh81BJJMH4Ctc6lnCCquoP/GzCzz33MMsNdid7vL/NIWaCsekQpW26FpWPi/tfj8nLA==");
        request.GetProperty("transmission_time").GetString().ShouldBe("2025-03-14T09:31:05Z");
        request.GetProperty("webhook_id").GetString().ShouldBe(PayPalDouble.WebhookId);
        request.GetProperty("webhook_event").GetProperty("id").GetString().ShouldBe("WH-58D329510W468432D-8HN650336L201105X");
    }

    [Fact]
    public async Task Reads_a_completed_capture_as_payment_succeeded_for_the_order_in_custom_id()
    {
        Verification("SUCCESS");

        var payment = await _payPal.Reader().ReadAsync(Headers(), CaptureCompleted(), CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.Provider.ShouldBe("paypal");
        payment.Type.ShouldBe(PaymentEventType.PaymentSucceeded);
        payment.OrderId.ShouldBe(OrderId);
        payment.PaymentId.ShouldBe(PayPalOrderId);
        payment.Amount.ShouldBe(new Money(49.90m, "EUR"));
        payment.EventId.ShouldBe($"capture-completed:{CaptureId}");
        payment.OccurredAt.ShouldBe(new DateTimeOffset(2025, 3, 14, 9, 31, 5, TimeSpan.Zero));
    }

    [Fact]
    public async Task Refuses_a_webhook_paypal_does_not_verify()
    {
        Verification("FAILURE");

        var error = await Should.ThrowAsync<WebhookSignatureException>(() => _payPal.Reader().ReadAsync(Headers(), Approved(), CancellationToken.None));

        error.Message.ShouldContain("FAILURE");
        _payPal.Calls(CapturePath).ShouldBeEmpty();
    }

    [Fact]
    public async Task Refuses_a_webhook_paypal_cannot_even_check()
    {
        _payPal.Answer(VerifyPath, "POST", 400, PayPalDouble.Error("VALIDATION_ERROR", "INVALID_PARAMETER_SYNTAX"));

        await Should.ThrowAsync<WebhookSignatureException>(() => _payPal.Reader().ReadAsync(Headers(), CaptureCompleted(), CancellationToken.None));
    }

    [Theory]
    [InlineData("PAYPAL-TRANSMISSION-ID")]
    [InlineData("PAYPAL-TRANSMISSION-TIME")]
    [InlineData("PAYPAL-TRANSMISSION-SIG")]
    [InlineData("PAYPAL-CERT-URL")]
    [InlineData("PAYPAL-AUTH-ALGO")]
    public async Task Refuses_a_webhook_without_a_transmission_header_without_calling_paypal(string missing)
    {
        Verification("SUCCESS");
        var headers = Headers();
        headers.Remove(missing);

        var error = await Should.ThrowAsync<WebhookSignatureException>(() => _payPal.Reader().ReadAsync(headers, CaptureCompleted(), CancellationToken.None));

        error.Message.ShouldContain(missing);
        _payPal.Server.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Refuses_a_body_that_is_not_json_without_calling_paypal()
    {
        Verification("SUCCESS");

        await Should.ThrowAsync<WebhookSignatureException>(() => _payPal.Reader().ReadAsync(Headers(), "{\"id\":", CancellationToken.None));

        _payPal.Server.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Reads_headers_in_the_case_they_arrive_in()
    {
        Verification("SUCCESS");
        var lowerCase = Headers().ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);

        (await _payPal.Reader().ReadAsync(lowerCase, CaptureCompleted(), CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Captures_an_approved_order_and_reports_the_same_event_as_the_capture_completed_webhook_will()
    {
        Verification("SUCCESS");
        _payPal.Answer(CapturePath, "POST", 201, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));
        var reader = _payPal.Reader();

        var fromApproval = await reader.ReadAsync(Headers(), Approved(), CancellationToken.None);
        var fromCompletion = await reader.ReadAsync(Headers(), CaptureCompleted(), CancellationToken.None);

        fromApproval.ShouldNotBeNull();
        fromApproval.Type.ShouldBe(PaymentEventType.PaymentSucceeded);
        fromApproval.OrderId.ShouldBe(OrderId);
        fromApproval.PaymentId.ShouldBe(PayPalOrderId);
        fromApproval.Amount.ShouldBe(new Money(49.90m, "EUR"));
        // One event id for one capture: the webhook inbox lets the second through to nothing.
        fromApproval.EventId.ShouldBe(fromCompletion!.EventId);
    }

    [Fact]
    public async Task Captures_with_one_paypal_request_id_however_often_the_approval_is_delivered()
    {
        Verification("SUCCESS");
        _payPal.Answer(CapturePath, "POST", 201, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId));
        var reader = _payPal.Reader();

        await reader.ReadAsync(Headers(), Approved(), CancellationToken.None);
        await _payPal.Reader().ReadAsync(Headers(), Approved(), CancellationToken.None);

        _payPal.Calls(CapturePath).Select(c => PayPalDouble.Header(c, "PayPal-Request-Id"))
            .ShouldBe([$"capture-{PayPalOrderId}", $"capture-{PayPalOrderId}"]);
    }

    [Fact]
    public async Task Reports_payment_failed_when_paypal_declines_the_capture_of_an_approved_order()
    {
        Verification("SUCCESS");
        _payPal.Answer(CapturePath, "POST", 422, PayPalDouble.Error("UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED"));

        var payment = await _payPal.Reader().ReadAsync(Headers(), Approved(), CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.Type.ShouldBe(PaymentEventType.PaymentFailed);
        payment.OrderId.ShouldBe(OrderId);
        payment.Reason!.ShouldContain("INSTRUMENT_DECLINED");
        payment.EventId.ShouldBe("WH-7Y7254563A4550640-11V2185806837105M");
    }

    [Fact]
    public async Task Reports_nothing_yet_when_paypal_holds_the_capture_pending()
    {
        Verification("SUCCESS");
        _payPal.Answer(CapturePath, "POST", 201, PayPalDouble.CapturedOrder(PayPalOrderId, OrderId, CaptureId, status: "PENDING"));

        (await _payPal.Reader().ReadAsync(Headers(), Approved(), CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Reads_a_denied_capture_as_payment_failed()
    {
        Verification("SUCCESS");
        var body = CaptureCompleted().Replace("PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED", StringComparison.Ordinal)
            .Replace("\"status\":\"COMPLETED\"", "\"status\":\"DECLINED\"", StringComparison.Ordinal);

        var payment = await _payPal.Reader().ReadAsync(Headers(), body, CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.Type.ShouldBe(PaymentEventType.PaymentFailed);
        payment.OrderId.ShouldBe(OrderId);
        payment.EventId.ShouldBe($"capture-declined:{CaptureId}");
    }

    [Fact]
    public async Task Reads_a_refund_as_refunded_for_the_order_the_shop_wrote_on_it()
    {
        Verification("SUCCESS");
        var body = $$$"""
            {"id":"WH-1GE84257G0350133W-6RW800890C634293G","create_time":"2025-03-15T10:00:00Z","resource_type":"refund",
             "event_type":"PAYMENT.CAPTURE.REFUNDED",
             "resource":{"id":"1JU08902781691411","status":"COMPLETED","amount":{"currency_code":"EUR","value":"10.00"},"custom_id":"{{{OrderId}}}"}}
            """;

        var payment = await _payPal.Reader().ReadAsync(Headers(), body, CancellationToken.None);

        payment.ShouldNotBeNull();
        payment.Type.ShouldBe(PaymentEventType.Refunded);
        payment.OrderId.ShouldBe(OrderId);
        payment.Amount.ShouldBe(new Money(10m, "EUR"));
        payment.EventId.ShouldBe("refund:1JU08902781691411");
    }

    [Theory]
    [InlineData("CHECKOUT.ORDER.COMPLETED")]
    [InlineData("PAYMENT.CAPTURE.PENDING")]
    [InlineData("CUSTOMER.DISPUTE.CREATED")]
    public async Task Ignores_event_types_the_shop_does_not_act_on(string eventType)
    {
        Verification("SUCCESS");
        var body = CaptureCompleted().Replace("PAYMENT.CAPTURE.COMPLETED", eventType, StringComparison.Ordinal);

        (await _payPal.Reader().ReadAsync(Headers(), body, CancellationToken.None)).ShouldBeNull();
        _payPal.Calls(CapturePath).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ignores_a_payment_that_names_no_shop_order()
    {
        Verification("SUCCESS");
        var body = CaptureCompleted().Replace($"\"custom_id\":\"{OrderId}\",", "", StringComparison.Ordinal);

        (await _payPal.Reader().ReadAsync(Headers(), body, CancellationToken.None)).ShouldBeNull();
    }

    private void Verification(string status) => _payPal.Answer(VerifyPath, "POST", 200, $$"""{"verification_status":"{{status}}"}""");

    private static Dictionary<string, string> Headers() => new()
    {
        ["PAYPAL-AUTH-ALGO"] = "SHA256withRSA",
        ["PAYPAL-CERT-URL"] = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
        ["PAYPAL-TRANSMISSION-ID"] = "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
        ["PAYPAL-TRANSMISSION-SIG"] = "lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZy/UFzUlnGJn0wDugt7FlSvdKeIJenLRemUxYCPVoEZzg9VFNqOa48gMkvF+XTpxBeUx/kWy6B5cp7GkT2+pOowfRK7OaynuxUoKW3JcMWw272VKjLTtTAShncla7tGF+55rxyt2KNZIIqxNMJ48RDZheGU5w1npu9dZHnPgTXB9iomeVRoD8O/jhRpnKsGrDschyNdkeh81BJJMH4Ctc6lnCCquoP/GzCzz33MMsNdid7vL/NIWaCsekQpW26FpWPi/tfj8nLA==",
        ["PAYPAL-TRANSMISSION-TIME"] = "2025-03-14T09:31:05Z",
    };

    // Spaced as PayPal sends it: the verification must get these bytes, not a re-serialised copy.
    private static string CaptureCompleted() => $$$"""
        {"id":"WH-58D329510W468432D-8HN650336L201105X", "create_time":"2025-03-14T09:31:05.000Z", "resource_type":"capture",
         "event_type":"PAYMENT.CAPTURE.COMPLETED", "summary":"Payment completed for EUR 49.90",
         "resource":{"id":"{{{CaptureId}}}","status":"COMPLETED","amount":{"currency_code":"EUR","value":"49.90"},"custom_id":"{{{OrderId}}}",
           "supplementary_data":{"related_ids":{"order_id":"{{{PayPalOrderId}}}"} } } }
        """;

    private static string Approved() => $$$"""
        {"id":"WH-7Y7254563A4550640-11V2185806837105M", "create_time":"2025-03-14T09:30:55.000Z", "resource_type":"checkout-order",
         "event_type":"CHECKOUT.ORDER.APPROVED", "summary":"An order has been approved by buyer",
         "resource":{"id":"{{{PayPalOrderId}}}","status":"APPROVED","intent":"CAPTURE",
           "purchase_units":[{"reference_id":"{{{OrderId}}}","custom_id":"{{{OrderId}}}","amount":{"currency_code":"EUR","value":"49.90"}}]}}
        """;
}
