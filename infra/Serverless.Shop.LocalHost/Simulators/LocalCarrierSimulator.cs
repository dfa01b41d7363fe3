using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// A carrier that runs inside the shop, for local development, tests and demos: it accepts parcels, hands out tracking
/// numbers, cancels, and produces the signed tracking webhooks a real carrier would send. Shipments are kept as blobs
/// in the container <see cref="ContainerName"/> (in Azurite locally, so they survive a restart exactly as long as the
/// rest of the local data), one per idempotency key, created with If-None-Match so two concurrent retries make one
/// shipment.
/// </summary>
/// <remarks>
/// Failing on purpose: an address whose name or lines contain <see cref="DownMarker"/> fails every attempt as a carrier
/// outage would (503, transient); <see cref="FlakyMarker"/> fails the first attempt per idempotency key in this process
/// and then succeeds (a retry with the same key makes one shipment); <see cref="RejectMarker"/> is refused as
/// undeliverable (422, not worth retrying).
/// </remarks>
public sealed class LocalCarrierSimulator : ICarrier
{
    public const string CarrierName = ShippingSettings.LocalCarrierName;
    public const string ContainerName = "carrier-simulator";
    public const string DownMarker = "CARRIER-DOWN";
    public const string FlakyMarker = "CARRIER-FLAKY";
    public const string RejectMarker = "CARRIER-REJECT";

    private const string ShipmentPrefix = "lcs_";
    private const string TrackingPrefix = "LC";
    private const int HashLength = 20;
    private const int MaximumAttempts = 8;

    private readonly BlobContainerClient _shipments;
    private readonly LocalCarrierOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, int> _flakyAttempts = new(StringComparer.Ordinal);
    private volatile bool _containerExists;

    public LocalCarrierSimulator(BlobContainerClient shipments, LocalCarrierOptions options, TimeProvider clock, ILogger<LocalCarrierSimulator> logger)
    {
        _shipments = shipments;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    public string Name => CarrierName;

    public async Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.Check(Ids.IsWellFormed(request.OrderId), "orderId", "must be an order id.");
        v.Check(request.IdempotencyKey is { Length: > 0 and <= 200 }, "idempotencyKey", "is required (at most 200 characters).");
        v.Check(request.Items is { Count: > 0 }, "items", "must list what is in the parcel.");
        v.Required(request.Service, "service");
        ShippingAddressRules.Validate(request.Address, "address", v);
        if (!v.IsValid)
        {
            try { v.ThrowIfInvalid(); }
            catch (ValidationFailedException invalid) { throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.UnprocessableEntity, invalid.Message); }
        }
        FailOnPurpose(request);

        var hash = Hash(request.IdempotencyKey);
        var shipment = new SimulatedShipment(
            ShipmentPrefix + hash, TrackingPrefix + hash.ToUpperInvariant(), request.OrderId, request.IdempotencyKey, request.Service,
            request.Address, request.Items, _clock.GetUtcNow(), TrackingStatus.LabelCreated, null,
            [new SimulatedTrackingUpdate(TrackingStatus.LabelCreated, _clock.GetUtcNow(), "Label created.")]);

