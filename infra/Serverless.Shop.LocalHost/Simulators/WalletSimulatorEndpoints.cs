using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// The local wallet's page: what a shopper sees at an e-wallet provider, reduced to the amount and two buttons.
/// Approve or Cancel sends the shop the wallet's signed webhook (POST /api/webhooks/payments/local-wallet on this same
/// host, as a provider would) and then sends the shopper back to the shop's return URL.
/// </summary>
public static class WalletSimulatorEndpoints
{
    // The webhook goes to this host itself; one client for the host's lifetime.
    private static readonly HttpClient Webhooks = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Maps /simulators/wallet/{sessionId} when the local wallet is the shop's e-wallet (otherwise nothing).</summary>
    /// <param name="apiRoutePrefix">The functions' route prefix (host.json, "api"), under which the webhook function listens.</param>
    public static IEndpointRouteBuilder MapWalletSimulator(this IEndpointRouteBuilder app, string apiRoutePrefix = "api")
    {
        var wallet = app.ServiceProvider.GetService<LocalWalletSimulator>();
        if (wallet is null) return app;

        // Redirects must name the port this host got (any free one in tests), known only once it listens.
        app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            var address = app.ServiceProvider.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is not null) wallet.UsePageBaseUrl(new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)));
        });

        var page = $"/{LocalWalletSimulator.PagePath}/{{sessionId}}";
        app.MapGet(page, (string sessionId) => wallet.FindSession(sessionId) is { } session
                ? Html(StatusCodes.Status200OK, "Local wallet", SessionPage(session))
                : Html(StatusCodes.Status404NotFound, "Unknown payment", "<p>The wallet knows no such payment (sessions are lost when the local host restarts).</p>"))
            .ExcludeFromDescription();

        app.MapPost(page + "/approve", (string sessionId, HttpContext http) => DecideAsync(() => wallet.Approve(sessionId), http)).ExcludeFromDescription();
        app.MapPost(page + "/cancel", (string sessionId, HttpContext http) => DecideAsync(() => wallet.Cancel(sessionId), http)).ExcludeFromDescription();
        return app;

        async Task<IResult> DecideAsync(Func<LocalWalletWebhook> decide, HttpContext http)
        {
            LocalWalletWebhook webhook;
            try
            {
                webhook = decide();
            }
            catch (ResourceNotFoundException)
            {
                return Html(StatusCodes.Status404NotFound, "Unknown payment", "<p>The wallet knows no such payment.</p>");
            }
            catch (BusinessRuleViolationException e)
            {
                return Html(StatusCodes.Status409Conflict, "Already decided", $"<p>{Encode(e.Message)}</p>");
            }

            var target = $"{http.Request.Scheme}://{http.Request.Host}/{apiRoutePrefix}/webhooks/payments/{LocalWalletSimulator.ProviderName}";
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await Webhooks.SendAsync(request, http.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                // Shown, not hidden behind a redirect: the developer needs to see that the shop refused the webhook.
                var answer = await response.Content.ReadAsStringAsync(http.RequestAborted);
                return Html(StatusCodes.Status502BadGateway, "The shop refused the webhook",
                    $"<p>POST {Encode(target)} answered {(int)response.StatusCode}.</p><pre>{Encode(answer)}</pre>");
            }

            return Results.Redirect(webhook.ReturnUrl, permanent: false, preserveMethod: false);
        }
    }

    private static string SessionPage(WalletSession session)
    {
        var decided = session.State == WalletSessionState.Pending
            ? ""
            : $"<p><strong>This payment was {session.State.ToString().ToLowerInvariant()}.</strong></p>";
        var buttons = session.State == WalletSessionState.Cancelled
            ? ""
            : $"""
               <form method="post" action="/{LocalWalletSimulator.PagePath}/{Encode(session.Id)}/approve"><button type="submit">Approve</button></form>
               <form method="post" action="/{LocalWalletSimulator.PagePath}/{Encode(session.Id)}/cancel"><button type="submit">Cancel</button></form>
               """;
        return $"""
            <p>Pay <strong>{Encode(session.Amount.ToString())}</strong> for order <code>{Encode(session.OrderId)}</code>
            as <code>{Encode(session.CustomerEmail)}</code>?</p>
            {decided}
            {buttons}
            <p><small>A local stand-in for an e-wallet: no money moves.</small></p>
            """;
    }

    private const string Style = "form{display:inline} button{font-size:1.1rem;margin-right:1rem}";

    private static IResult Html(int status, string title, string body) => SimulatorPage.Html(status, title, body, Style);

    private static string Encode(string text) => SimulatorPage.Encode(text);
}
