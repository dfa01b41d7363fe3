using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

/// <summary>A WireMock stand-in for PayPal's REST API, and the shop's PayPal adapter pointed at it.</summary>
internal sealed class PayPalDouble : IDisposable
{
    public const string ClientId = "AbC-client-id-for-tests";
    public const string ClientSecret = "EFg-client-secret-never-shown";
    public const string WebhookId = "WH-1234567890";
    public const string TokenPath = "/v1/oauth2/token";
    public const string OrdersPath = "/v2/checkout/orders";

    // Fast waits so a retry test takes milliseconds; the budget (1 try + 2 retries) is what is checked.
    public static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    public WireMockServer Server { get; } = WireMockServer.Start();
    public TestClock Clock { get; } = new();

    public PayPalDouble() => Token("A21AA-first-token", expiresInSeconds: 32400);

    public void Dispose() => Server.Stop();

    public PayPalApi Api() => new(
        PayPalApi.CreateHttpClient(new Uri(Server.Url!)),
        new PayPalOptions(new Uri(Server.Url!), ClientId, ClientSecret, WebhookId),
        ThirdPartyResilience.Create(PayPalApi.ServiceName, FastRetries, NullLogger.Instance),
        Clock, NullLogger<PayPalApi>.Instance);

    public PayPalWalletGateway Gateway(PayPalApi? api = null) => new(api ?? Api(), NullLogger<PayPalWalletGateway>.Instance);

    public PayPalWebhookReader Reader()
    {
        var api = Api();
        return new PayPalWebhookReader(api, Gateway(api), WebhookId, NullLogger<PayPalWebhookReader>.Instance);
    }

    // One mapping for the token endpoint, replaced by each call, so the latest answer is the one PayPal gives.
    private static readonly Guid TokenMapping = Guid.Parse("7d0c6a43-5b0e-4c65-9d0c-2f3a9e0b1c11");

    public void Token(string token, int expiresInSeconds) =>
        TokenAnswer(200, $$"""{"scope":"https://uri.paypal.com/services/payments/payment","access_token":"{{token}}","token_type":"Bearer","app_id":"APP-80W284485P519543T","expires_in":{{expiresInSeconds}},"nonce":"2025-03-14T09:30:00Z"}""");

    public void TokenAnswer(int status, string body) =>
        Server.Given(Request.Create().WithPath(TokenPath).UsingPost()).WithGuid(TokenMapping)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    public void Answer(string path, string method, int status, string? body = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body is not null) response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);
    }

    public IReadOnlyList<ILogEntry> Calls(string path) => Server.LogEntries.Where(e => e.RequestMessage.Path == path).ToList();

    public IReadOnlyList<ILogEntry> ApiCalls() => Server.LogEntries.Where(e => e.RequestMessage.Path != TokenPath).ToList();

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    public static string CreatedOrder(string payPalOrderId) => $$$"""
        {"id":"{{{payPalOrderId}}}","status":"PAYER_ACTION_REQUIRED","payment_source":{"paypal":{}},
         "links":[{"href":"https://api-m.sandbox.paypal.com/v2/checkout/orders/{{{payPalOrderId}}}","rel":"self","method":"GET"},
                  {"href":"https://www.sandbox.paypal.com/checkoutnow?token={{{payPalOrderId}}}","rel":"payer-action","method":"GET"}]}
        """;

    public static string CapturedOrder(string payPalOrderId, string orderId, string captureId, string status = "COMPLETED", string value = "49.90") => $$$"""
        {"id":"{{{payPalOrderId}}}","status":"COMPLETED",
         "purchase_units":[{"reference_id":"{{{orderId}}}","payments":{"captures":[
            {"id":"{{{captureId}}}","status":"{{{status}}}","amount":{"currency_code":"EUR","value":"{{{value}}}"},"custom_id":"{{{orderId}}}",
             "final_capture":true,"create_time":"2025-03-14T09:31:00Z"}]}}]}
        """;

    public static string Error(string name, string issue) =>
        $$"""{"name":"{{name}}","details":[{"issue":"{{issue}}","description":"Explained by PayPal."}],"message":"The requested action could not be performed.","debug_id":"f2a3b4c5d6"}""";
}
