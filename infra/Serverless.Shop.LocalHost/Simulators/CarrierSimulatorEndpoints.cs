using System.Net;
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

/// <summary>What "deliver now" sent: each step with the shop's answer, and where the parcel is now.</summary>
public sealed record DeliverNowBody(string TrackingNumber, string Status, IReadOnlyList<DeliverNowStep> Steps);

public sealed record DeliverNowStep(string Status, string EventId, int ShopAnswered, string? Receipt);

/// <summary>
/// The local carrier's depot: moves a parcel on (in transit, out for delivery, delivered ...) and sends the shop the
/// carrier's signed tracking webhook (POST /api/webhooks/carriers/local-carrier on this same host, as a carrier would),
/// so an order reaches <c>delivered</c> without signing webhooks by hand. A list of parcels (<c>/simulators/carrier</c>),
/// a page per parcel with one button per scan and a "deliver now" button (the rest of its route at once), and the POSTs
/// they call (a scan with <c>?daysAgo=N</c> happened N days ago). No secret: mapped by the local host only, on
/// loopback. Tests: CarrierSimulatorEndpointsTests, CarrierScheduleTests.
/// </summary>
public static class CarrierSimulatorEndpoints
{
    public const string PagePath = "simulators/carrier";
    public const int MaximumDaysAgo = 365;

    /// <summary>The most parcels the list page shows, newest first.</summary>
    public const int ListedParcels = 200;

    private static readonly TrackingStatus[] Scans = [TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered, TrackingStatus.DeliveryFailed, TrackingStatus.ReturnedToSender];

    /// <param name="apiRoutePrefix">The functions' route prefix (host.json, "api"), under which the public tracking route listens.</param>
    public static IEndpointRouteBuilder MapCarrierSimulator(this IEndpointRouteBuilder app, string apiRoutePrefix = "api")
    {
        var carrier = app.ServiceProvider.GetService<LocalCarrierSimulator>();
        if (carrier is null) return app;
        var courier = app.ServiceProvider.GetRequiredService<LocalCarrierCourier>();
        var schedule = app.ServiceProvider.GetService<LocalCarrierSchedule>();

        // Where the simulator's tracking URLs point: the status and its history, no address and no order.
        app.MapGet($"/{apiRoutePrefix}/shipping/local-carrier/tracking/{{trackingNumber}}", async (HttpContext http, string trackingNumber) =>
        {
            try { return Results.Json(await carrier.TrackAsync(trackingNumber, http.RequestAborted), ShopJson.Options); }
            catch (ResourceNotFoundException)
            {
                return Problem(Problems.Create(http, StatusCodes.Status404NotFound, "not-found", "Not found.", $"The local carrier has no parcel {trackingNumber}."));
            }
        }).ExcludeFromDescription();

        app.MapGet($"/{PagePath}", async (CancellationToken ct) =>
                Html(StatusCodes.Status200OK, "Local carrier: parcels", CarrierSimulatorPages.List((await carrier.ListAsync(movingOnly: false, ct)).Take(ListedParcels).ToList(), schedule)))
            .ExcludeFromDescription();

        app.MapGet($"/{PagePath}/{{trackingNumber}}", async (string trackingNumber, CancellationToken ct) =>
                await carrier.FindAsync(trackingNumber, ct) is { } shipment
                    ? Html(StatusCodes.Status200OK, $"Parcel {shipment.TrackingNumber}", CarrierSimulatorPages.Parcel(shipment, Scans.Select(Slug), schedule))
                    : Html(StatusCodes.Status404NotFound, "Unknown parcel", "<p>The local carrier has no parcel with this tracking number.</p>"))
            .ExcludeFromDescription();

        // The rest of the parcel's route at once (a literal segment, so it wins over the {scan} route below).
        app.MapPost($"/{PagePath}/{{trackingNumber}}/deliver-now", (Func<HttpContext, string, Task<IResult>>)(async (http, trackingNumber) =>
        {
            if (await carrier.FindAsync(trackingNumber, http.RequestAborted) is not { } parcel) return UnknownParcel(http, trackingNumber);
            if (parcel.NextStep() is null && parcel.UnsentEventId is null)
                return Problem(Problems.Create(http, StatusCodes.Status409Conflict, "rule-violated", "Nothing left to deliver.",
                    parcel.CancelledAt is not null ? $"Parcel {parcel.TrackingNumber} was cancelled."
                        : $"Parcel {parcel.TrackingNumber} is {HmacTrackingWebhookReader.Spell(parcel.Status)}: the end of its route, or a scan pressed by hand off it."));
            var steps = await courier.DeliverNowAsync(parcel.TrackingNumber, http.RequestAborted);
            if (steps.FirstOrDefault(s => !s.Accepted) is { } refused)
                return Problem(Problems.Create(http, StatusCodes.Status502BadGateway, "webhook-refused", "The shop refused the carrier's webhook.",
                    $"POST {courier.WebhookAddress} ({HmacTrackingWebhookReader.Spell(refused.Status)}) answered {refused.ShopAnswered}: {refused.Refusal}. The step is kept and sent again."));
            var now = await carrier.FindAsync(parcel.TrackingNumber, http.RequestAborted);
            return Results.Json(new DeliverNowBody(parcel.TrackingNumber, HmacTrackingWebhookReader.Spell(now!.Status),
                steps.Select(s => new DeliverNowStep(HmacTrackingWebhookReader.Spell(s.Status), s.EventId, s.ShopAnswered, s.Receipt)).ToList()), ShopJson.Options);
        })).ExcludeFromDescription();

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
                return UnknownParcel(http, trackingNumber);
            }
            catch (ThirdPartyCallFailedException e) when (e.StatusCode is HttpStatusCode.Conflict)
            {
                return Problem(Problems.Create(http, StatusCodes.Status409Conflict, "rule-violated", "Conflict.", e.Message));
            }

            var (answered, answer) = await courier.PostAsync(webhook, http.RequestAborted);
            if (answered is < 200 or >= 300)
                // Shown, not hidden: the developer needs to see that the shop refused the carrier's webhook, and why.
                return Problem(Problems.Create(http, StatusCodes.Status502BadGateway, "webhook-refused", "The shop refused the carrier's webhook.",
                    $"POST {courier.WebhookAddress} answered {answered}: {answer}"));
            return Results.Json(new CarrierScanBody(trackingNumber, HmacTrackingWebhookReader.Spell(status), answered), ShopJson.Options);
        })).ExcludeFromDescription();
        return app;
    }

    internal static string Slug(TrackingStatus status) =>
        string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static IResult Problem(ApiResult problem) => Results.Json(problem.Body, ShopJson.Options, Problems.ContentType, problem.StatusCode);

    private static IResult UnknownParcel(HttpContext http, string trackingNumber) =>
        Problem(Problems.Create(http, StatusCodes.Status404NotFound, "not-found", "Not found.", $"The local carrier has no parcel {trackingNumber}."));

    private static IResult Html(int status, string title, string body) =>
        SimulatorPage.Html(status, title, body, "button{font-size:1rem;margin:0 .5rem .5rem 0} table{border-collapse:collapse} td,th{padding:.2rem .6rem;text-align:left}");
}
