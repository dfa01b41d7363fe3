using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.LocalHost.Simulators;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>The simulated bank's 3-D Secure page on a small web host of its own, posting its webhooks to a recorder.</summary>
public sealed class CardSimulatorPageTests : IAsyncLifetime
{
    private const string Secret = "whsec_page_test";
    private const string WebhookPath = "/api/webhooks/payments/local-card-simulator";
    private const string ReturnUrl = "https://shop.example/checkout/return?order=ord_1";

    private readonly WireMockServer _shop = WireMockServer.Start();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private WebApplication _host = null!;
    private Uri _address = null!;
    private LocalCardPaymentSimulator _simulator = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _simulator = new LocalCardPaymentSimulator(new LocalCardSimulatorOptions(Secret, null, () => _address), _clock, NullLogger<LocalCardPaymentSimulator>.Instance);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_simulator);
        _host = builder.Build();
        _host.MapCardSimulator("api", new Uri(_shop.Url! + "/"));
        await _host.StartAsync();
        _address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
        _shop.Stop();
    }

    [Fact]
    public async Task The_page_shows_the_amount_the_order_and_both_buttons()
    {
        var payment = await ChargeNeedingAuthentication();

        var response = await _browser.GetAsync(payment.RedirectUrl);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("19.99 EUR");
        html.ShouldContain("ord_1");
        html.ShouldContain("•••• 3155");
        html.ShouldContain($"action=\"{payment.PaymentId}/authenticate\"");
        html.ShouldContain($"action=\"{payment.PaymentId}/fail\"");
    }

    [Fact]
    public async Task Authenticating_posts_a_signed_succeeded_webhook_to_the_shop_and_returns_the_shopper()
    {
        AcceptWebhooks();
        var payment = await ChargeNeedingAuthentication();

        var response = await _browser.PostAsync(payment.RedirectUrl + "/authenticate", null);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe($"{ReturnUrl}&payment_intent={payment.PaymentId}&redirect_status=succeeded");
        var paymentEvent = await DeliveredEvent();
        paymentEvent.Type.ShouldBe(PaymentEventType.PaymentSucceeded);
        paymentEvent.PaymentId.ShouldBe(payment.PaymentId);
        paymentEvent.OrderId.ShouldBe("ord_1");
        _simulator.Find(payment.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task Failing_posts_a_signed_failed_webhook_and_returns_the_shopper_with_the_failure()
    {
        AcceptWebhooks();
        var payment = await ChargeNeedingAuthentication();

        var response = await _browser.PostAsync(payment.RedirectUrl + "/fail", null);

        response.Headers.Location!.ToString().ShouldEndWith("&redirect_status=failed");
        (await DeliveredEvent()).Type.ShouldBe(PaymentEventType.PaymentFailed);
        _simulator.Find(payment.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.AuthenticationFailed);
    }

    [Fact]
    public async Task A_webhook_the_shop_refuses_keeps_the_shopper_on_the_page_with_a_button_to_send_it_again()
    {
        _shop.Given(Request.Create().WithPath(WebhookPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(500));
        var payment = await ChargeNeedingAuthentication();

        var response = await _browser.PostAsync(payment.RedirectUrl + "/authenticate", null);

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("500");
        html.ShouldContain("Send the webhook again");
        html.ShouldContain("redirect_status=succeeded");
        _simulator.Find(payment.PaymentId!)!.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task Sending_again_delivers_the_same_event_id()
    {
        AcceptWebhooks();
        var payment = await ChargeNeedingAuthentication();

        await _browser.PostAsync(payment.RedirectUrl + "/authenticate", null);
        await _browser.PostAsync(payment.RedirectUrl + "/authenticate", null);

        var bodies = _shop.LogEntries.Select(e => e.RequestMessage.Body!).ToList();
        bodies.Count.ShouldBe(2);
        var ids = new List<string>();
        foreach (var entry in _shop.LogEntries)
            ids.Add((await Reader().ReadAsync(Headers(entry.RequestMessage), entry.RequestMessage.Body!, CancellationToken.None))!.EventId);
        ids.Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_payment_has_no_page()
    {
        (await _browser.GetAsync(new Uri(_address, "simulators/card/3ds/pi_sim_unknown"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _browser.PostAsync(new Uri(_address, "simulators/card/3ds/pi_sim_unknown/authenticate"), null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        _shop.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_payment_the_shop_cancelled_cannot_be_authenticated_any_more()
    {
        AcceptWebhooks();
        var payment = await ChargeNeedingAuthentication();
        await _simulator.RefundAsync(payment.PaymentId!, new Money(19.99m, "EUR"), "ord_1:refund:1", CancellationToken.None);

        var response = await _browser.PostAsync(payment.RedirectUrl + "/authenticate", null);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).ShouldContain("cancelled");
        (await (await _browser.GetAsync(payment.RedirectUrl)).Content.ReadAsStringAsync()).ShouldContain("Already settled");
        _shop.LogEntries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Nothing_is_mapped_when_cards_do_not_go_to_the_simulator()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var host = builder.Build();

        host.MapCardSimulator();

        ((IEndpointRouteBuilder)host).DataSources.SelectMany(d => d.Endpoints).ShouldBeEmpty();
    }

    private void AcceptWebhooks() => _shop.Given(Request.Create().WithPath(WebhookPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    private async Task<PaymentResult> ChargeNeedingAuthentication()
    {
        var result = await _simulator.ChargeAsync(new PaymentRequest("ord_1", new Money(19.99m, "EUR"), PaymentMethod.Card,
            "4000 0025 0000 3155", ReturnUrl, "ada@example.com", "ord_1:payment:" + Guid.NewGuid().ToString("N")), CancellationToken.None);
        result.Outcome.ShouldBe(PaymentOutcome.ActionRequired);
        result.RedirectUrl.ShouldStartWith(_address.ToString());
        return result;
    }

    private async Task<PaymentEvent> DeliveredEvent()
    {
        var request = _shop.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Path.ShouldBe(WebhookPath);
        request.Headers!["Content-Type"].ToString().ShouldStartWith("application/json");
        return (await Reader().ReadAsync(Headers(request), request.Body!, CancellationToken.None)).ShouldNotBeNull();
    }

    private static Dictionary<string, string> Headers(WireMock.IRequestMessage request) =>
        request.Headers!.ToDictionary(h => h.Key, h => h.Value.ToString()!);

    private StripeWebhookReader Reader() => new("local-card-simulator", Secret, _clock);
}
