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
/// undeliverable (422, not worth retrying). <see cref="LocalCarrierRoute.ExceptionMarker"/> and
/// <see cref="LocalCarrierRoute.ReturnMarker"/> take a parcel off the way to delivered once it is out for delivery.
/// The schedule (<see cref="LocalCarrierSchedule"/>) and the depot page move parcels along through <see cref="LocalCarrierCourier"/>.
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
            await blob.UploadAsync(BinaryData.FromObjectAsJson(shipment, ShopJson.Options), UploadOptions(shipment, new BlobRequestConditions { IfNoneMatch = ETag.All }), ct);
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
        var scan = new SimulatedTrackingUpdate(status, occurredAt ?? _clock.GetUtcNow(), description, Ids.New("lcevt"));
        var shipment = await ChangeAsync(shipmentIdOrTrackingNumber, s =>
        {
            if (s.CancelledAt is not null)
                throw new ThirdPartyCallFailedException(CarrierName, HttpStatusCode.Conflict, $"Shipment {s.ShipmentId} was cancelled.");
            return s with { Status = status, History = [.. s.History, scan] };
        }, ct);
        return WebhookFor(shipment, scan);
    }

    /// <summary>
    /// The schedule's step, recorded before it is sent: when nothing is owed to the shop, the parcel's next step on its
    /// route (<see cref="SimulatedShipment.NextStep"/>) is added with a new event id and becomes
    /// <see cref="SimulatedShipment.UnsentEventId"/>. When a step is still owed, or the route has ended, nothing changes.
    /// Send the owed step (<see cref="WebhookFor(SimulatedShipment, string)"/>), then <see cref="MarkSentAsync"/>: a
    /// process that stops in between sends the same event again after a restart, and the shop's webhook inbox takes it
    /// once. Written with the blob's ETag, so the schedule and the depot page never add the same step twice.
    /// </summary>
    /// <exception cref="ThirdPartyCallFailedException">404 for an unknown shipment.</exception>
    public Task<SimulatedShipment> RecordNextStepAsync(string shipmentIdOrTrackingNumber, CancellationToken ct) =>
        ChangeAsync(shipmentIdOrTrackingNumber, s =>
        {
            if (s.UnsentEventId is not null || s.NextStep() is not { } next) return s;
            var scan = new SimulatedTrackingUpdate(next, _clock.GetUtcNow(), s.Route().Describe(next), Ids.New("lcevt"));
            return s with { Status = next, History = [.. s.History, scan], UnsentEventId = scan.EventId };
        }, ct);

    /// <summary>The shop accepted the owed step <paramref name="eventId"/>: the carrier owes it nothing more.</summary>
    public Task<SimulatedShipment> MarkSentAsync(string shipmentIdOrTrackingNumber, string eventId, CancellationToken ct) =>
        ChangeAsync(shipmentIdOrTrackingNumber, s => s.UnsentEventId == eventId ? s with { UnsentEventId = null } : s, ct);

    /// <summary>The signed webhook about the scan <paramref name="eventId"/> of the shipment: the same body each time, signed now.</summary>
    public SignedTrackingWebhook WebhookFor(SimulatedShipment shipment, string eventId) =>
        WebhookFor(shipment, shipment.History.LastOrDefault(h => h.EventId == eventId)
            ?? throw new ArgumentException($"Shipment {shipment.ShipmentId} has no scan {eventId}.", nameof(eventId)));

    private SignedTrackingWebhook WebhookFor(SimulatedShipment shipment, SimulatedTrackingUpdate scan) =>
        Sign(JsonSerializer.Serialize(new HmacTrackingWebhookReader.TrackingWebhookBody(
            scan.EventId, shipment.TrackingNumber, shipment.OrderId, HmacTrackingWebhookReader.Spell(scan.Status), scan.At, scan.Description), ShopJson.Options));

    /// <summary>
    /// Every shipment, newest first; with <paramref name="movingOnly"/>, only those the schedule still has work for (a
    /// next step or an owed one), found from the blobs' metadata without reading the others.
    /// </summary>
    public async Task<IReadOnlyList<SimulatedShipment>> ListAsync(bool movingOnly, CancellationToken ct)
    {
        await EnsureContainerAsync(ct);
        var shipments = new List<SimulatedShipment>();
        await foreach (var item in _shipments.GetBlobsAsync(new GetBlobsOptions { Prefix = "shipments/", Traits = BlobTraits.Metadata }, ct))
        {
            var marked = item.Metadata.TryGetValue(MovingMetadata, out var moving);
            if (movingOnly && marked && moving == "false") continue;
            if (await ReadAsync(item.Name["shipments/".Length..^".json".Length], ct) is not { } found) continue;
            if (!movingOnly || IsMoving(found.Shipment)) shipments.Add(found.Shipment);
            // A blob written before the metadata existed is read once and marked, so the schedule skips it from then on.
            if (!marked) await MarkAsync(item.Name, found.Shipment, found.ETag, ct);
        }
        return [.. shipments.OrderByDescending(s => s.CreatedAt)];
    }

    /// <summary>Signs any body as the carrier would, now: for tests of tampered, stale or out-of-order deliveries.</summary>
    public SignedTrackingWebhook Sign(string body) => Sign(body, _clock.GetUtcNow());

    public SignedTrackingWebhook Sign(string body, DateTimeOffset at) =>
        new(body, new Dictionary<string, string> { [HmacTrackingWebhookReader.SignatureHeader] = HmacWebhookSignature.Sign(body, _options.WebhookSecret, at) });

    /// <summary>Where customers follow the parcel: the simulator's tracking page on this shop.</summary>
    public string TrackingUrl(string trackingNumber) => $"{_options.TrackingBaseUrl.TrimEnd('/')}/{trackingNumber}";

    private Shipment ToShipment(SimulatedShipment s) => new(CarrierName, s.ShipmentId, s.TrackingNumber, TrackingUrl(s.TrackingNumber), null);

    private const string MovingMetadata = "moving";

    private async Task MarkAsync(string blobName, SimulatedShipment shipment, ETag etag, CancellationToken ct)
    {
        try
        {
            await _shipments.GetBlobClient(blobName).SetMetadataAsync(UploadOptions(shipment, new BlobRequestConditions()).Metadata,
                new BlobRequestConditions { IfMatch = etag }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Written meanwhile, with its metadata.
        }
    }

        private static bool IsMoving(SimulatedShipment s) => s.UnsentEventId is not null || s.NextStep() is not null;

    private static BlobUploadOptions UploadOptions(SimulatedShipment shipment, BlobRequestConditions conditions) => new()
    {
        Conditions = conditions,
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        Metadata = new Dictionary<string, string> { [MovingMetadata] = IsMoving(shipment) ? "true" : "false" },
    };

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
                await _shipments.GetBlobClient(BlobName(hash)).UploadAsync(BinaryData.FromObjectAsJson(changed, ShopJson.Options), UploadOptions(changed, new BlobRequestConditions { IfMatch = etag }), ct);
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
