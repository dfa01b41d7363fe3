using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>One signed webhook the local carrier sent, and what the shop answered.</summary>
/// <param name="ShopAnswered">The HTTP status of the shop's carrier webhook route; 0 when it did not answer.</param>
/// <param name="Receipt">The shop's receipt (<c>handled</c>, <c>duplicate</c>, <c>ignored</c>) when it accepted the webhook.</param>
/// <param name="Refusal">The shop's answer when it did not.</param>
public sealed record CourierDelivery(string TrackingNumber, string EventId, TrackingStatus Status, int ShopAnswered, string? Receipt, string? Refusal)
{
    public bool Accepted => ShopAnswered is >= 200 and < 300;
}

/// <summary>
/// Takes the local carrier's parcels along their route and tells the shop, as a carrier does: each step is recorded on
/// the parcel first (<see cref="LocalCarrierSimulator.RecordNextStepAsync"/>), then POSTed as the carrier's signed
/// webhook to the shop's own route (<c>/api/webhooks/carriers/local-carrier</c> on this host), then marked sent. A step
/// recorded but not accepted (the shop refused it, the host stopped) is sent again, with the same event id, before any
/// further step: the shop's webhook inbox applies an event id once, so no step reaches the order twice, even across a
/// restart (CarrierScheduleTests). Used by the schedule (<see cref="LocalCarrierSchedule"/>) and the depot page.
/// </summary>
public sealed class LocalCarrierCourier(LocalCarrierSimulator carrier, Func<Uri> shopAddress, string apiRoutePrefix, ILogger<LocalCarrierCourier> logger)
{
    /// <summary>How many webhooks <see cref="Sent"/> remembers.</summary>
    public const int SentKept = 1000;

    // Longer than any route, so a loop over steps always ends.
    private const int MaximumSteps = 10;

    // The webhooks go to this host itself; one client for the host's lifetime.
    private static readonly HttpClient Webhooks = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly Queue<CourierDelivery> _sent = new();

    /// <summary>The webhooks this process sent, oldest first (the last <see cref="SentKept"/>): what a test or the depot's list page looks at.</summary>
    public IReadOnlyList<CourierDelivery> Sent
    {
        get { lock (_sent) return [.. _sent]; }
    }

    /// <summary>Where the webhooks go: the shop's carrier webhook route on this host.</summary>
    public Uri WebhookAddress => new(shopAddress(), $"{apiRoutePrefix}/webhooks/carriers/{LocalCarrierSimulator.CarrierName}");

    /// <summary>
    /// Sends the step the parcel still owes the shop, or else moves it one step on along its route and sends that.
    /// Null when there is nothing to send: the route has ended, the parcel was scanned off it by hand, or cancelled.
    /// </summary>
    /// <exception cref="ThirdPartyCallFailedException">404 for an unknown parcel.</exception>
    public async Task<CourierDelivery?> AdvanceAsync(string trackingNumber, CancellationToken ct)
    {
        var shipment = await carrier.RecordNextStepAsync(trackingNumber, ct);
        if (shipment.UnsentEventId is not { } eventId) return null;
        var scan = shipment.History.Last(h => h.EventId == eventId);
        int status;
        string body;
        try { (status, body) = await PostAsync(carrier.WebhookFor(shipment, eventId), ct); }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // The shop did not answer (stopping, or too slow): the step stays owed, as when it refuses.
            (status, body) = (0, $"no answer: {e.Message}");
        }
        var accepted = status is >= 200 and < 300;
        var delivery = new CourierDelivery(shipment.TrackingNumber, eventId, scan.Status, status, accepted ? Receipt(body) : null, accepted ? null : body);
        if (accepted) await carrier.MarkSentAsync(trackingNumber, eventId, ct);
        else logger.LogWarning("Local carrier: the shop refused the {Status} webhook of parcel {TrackingNumber} ({Answer}: {Body}); it is sent again later.",
            scan.Status, shipment.TrackingNumber, status, body);
        lock (_sent)
        {
            _sent.Enqueue(delivery);
            while (_sent.Count > SentKept) _sent.Dequeue();
        }
        return delivery;
    }

    /// <summary>The rest of the parcel's route at once, step by step, each its own webhook; stops at the first the shop refuses.</summary>
    /// <exception cref="ThirdPartyCallFailedException">404 for an unknown parcel.</exception>
    public async Task<IReadOnlyList<CourierDelivery>> DeliverNowAsync(string trackingNumber, CancellationToken ct)
    {
        var deliveries = new List<CourierDelivery>();
        while (deliveries.Count < MaximumSteps && await AdvanceAsync(trackingNumber, ct) is { } delivery)
        {
            deliveries.Add(delivery);
            if (!delivery.Accepted) break;
        }
        return deliveries;
    }

    /// <summary>POSTs a signed webhook to the shop's carrier route, as the carrier would; the shop's status and body.</summary>
    public async Task<(int Status, string Body)> PostAsync(SignedTrackingWebhook webhook, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookAddress) { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await Webhooks.SendAsync(request, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    private static string? Receipt(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("receipt", out var receipt) ? receipt.GetString() : null; }
        catch (JsonException) { return null; }
    }
}
