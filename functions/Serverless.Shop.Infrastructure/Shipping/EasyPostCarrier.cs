using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Polly;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// EasyPost (one API over UPS, DHL, FedEx, USPS, the postal services: docs/shipping.md#carriers-and-tracking) over its
/// documented HTTP API, v2: a shipment is created (it carries the rates), one rate is bought, the label PDF is copied
/// into Blob Storage, tracking comes from the shipment's tracker, and a label not yet used is voided by a refund.
/// </summary>
/// <remarks>
/// EasyPost takes no idempotency key, so the shop keeps its own: per key, a record blob (created with If-None-Match)
/// holds the EasyPost shipment made for it. A retry finds the record, asks EasyPost whether that shipment was bought,
/// and buys only if not, so a retry never pays for a second label. Each call runs in the one resilience pipeline of the
/// carrier (<see cref="ThirdPartyResilience"/>): 429 and 5xx are retried, other 4xx are not. Tests: EasyPostCarrierTests.
/// </remarks>
public sealed class EasyPostCarrier(
    HttpClient http, EasyPostOptions options, BlobContainerClient blobs, ResiliencePipeline resilience, ILogger<EasyPostCarrier> logger) : ICarrier
{
    public const string CarrierName = "easypost";
    public const string ServiceName = "EasyPost";
    public const string ContainerName = "carrier-labels";
    public static readonly Uri DefaultApiBase = new("https://api.easypost.com/v2/");

    private volatile bool _containerExists;

    public string Name => CarrierName;

    public bool SendsTrackingWebhooks => true;

    /// <summary>One long-lived client for the API; no timeout of its own, the pipeline times each attempt out.</summary>
    public static HttpClient CreateHttpClient(Uri apiBase, string apiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = apiBase.AbsoluteUri.EndsWith('/') ? apiBase : new Uri(apiBase.AbsoluteUri + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // EasyPost authenticates with the API key as the basic-auth user name and no password.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(apiKey + ":")));
        return client;
    }

    public async Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct)
    {
        Validate(request);
        var shipment = await SendAsync(HttpMethod.Post, "shipments", ShipmentBody(request), ct);
        return Rates(shipment).OrderBy(r => r.Fee.Amount).ToList();
    }

    public async Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct)
    {
        Validate(request);
        await EnsureContainerAsync(ct);
        var record = await ReadRecordAsync(request.IdempotencyKey, ct);
        if (record is not null && record.OrderId != request.OrderId)
            throw new ThirdPartyCallFailedException(ServiceName, HttpStatusCode.Conflict, $"The idempotency key was used for order {record.OrderId}, not {request.OrderId}.");
        if (record?.Shipment is { } done) return done;

        JsonNode shipment;
        if (record is null)
        {
            shipment = await SendAsync(HttpMethod.Post, "shipments", ShipmentBody(request), ct);
            record = new EasyPostRecord(request.OrderId, Text(shipment, "id") ?? throw Unreadable("a shipment without an id"), null);
            if (!await TryCreateRecordAsync(request.IdempotencyKey, record, ct))
            {
                // Another attempt with this key got there first: its shipment is the one; ours is never bought (unbought costs nothing).
                record = (await ReadRecordAsync(request.IdempotencyKey, ct))!;
                if (record.Shipment is { } theirs) return theirs;
                shipment = await SendAsync(HttpMethod.Get, $"shipments/{record.ShipmentId}", null, ct);
            }
        }
        else
        {
            // A retry: the label may have been bought by the attempt that did not finish.
            shipment = await SendAsync(HttpMethod.Get, $"shipments/{record.ShipmentId}", null, ct);
        }

        if (Text(shipment, "tracking_code") is null)
        {
            var rate = ChooseRate(shipment, request.Service);
            shipment = await SendAsync(HttpMethod.Post, $"shipments/{record.ShipmentId}/buy", new JsonObject { ["rate"] = new JsonObject { ["id"] = rate } }, ct);
            logger.LogInformation("EasyPost: bought label for shipment {ShipmentId} of order {OrderId}.", record.ShipmentId, request.OrderId);
        }

        var trackingCode = Text(shipment, "tracking_code") ?? throw Unreadable("a bought shipment without a tracking code");
        var labelUrl = shipment["postage_label"] is JsonObject label ? Text(label, "label_pdf_url") ?? Text(label, "label_url") : null;
        var labelBlob = labelUrl is null ? null : await KeepLabelAsync(request.OrderId, record.ShipmentId, new Uri(labelUrl), ct);
        var trackingUrl = shipment["tracker"] is JsonObject tracker ? Text(tracker, "public_url") : null;
        var result = new Shipment(CarrierName, record.ShipmentId, trackingCode, trackingUrl ?? $"https://track.easypost.com/{trackingCode}", labelBlob);

        await WriteAsync(RecordName(request.IdempotencyKey), record with { Shipment = result }, ct);
        await WriteAsync(TrackingIndexName(trackingCode), new EasyPostParcel(request.OrderId, record.ShipmentId), ct);
        return result;
    }

    /// <summary>Voids the label (EasyPost: a refund of the postage, possible until the carrier scans the parcel). Idempotent.</summary>
    public async Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct)
    {
        var shipment = await SendAsync(HttpMethod.Get, $"shipments/{Uri.EscapeDataString(shipmentId)}", null, ct);
        if (Text(shipment, "refund_status") is "submitted" or "refunded") return;
        if (Text(shipment, "tracking_code") is null) return; // never bought: nothing to void
        var refunded = await SendAsync(HttpMethod.Post, $"shipments/{Uri.EscapeDataString(shipmentId)}/refund", new JsonObject(), ct);
        if (Text(refunded, "refund_status") is "rejected" or "not_applicable")
            throw new ThirdPartyCallFailedException(ServiceName, HttpStatusCode.Conflict, $"EasyPost refused to void the label of {shipmentId} ({Text(refunded, "refund_status")}): the parcel was handed over.");
    }

    /// <summary>The shipment's tracking history as EasyPost knows it now, oldest first (for polling when a webhook is missed).</summary>
    public async Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct)
    {
        var shipment = await SendAsync(HttpMethod.Get, $"shipments/{Uri.EscapeDataString(shipmentId)}", null, ct);
        var orderId = Text(shipment, "reference");
        if (orderId is null || shipment["tracker"] is not JsonObject tracker) return [];
        return TrackingEvents(tracker, orderId);
    }

    /// <summary>Every scan of a tracker as a tracking event; the event id is the tracker's and the scan's, so a scan seen twice is applied once.</summary>
    public static IReadOnlyList<TrackingEvent> TrackingEvents(JsonObject tracker, string orderId)
    {
        var trackerId = Text(tracker, "id") ?? "";
        var code = Text(tracker, "tracking_code") ?? "";
        var events = new List<TrackingEvent>();
        if (tracker["tracking_details"] is JsonArray details)
            foreach (var detail in details.OfType<JsonObject>())
                if (Map(Text(detail, "status")) is { } status && DateTimeOffset.TryParse(Text(detail, "datetime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    events.Add(new TrackingEvent($"{trackerId}-{at.ToUnixTimeSeconds()}-{Text(detail, "status")}", CarrierName, code, orderId, status, at, Text(detail, "message")));
        return events.OrderBy(e => e.OccurredAt).ToList();
    }

    /// <summary>EasyPost's tracker statuses as the shop's; null for those that say nothing about where the parcel is (unknown, cancelled).</summary>
    public static TrackingStatus? Map(string? status) => status switch
    {
        "pre_transit" => TrackingStatus.LabelCreated,
        "in_transit" or "available_for_pickup" => TrackingStatus.InTransit,
        "out_for_delivery" => TrackingStatus.OutForDelivery,
        "delivered" => TrackingStatus.Delivered,
        "failure" or "error" => TrackingStatus.DeliveryFailed,
        "return_to_sender" => TrackingStatus.ReturnedToSender,
        _ => null,
    };

    /// <summary>The order a parcel with this tracking code belongs to, if this shop bought its label.</summary>
    public async Task<EasyPostParcel?> FindParcelAsync(string trackingCode, CancellationToken ct) =>
        IsSafeName(trackingCode) ? await ReadAsync<EasyPostParcel>(TrackingIndexName(trackingCode), ct) : null;

    private JsonObject ShipmentBody(ShipmentRequest request)
    {
        var customer = Address(request.Address);
        var warehouse = Address(request.Origin ?? options.ShipFrom);
        var units = request.Items.Sum(i => i.Quantity);
        return new JsonObject
        {
            ["shipment"] = new JsonObject
            {
                // A return label goes from the customer back to the warehouse; EasyPost's is_return swaps the addresses on the label.
                ["to_address"] = customer,
                ["from_address"] = warehouse,
                ["is_return"] = request.IsReturn,
                ["parcel"] = new JsonObject { ["weight"] = Math.Round(units * options.ParcelWeightGramsPerUnit / GramsPerOunce, 1) },
                ["reference"] = request.OrderId,
                ["options"] = new JsonObject { ["label_format"] = "PDF" },
            },
        };
    }

    private const double GramsPerOunce = 28.349523125;

    private static JsonObject Address(ShippingAddress a) => new()
    {
        ["name"] = a.Name, ["street1"] = a.Line1, ["street2"] = a.Line2, ["city"] = a.City, ["state"] = a.Region,
        ["zip"] = a.PostalCode, ["country"] = a.Country, ["phone"] = a.Phone,
    };

    private static IEnumerable<CarrierRate> Rates(JsonNode shipment)
    {
        if (shipment["rates"] is not JsonArray rates) yield break;
        foreach (var rate in rates.OfType<JsonObject>())
            if (Text(rate, "id") is { } id && decimal.TryParse(Text(rate, "rate"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fee) && Text(rate, "currency") is { } currency)
                yield return new CarrierRate(id, Text(rate, "carrier") ?? "", Text(rate, "service") ?? "", new Money(fee, currency),
                    rate["delivery_days"] is JsonValue days && days.TryGetValue<int>(out var d) ? d : null);
    }

    // The rate of the service the order was quoted (by service name, any carrier), else the cheapest.
    private static string ChooseRate(JsonNode shipment, string service)
    {
        var rates = Rates(shipment).ToList();
        if (rates.Count == 0) throw new ThirdPartyCallFailedException(ServiceName, HttpStatusCode.UnprocessableEntity, "EasyPost offered no rate for this parcel.");
        // The carrier's service the quote named (a live rate), else the shop's level ("express": the fastest), as quoted.
        return (rates.Where(r => string.Equals(r.Service, service, StringComparison.OrdinalIgnoreCase)).MinBy(r => r.Fee.Amount)
            ?? (Enum.TryParse<ShippingServiceLevel>(service, ignoreCase: true, out var level) ? CarrierRates.ForLevel(rates, level) : null)
            ?? rates.MinBy(r => r.Fee.Amount)!).RateId;
    }

    private static void Validate(ShipmentRequest request)
    {
        var v = new Validator();
        v.Check(Ids.IsWellFormed(request.OrderId), "orderId", "must be an order id.");
        v.Check(request.IdempotencyKey is { Length: > 0 and <= 200 }, "idempotencyKey", "is required (at most 200 characters).");
        v.Check(request.Items is { Count: > 0 }, "items", "must list what is in the parcel.");
        ShippingAddressRules.Validate(request.Address, "address", v);
        if (!v.IsValid)
        {
            try { v.ThrowIfInvalid(); }
            catch (ValidationFailedException invalid) { throw new ThirdPartyCallFailedException(ServiceName, HttpStatusCode.UnprocessableEntity, invalid.Message); }
        }
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct) =>
        await resilience.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request, token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode)
                throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, ErrorMessage(text), response.Headers.RetryAfter?.Delta);
            try { return JsonNode.Parse(text) ?? throw Unreadable("an empty answer"); }
            catch (JsonException) { throw Unreadable("an answer that is not JSON"); }
        }, ct);

    // EasyPost's errors are { "error": { "code", "message" } }.
    private static string ErrorMessage(string body)
    {
        try { return JsonNode.Parse(body)?["error"] is JsonObject e ? $"{Text(e, "code")}: {Text(e, "message")}" : body[..Math.Min(body.Length, 300)]; }
        catch (JsonException) { return body[..Math.Min(body.Length, 300)]; }
    }

    private async Task<string> KeepLabelAsync(string orderId, string shipmentId, Uri labelUrl, CancellationToken ct)
    {
        var pdf = await resilience.ExecuteAsync(async token =>
        {
            using var response = await http.GetAsync(labelUrl, token);
            if (!response.IsSuccessStatusCode) throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, "the label could not be downloaded.");
            return await response.Content.ReadAsByteArrayAsync(token);
        }, ct);
        var blob = blobs.GetBlobClient($"labels/{orderId}/{shipmentId}.pdf");
        await blob.UploadAsync(new BinaryData(pdf), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/pdf" } }, ct);
        return blob.Uri.ToString();
    }

    private async Task<EasyPostRecord?> ReadRecordAsync(string key, CancellationToken ct) => await ReadAsync<EasyPostRecord>(RecordName(key), ct);

    private async Task<bool> TryCreateRecordAsync(string key, EasyPostRecord record, CancellationToken ct)
    {
        try
        {
            await WriteAsync(RecordName(key), record, ct, ifNoneMatch: true);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private async Task<T?> ReadAsync<T>(string name, CancellationToken ct) where T : class
    {
        await EnsureContainerAsync(ct);
        try { return (await blobs.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToObjectFromJson<T>(ShopJson.Options); }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    private async Task WriteAsync<T>(string name, T value, CancellationToken ct, bool ifNoneMatch = false) =>
        await blobs.GetBlobClient(name).UploadAsync(BinaryData.FromObjectAsJson(value, ShopJson.Options), new BlobUploadOptions
        {
            Conditions = ifNoneMatch ? new BlobRequestConditions { IfNoneMatch = ETag.All } : null,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, ct);

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_containerExists) return;
        await blobs.CreateIfNotExistsAsync(cancellationToken: ct);
        _containerExists = true;
    }

    private static string RecordName(string idempotencyKey) =>
        $"easypost/shipments/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))}.json";

    private static string TrackingIndexName(string trackingCode) => $"easypost/parcels/{trackingCode}.json";

    private static bool IsSafeName(string trackingCode) => trackingCode is { Length: > 0 and <= 64 } && trackingCode.All(char.IsAsciiLetterOrDigit);

    internal static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static ThirdPartyCallFailedException Unreadable(string what) => new(ServiceName, HttpStatusCode.BadGateway, $"EasyPost sent {what}.");
}

/// <summary>The settings of <see cref="EasyPostCarrier"/> (<c>Shipping:Carrier:*</c>, docs/configuration.md).</summary>
/// <param name="ShipFrom">Where parcels leave from when the request names no origin (the shop's warehouse).</param>
/// <param name="ParcelWeightGramsPerUnit">The declared weight per unit until products carry their own weights.</param>
public sealed record EasyPostOptions(ShippingAddress ShipFrom, int ParcelWeightGramsPerUnit);

/// <summary>What the shop keeps per idempotency key: the EasyPost shipment made for it, and once bought, the result.</summary>
public sealed record EasyPostRecord(string OrderId, string ShipmentId, Shipment? Shipment);

/// <summary>A parcel this shop bought a label for, found by its tracking code when EasyPost's webhook names it.</summary>
public sealed record EasyPostParcel(string OrderId, string ShipmentId);
