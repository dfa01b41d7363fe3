using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>The simulator's settings (<c>Shipping:Carrier:*</c>, docs/configuration.md).</summary>
public sealed record LocalCarrierOptions(string WebhookSecret, string TrackingBaseUrl)
{
    // A record prints its properties; the secret must not end up in a log that way.
    public override string ToString() => $"LocalCarrierOptions {{ TrackingBaseUrl = {TrackingBaseUrl} }}";
}

/// <summary>A shipment as the simulator keeps it.</summary>
/// <param name="UnsentEventId">
/// The scan the carrier's schedule recorded (the last of <see cref="History"/>, by its event id) whose webhook the shop
/// has not yet accepted: sent again, with the same event id, until it has (<see cref="LocalCarrierCourier"/>). Null when
/// the carrier owes the shop nothing; shipments written before the schedule existed have none.
/// </param>
public sealed record SimulatedShipment(
    string ShipmentId, string TrackingNumber, string OrderId, string IdempotencyKey, string Service,
    ShippingAddress Address, IReadOnlyList<ParcelItem> Items, DateTimeOffset CreatedAt,
    TrackingStatus Status, DateTimeOffset? CancelledAt, IReadOnlyList<SimulatedTrackingUpdate> History,
    string? UnsentEventId = null)
{
    // Methods, not properties: the shipment is stored as JSON, and these are worked out from it.

    /// <summary>The way this parcel goes, chosen by the failure markers in its address.</summary>
    public LocalCarrierRoute Route() => LocalCarrierRoute.For(Address);

    /// <summary>Where the schedule takes the parcel next; null once it is where its route ends, when it was scanned off its route by hand, or when it was cancelled.</summary>
    public TrackingStatus? NextStep() => CancelledAt is null ? Route().After(Status) : null;
}

/// <summary>The simulator's public tracking page.</summary>
public sealed record LocalCarrierTracking(string Carrier, string TrackingNumber, string Service, TrackingStatus Status, bool Cancelled, IReadOnlyList<SimulatedTrackingUpdate> History);

/// <param name="EventId">The id of the webhook sent about this scan (the same id on every resend); null for scans made before ids were kept.</param>
public sealed record SimulatedTrackingUpdate(TrackingStatus Status, DateTimeOffset At, string? Description, string? EventId = null);

/// <summary>A webhook request as the carrier would send it: POST <see cref="Body"/> with <see cref="Headers"/>.</summary>
public sealed record SignedTrackingWebhook(string Body, IReadOnlyDictionary<string, string> Headers);
