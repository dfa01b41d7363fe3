using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

/// <param name="ShopAnswered">The status the shop's carrier webhook answered.</param>
public sealed record CarrierScanBody(string TrackingNumber, string Status, int ShopAnswered);

/// <summary>
/// The local carrier's depot: moves a parcel on (in transit, out for delivery, delivered ...) and sends the shop the
/// carrier's signed tracking webhook (POST /api/webhooks/carriers/local-carrier on this same host, as a carrier would),
/// so an order reaches <c>delivered</c> without signing webhooks by hand. A page with one button per scan, and the
/// POST it calls (with <c>?daysAgo=N</c>, a scan that happened N days ago). Mapped by the local host only. Tests:
/// CarrierSimulatorEndpointsTests.
/// </summary>
public static class CarrierSimulatorEndpoints
{
    public const string PagePath = "simulators/carrier";
    public const int MaximumDaysAgo = 365;

    // The webhook goes to this host itself; one client for the host's lifetime.
    private static readonly HttpClient Webhooks = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static readonly TrackingStatus[] Scans = [TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered, TrackingStatus.DeliveryFailed, TrackingStatus.ReturnedToSender];

    /// <param name="apiRoutePrefix">The functions' route prefix (host.json, "api"), under which the webhook function listens.</param>
    public static IEndpointRouteBuilder MapCarrierSimulator(this IEndpointRouteBuilder app, string apiRoutePrefix = "api")
    {
        var carrier = app.ServiceProvider.GetService<LocalCarrierSimulator>();
        if (carrier is null) return app;

        // Where the simulator's tracking URLs point: the status and its history, no address and no order.
        app.MapGet($"/{apiRoutePrefix}/shipping/local-carrier/tracking/{{trackingNumber}}", async (HttpContext http, string trackingNumber) =>
        {
            try { return Results.Json(await carrier.TrackAsync(trackingNumber, http.RequestAborted), ShopJson.Options); }
            catch (ResourceNotFoundException)
            {
                return Problem(Problems.Create(http, StatusCodes.Status404NotFound, "not-found", "Not found.", $"The local carrier has no parcel {trackingNumber}."));
            }
        }).ExcludeFromDescription();

        app.MapGet($"/{PagePath}/{{trackingNumber}}", async (string trackingNumber, CancellationToken ct) =>
                await carrier.FindAsync(trackingNumber, ct) is { } shipment
                    ? Html(StatusCodes.Status200OK, $"Parcel {shipment.TrackingNumber}", Page(shipment))
                    : Html(StatusCodes.Status404NotFound, "Unknown parcel", "<p>The local carrier has no parcel with this tracking number.</p>"))
            .ExcludeFromDescription();

        app.MapPost($"/{PagePath}/{{trackingNumber}}/{{scan}}", (Func<HttpContext, string, string, Task<IResult>>)(async (http, trackingNumber, scan) =>
        {
            if (!HmacTrackingWebhookReader.TryParseStatus(scan.Replace("-", "", StringComparison.Ordinal), out var status) || !Scans.Contains(status))
                return Problem(Problems.Create(http, StatusCodes.Status400BadRequest, "validation-failed", "Unknown scan.", $"A scan is one of: {string.Join(", ", Scans.Select(Slug))}.",
                    new Dictionary<string, string[]> { ["scan"] = [$"must be one of: {string.Join(", ", Scans.Select(Slug))}."] }));

            // ?daysAgo=31 dates the scan in the past, as a carrier's late scan would be: a parcel delivered longer ago than
            // the return window lets a developer see what happens once the window has passed (points become available).
            var daysAgoText = http.Request.Query["daysAgo"].ToString();
            var daysAgo = 0;
            if (daysAgoText.Length > 0 && (!int.TryParse(daysAgoText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out daysAgo) || daysAgo > MaximumDaysAgo))
                return Problem(Problems.Create(http, StatusCodes.Status400BadRequest, "validation-failed", "Invalid scan date.", $"daysAgo is a whole number of days from 0 to {MaximumDaysAgo}.",
                    new Dictionary<string, string[]> { ["daysAgo"] = [$"must be a whole number from 0 to {MaximumDaysAgo}."] }));

            SignedTrackingWebhook webhook;
            try
            {
                webhook = await carrier.CreateTrackingWebhookAsync(trackingNumber, status, null, http.RequestAborted,
                    daysAgo == 0 ? null : DateTimeOffset.UtcNow.AddDays(-daysAgo));
            }
            catch (ThirdPartyCallFailedException e) when (e.StatusCode is HttpStatusCode.NotFound)
            {
                return Problem(Problems.Create(http, StatusCodes.Status404NotFound, "not-found", "Not found.", $"The local carrier has no parcel {trackingNumber}."));
            }
            catch (ThirdPartyCallFailedException e) when (e.StatusCode is HttpStatusCode.Conflict)
            {
                return Problem(Problems.Create(http, StatusCodes.Status409Conflict, "rule-violated", "Conflict.", e.Message));
            }

            var target = $"{http.Request.Scheme}://{http.Request.Host}/{apiRoutePrefix}/webhooks/carriers/{LocalCarrierSimulator.CarrierName}";
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await Webhooks.SendAsync(request, http.RequestAborted);
            if (!response.IsSuccessStatusCode)
                // Shown, not hidden: the developer needs to see that the shop refused the carrier's webhook, and why.
                return Problem(Problems.Create(http, StatusCodes.Status502BadGateway, "webhook-refused", "The shop refused the carrier's webhook.",
                    $"POST {target} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(http.RequestAborted)}"));
            return Results.Json(new CarrierScanBody(trackingNumber, HmacTrackingWebhookReader.Spell(status), (int)response.StatusCode), ShopJson.Options);
        })).ExcludeFromDescription();
        return app;
    }

    private static string Slug(TrackingStatus status) =>
        string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static IResult Problem(ApiResult problem) => Results.Json(problem.Body, ShopJson.Options, Problems.ContentType, problem.StatusCode);

    private static string Page(SimulatedShipment shipment) => $$"""
        <p>Order <code>{{Encode(shipment.OrderId)}}</code>, now <strong>{{Encode(HmacTrackingWebhookReader.Spell(shipment.Status))}}</strong>{{(shipment.CancelledAt is null ? "" : " (cancelled)")}}.</p>
        <p>{{string.Concat(Scans.Select(s => $"<button data-scan=\"{Slug(s)}\">{Encode(Slug(s))}</button> "))}}</p>
        <pre id="answer"></pre>
        <p><small>A local stand-in for a carrier: each button sends the shop the carrier's signed tracking webhook.</small></p>
        <script>
        for (const b of document.querySelectorAll("button[data-scan]")) {
          b.addEventListener("click", async () => {
            const r = await fetch(location.pathname + "/" + b.dataset.scan, { method: "POST" });
            document.getElementById("answer").textContent = r.status + "\n" + JSON.stringify(await r.json(), null, 2);
          });
        }
        </script>
        """;

    private static IResult Html(int status, string title, string body) => SimulatorPage.Html(status, title, body, "button{font-size:1rem;margin:0 .5rem .5rem 0}");

    private static string Encode(string text) => SimulatorPage.Encode(text);
}