        await EnsureContainerAsync(ct);
        var blob = _shipments.GetBlobClient(BlobName(hash));
        try
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(shipment, ShopJson.Options), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, ct);
            _logger.LogInformation("Local carrier: shipment {ShipmentId} ({TrackingNumber}) for order {OrderId}.", shipment.ShipmentId, shipment.TrackingNumber, shipment.OrderId);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // This key was used before (a retry): the first shipment is the answer, as long as it is for the same order.
            shipment = (await ReadAsync(hash, ct))!.Value.Shipment;
            if (shipment.OrderId != request.OrderId)
                throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.Conflict, $"The idempotency key was used for order {shipment.OrderId}, not {request.OrderId}.");
        }
        return ToShipment(shipment);
    }

    public async Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct)
    {
        await ChangeAsync(shipmentId, shipment =>
        {
            if (shipment.CancelledAt is not null) return shipment;
            if (shipment.Status != TrackingStatus.LabelCreated)
                throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.Conflict, $"Shipment {shipmentId} was handed over ({shipment.Status}); it cannot be cancelled.");
            return shipment with { CancelledAt = _clock.GetUtcNow() };
        }, ct);
    }

    /// <summary>The simulator quotes no live rates: the shop's own rates apply.</summary>
    public Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct) => Task.FromResult<IReadOnlyList<CarrierRate>>([]);

    public bool SendsTrackingWebhooks => true;

    /// <summary>The scans so far, oldest first. Their event ids are per scan (<c>lcpoll_</c>), not the webhooks' ids: nothing polls the simulator yet, it sends webhooks.</summary>
    public async Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct)
    {
        var shipment = await FindAsync(shipmentId, ct) ?? throw NotFound(shipmentId);
        return shipment.History.Select((h, i) => new TrackingEvent($"lcpoll_{shipment.ShipmentId}_{i}", CarrierName, shipment.TrackingNumber, shipment.OrderId, h.Status, h.At, h.Description)).ToList();
    }

    /// <summary>A shipment by its id or tracking number, or null.</summary>
    public async Task<SimulatedShipment?> FindAsync(string shipmentIdOrTrackingNumber, CancellationToken ct) =>
        HashOf(shipmentIdOrTrackingNumber) is { } hash ? (await ReadAsync(hash, ct))?.Shipment : null;

    /// <summary>What anyone with the tracking number may see: no address, no order.</summary>
    /// <exception cref="ResourceNotFoundException">No shipment has this tracking number.</exception>
    public async Task<LocalCarrierTracking> TrackAsync(string trackingNumber, CancellationToken ct)
    {
        var shipment = trackingNumber.StartsWith(TrackingPrefix, StringComparison.Ordinal) ? await FindAsync(trackingNumber, ct) : null;
        return shipment is null
            ? throw new ResourceNotFoundException("Shipment", trackingNumber)
            : new LocalCarrierTracking(CarrierName, shipment.TrackingNumber, shipment.Service, shipment.Status, shipment.CancelledAt is not null, shipment.History);
    }

    /// <summary>
    /// Moves the shipment to <paramref name="status"/> and returns the webhook the carrier sends about it, signed with the
    /// shop's carrier webhook secret: POST its body with its headers to the shop's carrier webhook route. The event id is
    /// new each time; send the same webhook again to test duplicate delivery.
    /// </summary>
    /// <exception cref="ThirdPartyCallFailedException">404 for an unknown shipment, 409 for a cancelled one.</exception>
    /// <param name="occurredAt">When the scan happened, if not now: a carrier's scan can reach the shop late.</param>
    public async Task<SignedTrackingWebhook> CreateTrackingWebhookAsync(
        string shipmentIdOrTrackingNumber, TrackingStatus status, string? description = null, CancellationToken ct = default, DateTimeOffset? occurredAt = null)
    {
        var at = occurredAt ?? _clock.GetUtcNow();
        var shipment = await ChangeAsync(shipmentIdOrTrackingNumber, s =>
        {
            if (s.CancelledAt is not null)
                throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.Conflict, $"Shipment {s.ShipmentId} was cancelled.");
            return s with { Status = status, History = [.. s.History, new SimulatedTrackingUpdate(status, at, description)] };
        }, ct);
        var body = JsonSerializer.Serialize(new HmacTrackingWebhookReader.TrackingWebhookBody(
            Ids.New("lcevt"), shipment.TrackingNumber, shipment.OrderId, HmacTrackingWebhookReader.Spell(status), at, description), ShopJson.Options);
        return Sign(body);
    }

    /// <summary>Signs any body as the carrier would, now: for tests of tampered, stale or out-of-order deliveries.</summary>
    public SignedTrackingWebhook Sign(string body) => Sign(body, _clock.GetUtcNow());

    public SignedTrackingWebhook Sign(string body, DateTimeOffset at) =>
        new(body, new Dictionary<string, string> { [HmacTrackingWebhookReader.SignatureHeader] = HmacWebhookSignature.Sign(body, _options.WebhookSecret, at) });

    /// <summary>Where customers follow the parcel: the simulator's tracking page on this shop.</summary>
    public string TrackingUrl(string trackingNumber) => $"{_options.TrackingBaseUrl.TrimEnd('/')}/{trackingNumber}";

    private Shipment ToShipment(SimulatedShipment s) => new(CarrierName, s.ShipmentId, s.TrackingNumber, TrackingUrl(s.TrackingNumber), null);

    private void FailOnPurpose(ShipmentRequest request)
    {
        bool Has(string marker) => new[] { request.Address.Name, request.Address.Line1, request.Address.Line2 }
            .Any(part => part?.Contains(marker, StringComparison.OrdinalIgnoreCase) == true);

        if (Has(RejectMarker))
            throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.UnprocessableEntity, $"The address is undeliverable (it contains {RejectMarker}).");
        if (Has(DownMarker))
            throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.ServiceUnavailable, $"The carrier is down (the address contains {DownMarker}).");
        if (Has(FlakyMarker) && _flakyAttempts.AddOrUpdate(request.IdempotencyKey, 1, (_, n) => n + 1) == 1)
            throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.ServiceUnavailable, $"The carrier failed this first attempt (the address contains {FlakyMarker}); retry with the same idempotency key.");
    }

    private async Task<SimulatedShipment> ChangeAsync(string shipmentIdOrTrackingNumber, Func<SimulatedShipment, SimulatedShipment> change, CancellationToken ct)
    {
        var hash = HashOf(shipmentIdOrTrackingNumber) ?? throw NotFound(shipmentIdOrTrackingNumber);
        for (var attempt = 1; ; attempt++)
        {
            var (current, etag) = await ReadAsync(hash, ct) ?? throw NotFound(shipmentIdOrTrackingNumber);
            var changed = change(current);
            if (ReferenceEquals(changed, current)) return current;
            try
            {
                await _shipments.GetBlobClient(BlobName(hash)).UploadAsync(BinaryData.FromObjectAsJson(changed, ShopJson.Options), new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfMatch = etag },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                }, ct);
                return changed;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    private async Task<(SimulatedShipment Shipment, ETag ETag)?> ReadAsync(string hash, CancellationToken ct)
    {
        await EnsureContainerAsync(ct);
        try
        {
            var content = (await _shipments.GetBlobClient(BlobName(hash)).DownloadContentAsync(ct)).Value;
            return (content.Content.ToObjectFromJson<SimulatedShipment>(ShopJson.Options)!, content.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_containerExists) return;
        await _shipments.CreateIfNotExistsAsync(cancellationToken: ct);
        _containerExists = true;
    }

    private static ThirdPartyCallFailedException NotFound(string id) =>
        new(CarrierName, HttpStatusCode.NotFound, $"There is no shipment '{id}'.");

    private static string BlobName(string hash) => $"shipments/{hash}.json";

    // Deterministic (the same key always names the same shipment, even after the blobs are gone) and unique in practice
    // (80 bits of SHA-256 per key).
    private static string Hash(string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..HashLength];

    private static string? HashOf(string shipmentIdOrTrackingNumber)
    {
        var id = shipmentIdOrTrackingNumber.Trim();
        var hash = id.StartsWith(ShipmentPrefix, StringComparison.Ordinal) ? id[ShipmentPrefix.Length..]
            : id.StartsWith(TrackingPrefix, StringComparison.OrdinalIgnoreCase) ? id[TrackingPrefix.Length..].ToLowerInvariant()
            : null;
        return hash is { Length: HashLength } && hash.All(char.IsAsciiHexDigitLower) ? hash : null;
    }
}

/// <summary>The simulator's settings (<c>Shipping:Carrier:*</c>, docs/configuration.md).</summary>
public sealed record LocalCarrierOptions(string WebhookSecret, string TrackingBaseUrl)
{
    // A record prints its properties; the secret must not end up in a log that way.
    public override string ToString() => $"LocalCarrierOptions {{ TrackingBaseUrl = {TrackingBaseUrl} }}";
}

/// <summary>A shipment as the simulator keeps it.</summary>
public sealed record SimulatedShipment(
    string ShipmentId, string TrackingNumber, string OrderId, string IdempotencyKey, string Service,
    ShippingAddress Address, IReadOnlyList<ParcelItem> Items, DateTimeOffset CreatedAt,
    TrackingStatus Status, DateTimeOffset? CancelledAt, IReadOnlyList<SimulatedTrackingUpdate> History);

/// <summary>The simulator's public tracking page.</summary>
public sealed record LocalCarrierTracking(string Carrier, string TrackingNumber, string Service, TrackingStatus Status, bool Cancelled, IReadOnlyList<SimulatedTrackingUpdate> History);

public sealed record SimulatedTrackingUpdate(TrackingStatus Status, DateTimeOffset At, string? Description);

/// <summary>A webhook request as the carrier would send it: POST <see cref="Body"/> with <see cref="Headers"/>.</summary>
public sealed record SignedTrackingWebhook(string Body, IReadOnlyDictionary<string, string> Headers);
