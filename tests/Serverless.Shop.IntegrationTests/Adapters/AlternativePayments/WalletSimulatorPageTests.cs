using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

/// <summary>
/// The wallet page on a small host of its own, beside a stand-in for the shop's webhook function that reads what the
/// page sends with the real <see cref="LocalWalletWebhookReader"/>.
/// </summary>
public sealed class WalletSimulatorPageTests : IAsyncLifetime
{
    private const string Secret = "wallet-webhook-secret-for-tests";
    private const string OrderId = "ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    private readonly List<PaymentEvent> _received = [];
    private string _receiverSecret = Secret;
    private WebApplication _app = null!;
    private HttpClient _browser = null!;

    private LocalWalletSimulator Wallet => _app.Services.GetRequiredService<LocalWalletSimulator>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new LocalWalletOptions(Secret, new Uri("http://localhost:7071")));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalWalletSimulator>();
        _app = builder.Build();
        _app.MapWalletSimulator("api");
        _app.MapPost("/api/webhooks/payments/local-wallet", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString());
            var reader = new LocalWalletWebhookReader(new LocalWalletOptions(_receiverSecret, new Uri("http://unused")), TimeProvider.System,
                NullLogger<LocalWalletWebhookReader>.Instance);
            try
            {
                var payment = await reader.ReadAsync(headers, body, http.RequestAborted);
                lock (_received) _received.Add(payment!);
                return Results.Ok();
            }
            catch (WebhookSignatureException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: e.Message);
            }
        });
        await _app.StartAsync();
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Wallet.PageBaseUrl };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Sends_shoppers_to_the_port_the_host_listens_on()
    {
        var result = await Charge();

        var url = new Uri(result.RedirectUrl!);
        url.Host.ShouldBe("localhost");
        url.Port.ShouldNotBe(7071);
        url.AbsolutePath.ShouldBe($"/simulators/wallet/{result.PaymentId}");
    }

    [Fact]
    public async Task Shows_the_amount_the_order_and_the_two_buttons()
    {
        var result = await Charge();

        var page = await _browser.GetAsync(result.RedirectUrl);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("49.90 EUR");
        html.ShouldContain(OrderId);
        html.ShouldContain($"action=\"/simulators/wallet/{result.PaymentId}/approve\"");
        html.ShouldContain($"action=\"/simulators/wallet/{result.PaymentId}/cancel\"");
    }

    [Fact]
    public async Task Answers_404_for_a_session_it_does_not_know()
    {
        (await _browser.GetAsync("/simulators/wallet/wal_unknown")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _browser.PostAsync("/simulators/wallet/wal_unknown/approve", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        _received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Approve_posts_a_signed_webhook_to_the_shop_and_sends_the_shopper_back()
    {
        var result = await Charge();

        var answer = await _browser.PostAsync($"/simulators/wallet/{result.PaymentId}/approve", null);

        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        answer.Headers.Location!.ToString().ShouldBe("https://shop.example/checkout/done?payment=approved");
        var payment = _received.ShouldHaveSingleItem();
        payment.Type.ShouldBe(PaymentEventType.PaymentSucceeded);
        payment.OrderId.ShouldBe(OrderId);
        payment.PaymentId.ShouldBe(result.PaymentId);
    }

    [Fact]
    public async Task Cancel_posts_a_signed_webhook_to_the_shop_and_sends_the_shopper_back()
    {
        var result = await Charge();

        var answer = await _browser.PostAsync($"/simulators/wallet/{result.PaymentId}/cancel", null);

        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        answer.Headers.Location!.ToString().ShouldBe("https://shop.example/checkout/done?payment=cancelled");
        _received.ShouldHaveSingleItem().Type.ShouldBe(PaymentEventType.PaymentFailed);
    }

    [Fact]
    public async Task Refuses_to_approve_a_cancelled_payment_and_sends_nothing_more()
    {
        var result = await Charge();
        await _browser.PostAsync($"/simulators/wallet/{result.PaymentId}/cancel", null);

        var answer = await _browser.PostAsync($"/simulators/wallet/{result.PaymentId}/approve", null);

        answer.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("already cancelled");
        _received.ShouldHaveSingleItem().Type.ShouldBe(PaymentEventType.PaymentFailed);
    }

    [Fact]
    public async Task Shows_the_shops_refusal_instead_of_redirecting_when_the_webhook_is_not_accepted()
    {
        _receiverSecret = "the-shop-expects-another-secret";
        var result = await Charge();

        var answer = await _browser.PostAsync($"/simulators/wallet/{result.PaymentId}/approve", null);

        answer.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        answer.Headers.Location.ShouldBeNull();
        (await answer.Content.ReadAsStringAsync()).ShouldContain("401");
        _received.ShouldBeEmpty();
    }

    private Task<PaymentResult> Charge() => Wallet.ChargeAsync(
        new PaymentRequest(OrderId, new Money(49.90m, "EUR"), PaymentMethod.EWallet, null, "https://shop.example/checkout/done", "ada@example.com", Guid.NewGuid().ToString()),
        CancellationToken.None);
}
