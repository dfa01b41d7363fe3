using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// The simulated bank's 3-D Secure page for the local card simulator: the shopper lands here from a checkout that
/// answered "action required", presses "authenticate" or "fail", and the page settles the payment, posts the signed
/// webhook to the shop (<c>/api/webhooks/payments/local-card-simulator</c>, as Stripe would) and sends the shopper back
/// to the storefront's return URL with <c>payment_intent</c> and <c>redirect_status</c>, as Stripe does.
/// </summary>
public static class CardSimulatorEndpoints
{
    /// <summary>The local host's payment settings: cards go to the simulator, whose payments are kept under the data directory.</summary>
    public static IReadOnlyDictionary<string, string?> LocalSettings(string? dataDirectory) => new Dictionary<string, string?>
    {
        ["Payments:Card:Provider"] = LocalCardPaymentSimulator.ProviderName,
        ["Payments:CardSimulator:WebhookSecret"] = LocalCardSimulatorOptions.DefaultWebhookSecret,
        ["Payments:CardSimulator:StateFile"] = dataDirectory is null ? null : Path.Combine(dataDirectory, "card-simulator", "payments.json"),
    };

    /// <summary>
    /// Maps the page when cards go to the simulator (nothing otherwise). Webhooks go to <paramref name="webhookBaseAddress"/>
    /// (tests point it at a recorder), by default to the host that served the page.
    /// </summary>
    public static IEndpointRouteBuilder MapCardSimulator(this IEndpointRouteBuilder app, string apiRoutePrefix = "api", Uri? webhookBaseAddress = null)
    {
        if (app.ServiceProvider.GetService<LocalCardPaymentSimulator>() is not { } simulator) return app;
        var webhooks = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var page = app.MapGroup("/" + LocalCardPaymentSimulator.AuthenticationPagePath).ExcludeFromDescription();

        page.MapGet("/{paymentId}", (string paymentId) => simulator.Find(paymentId) is { } payment
            ? Html(HttpStatusCode.OK, AuthenticationPage(payment))
            : Html(HttpStatusCode.NotFound, Page("Unknown payment", $"<p>The simulated bank has no payment <code>{Encode(paymentId)}</code>.</p>")));

        page.MapPost("/{paymentId}/authenticate", (string paymentId, HttpContext http) => CompleteAsync(paymentId, true, http));
        page.MapPost("/{paymentId}/fail", (string paymentId, HttpContext http) => CompleteAsync(paymentId, false, http));
        return app;

        async Task<IResult> CompleteAsync(string paymentId, bool authenticated, HttpContext http)
        {
            SimulatedWebhook webhook;
            try { webhook = await simulator.CompleteAuthenticationAsync(paymentId, authenticated, http.RequestAborted); }
            catch (ResourceNotFoundException e) { return Html(HttpStatusCode.NotFound, Page("Unknown payment", $"<p>{Encode(e.Message)}</p>")); }
            catch (BusinessRuleViolationException e) { return Html(HttpStatusCode.Conflict, Page("Nothing to authenticate", $"<p>{Encode(e.Message)}</p>")); }

            var target = new Uri(webhookBaseAddress ?? new Uri($"{http.Request.Scheme}://{http.Request.Host}/"),
                $"{apiRoutePrefix}/webhooks/payments/{LocalCardPaymentSimulator.ProviderName}");
            var (delivered, answer) = await DeliverAsync(target, webhook, http.RequestAborted);
            var payment = webhook.Payment;
            var succeeded = payment.Status == SimulatedPaymentStatus.Succeeded;

            if (delivered && payment.ReturnUrl is { } returnUrl)
                return Results.Redirect(ReturnUrl(returnUrl, payment.Id, succeeded));

            var outcome = succeeded ? "The payment is authenticated." : "The authentication failed; the payment is refused.";
            var delivery = delivered
                ? $"<p>The shop was told ({Encode(answer)}).</p>"
                : $"""
                   <p class="error">The webhook to <code>{Encode(target.ToString())}</code> was not accepted: {Encode(answer)}.</p>
                   <form method="post" action="{(succeeded ? "authenticate" : "fail")}"><button>Send the webhook again</button></form>
                   """;
            var back = payment.ReturnUrl is { } url ? $"""<p><a href="{Encode(ReturnUrl(url, payment.Id, succeeded))}">Back to the shop</a></p>""" : "";
            return Html(delivered ? HttpStatusCode.OK : HttpStatusCode.BadGateway, Page(outcome, $"<p>{Encode(outcome)}</p>{delivery}{back}"));
        }

        async Task<(bool Delivered, string Answer)> DeliverAsync(Uri target, SimulatedWebhook webhook, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation(StripeWebhookReader.SignatureHeader, webhook.Signature);
            try
            {
                using var response = await webhooks.SendAsync(request, ct);
                return (response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}");
            }
            catch (HttpRequestException e) { return (false, e.Message); }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return (false, "no answer within 30 s"); }
        }
    }

    private static string ReturnUrl(string returnUrl, string paymentId, bool succeeded) =>
        $"{returnUrl}{(returnUrl.Contains('?') ? '&' : '?')}payment_intent={Uri.EscapeDataString(paymentId)}&redirect_status={(succeeded ? "succeeded" : "failed")}";

    private static (string Title, string Body) AuthenticationPage(SimulatedPayment payment)
    {
        if (payment.Status != SimulatedPaymentStatus.RequiresAction)
            return Page("Already settled", $"<p>Payment <code>{Encode(payment.Id)}</code> is {Encode(payment.Status.ToString())}; there is nothing left to authenticate.</p>");
        return Page("3-D Secure", $"""
            <p>Simulated bank: confirm the payment of <strong>{Encode(payment.Amount.ToString())}</strong> for order <code>{Encode(payment.OrderId)}</code>
            with card <code>{Encode(Masked(payment.Card))}</code>.</p>
            <form method="post" action="{Encode(payment.Id)}/authenticate"><button class="ok">Authenticate</button></form>
            <form method="post" action="{Encode(payment.Id)}/fail"><button class="fail">Fail authentication</button></form>
            """);
    }

    private static string Masked(string card) => card.All(char.IsAsciiDigit) && card.Length > 4 ? "•••• " + card[^4..] : card;

    private const string Style =
        "form{display:inline-block;margin-right:.5rem} button{font-size:1rem;padding:.5rem 1rem;cursor:pointer} .ok{background:#1a7f37;color:#fff} .fail{background:#cf222e;color:#fff} .error{color:#cf222e}";

    private static (string Title, string Body) Page(string title, string body) => (title, body);

    private static IResult Html(HttpStatusCode status, (string Title, string Body) page) =>
        SimulatorPage.Html((int)status, page.Title, page.Body, Style, "Serverless.Shop local card simulator: no real bank, no real money.");

    private static string Encode(string text) => SimulatorPage.Encode(text);
}
