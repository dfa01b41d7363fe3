using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>A postal address. Country is ISO 3166-1 alpha-2 (upper case); Region a state or province where it matters.</summary>
public sealed record ShippingAddress(
    string? Name, string? Line1, string? Line2, string? City, string? PostalCode, string? Region, string? Country, string? Phone);

public sealed record ParcelItem(string Sku, int Quantity)
{
    /// <summary>The product the SKU belongs to, whose measurements weigh the parcel; null: a unit without measurements.</summary>
    public string? ProductId { get; init; }
}

public sealed record ShippingQuoteRequest(ShippingAddress Address, IReadOnlyList<ParcelItem> Items, Money Subtotal)
{
    /// <summary>The service level checkout charges; null: standard.</summary>
    public ShippingServiceLevel? Service { get; init; }

    /// <summary>Where the parcel leaves from (the allocated warehouse); null: the shop's default origin (<c>Shipping:Origin:*</c>).</summary>
    public DispatchOrigin? Origin { get; init; }
}

public sealed record ShippingQuote(string Carrier, string Service, Money Fee, int EstimatedDaysMin, int EstimatedDaysMax)
{
    /// <summary>The carrier's own service the fee was its live rate for (null: the shop's rates): the label is bought at it.</summary>
    public string? CarrierService { get; init; }
}

/// <summary><see cref="IdempotencyKey"/> is the same on every retry, so a retry never creates a second shipment.</summary>
public sealed record ShipmentRequest(string OrderId, ShippingAddress Address, IReadOnlyList<ParcelItem> Items, string Service, string IdempotencyKey)
{
    /// <summary>Where the parcel leaves from (the allocated warehouse); null: the shop's own address.</summary>
    public ShippingAddress? Origin { get; init; }

    /// <summary>A return label: the parcel travels from <see cref="Address"/> (the customer) back to <see cref="Origin"/>.</summary>
    public bool IsReturn { get; init; }
}

public sealed record Shipment(string Carrier, string ShipmentId, string TrackingNumber, string TrackingUrl, string? LabelUrl);

/// <summary>One price a carrier offers for a parcel: <see cref="RateId"/> is what buying it refers to.</summary>
/// <param name="Carrier">The carrier behind a multi-carrier API (UPS, DHL ...).</param>
/// <param name="EstimatedDays">The carrier's own estimate, when it gives one.</param>
public sealed record CarrierRate(string RateId, string Carrier, string Service, Money Fee, int? EstimatedDays);

/// <summary>A carrier that takes parcels. A new carrier is one class implementing this.</summary>
public interface ICarrier
{
    string Name { get; }

    /// <summary>Buys the label (once per <see cref="ShipmentRequest.IdempotencyKey"/>, however often it is called).</summary>
    Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct);

    /// <summary>Cancels a shipment not yet handed over (voids its label). Idempotent.</summary>
    Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct);

    /// <summary>The carrier's live rates for the parcel, cheapest first; empty when it quotes none (the shop's own rates apply).</summary>
    Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct);

    /// <summary>Whether the carrier pushes tracking updates by webhook; those that do not are polled (<see cref="GetTrackingAsync"/>).</summary>
    bool SendsTrackingWebhooks { get; }

    /// <summary>The shipment's tracking updates as the carrier knows them now, oldest first (polling).</summary>
    Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct);
}

public enum TrackingStatus { LabelCreated, InTransit, OutForDelivery, Delivered, DeliveryFailed, ReturnedToSender }

/// <summary>A tracking update a carrier sent by webhook, after its signature was checked.</summary>
public sealed record TrackingEvent(
    string EventId, string Carrier, string TrackingNumber, string OrderId, TrackingStatus Status, DateTimeOffset OccurredAt, string? Description);

/// <summary>Checks a carrier's webhook signature and reads the update; throws <see cref="Payments.WebhookSignatureException"/> when it is wrong.</summary>
public interface ITrackingWebhookReader
{
    string Carrier { get; }
    Task<TrackingEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct);
}
