using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters.Shipping;

/// <summary>
/// A WireMock stand-in for EasyPost's v2 API, answering with the shapes of EasyPost's documented examples (Shipment with
/// its rates, a bought Shipment with its postage label and tracker, a refund, a tracker Event), and the shop's adapter
/// pointed at it with its label store on Azurite.
/// </summary>
internal sealed class EasyPostDouble : IDisposable
{
    public const string ApiKey = "EZTK_test_key_for_the_double";
    public const string ShipmentId = "shp_0a1b2c3d4e5f";
    public const string TrackingCode = "9400100105440248451231";
    public const string PriorityRate = "rate_priority_01";
    public const string ExpressRate = "rate_express_01";
    public static readonly byte[] LabelPdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% a label from the double\n%%EOF\n");

    public static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    public static readonly ShippingAddress Warehouse = new("Serverless Shop warehouse", "Industrieweg 1", null, "Utrecht", "3542 AD", null, "NL", "+31300000000");

    public WireMockServer Server { get; } = WireMockServer.Start();

    public BlobContainerClient Labels { get; }

    public EasyPostDouble(string azuriteConnectionString)
    {
        Labels = new BlobServiceClient(azuriteConnectionString).GetBlobContainerClient("labels-" + Guid.NewGuid().ToString("N")[..12]);
        Answer("/v2/shipments", "POST", 201, Created());
        Answer($"/v2/shipments/{ShipmentId}", "GET", 200, Created());
        Answer($"/v2/shipments/{ShipmentId}/buy", "POST", 200, Bought());
        Answer($"/v2/shipments/{ShipmentId}/refund", "POST", 200, Bought(refundStatus: "submitted"));
        Server.Given(Request.Create().WithPath("/files/postage_label/label.pdf").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/pdf").WithBody(LabelPdf));
    }

    public void Dispose() => Server.Stop();

    public EasyPostCarrier Carrier() => new(
        EasyPostCarrier.CreateHttpClient(new Uri(Server.Url! + "/v2/"), ApiKey),
        new EasyPostOptions(Warehouse, 500), Labels,
        ThirdPartyResilience.Create(EasyPostCarrier.ServiceName, FastRetries, NullLogger.Instance), NullLogger<EasyPostCarrier>.Instance);

    public void Answer(string path, string method, int status, string body) =>
        Server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    public IReadOnlyList<ILogEntry> Calls(string path, string method) =>
        Server.LogEntries.Where(e => e.RequestMessage.Path == path && e.RequestMessage.Method == method).ToList();

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    private const string Addresses = """
        "to_address":{"id":"adr_to01","object":"Address","name":"Anna de Vries","street1":"Keizersgracht 123","city":"Amsterdam","zip":"1015 CJ","country":"NL"},
        "from_address":{"id":"adr_from01","object":"Address","name":"Serverless Shop warehouse","street1":"Industrieweg 1","city":"Utrecht","zip":"3542 AD","country":"NL"},
        "parcel":{"id":"prcl_01","object":"Parcel","weight":35.3},
        """;

    /// <summary>A created shipment: rates, nothing bought (EasyPost's "Create a Shipment" example, trimmed to the fields the shop reads).</summary>
    public static string Created(string reference = "ord_easypost_1") => $$"""
        {"id":"{{ShipmentId}}","object":"Shipment","mode":"test","reference":"{{reference}}","status":"unknown",{{Addresses}}
         "rates":[
           {"id":"{{PriorityRate}}","object":"Rate","mode":"test","service":"Priority","carrier":"USPS","rate":"7.58","currency":"USD","delivery_days":2,"shipment_id":"{{ShipmentId}}"},
           {"id":"{{ExpressRate}}","object":"Rate","mode":"test","service":"Express","carrier":"USPS","rate":"29.10","currency":"USD","delivery_days":1,"shipment_id":"{{ShipmentId}}"},
           {"id":"rate_ground_01","object":"Rate","mode":"test","service":"GroundAdvantage","carrier":"USPS","rate":"5.93","currency":"USD","delivery_days":4,"shipment_id":"{{ShipmentId}}"}],
         "selected_rate":null,"postage_label":null,"tracking_code":null,"tracker":null,"refund_status":null,"is_return":false}
        """;

    /// <summary>The same shipment once bought: its postage label (a PDF on EasyPost's file host, here the double) and its tracker.</summary>
    public string Bought(string reference = "ord_easypost_1", string? refundStatus = null) => $$"""
        {"id":"{{ShipmentId}}","object":"Shipment","mode":"test","reference":"{{reference}}","status":"unknown",{{Addresses}}
         "rates":[{"id":"{{ExpressRate}}","object":"Rate","service":"Express","carrier":"USPS","rate":"29.10","currency":"USD","delivery_days":1}],
         "selected_rate":{"id":"{{ExpressRate}}","object":"Rate","service":"Express","carrier":"USPS","rate":"29.10","currency":"USD"},
         "postage_label":{"id":"pl_01","object":"PostageLabel","label_file_type":"application/pdf","label_url":"{{Server.Url}}/files/postage_label/label.pdf","label_pdf_url":null},
         "tracking_code":"{{TrackingCode}}",
         "tracker":{"id":"trk_01","object":"Tracker","mode":"test","tracking_code":"{{TrackingCode}}","status":"pre_transit","carrier":"USPS",
                    "public_url":"https://track.easypost.com/djE6dHJrXzAx","shipment_id":"{{ShipmentId}}",
                    "tracking_details":[{"object":"TrackingDetail","message":"Pre-Shipment Info Sent to USPS","status":"pre_transit","datetime":"2026-12-01T09:00:00Z","source":"USPS"},
                                        {"object":"TrackingDetail","message":"Arrived at USPS Facility","status":"in_transit","datetime":"2026-12-01T18:30:00Z","source":"USPS"}]},
         "refund_status":{{(refundStatus is null ? "null" : $"\"{refundStatus}\"")}},"is_return":false}
        """;

    /// <summary>A tracker Event as EasyPost posts it to the webhook URL.</summary>
    public static string TrackerEvent(string eventId, string status, string trackingCode = TrackingCode, string description = "tracker.updated", string at = "2026-12-02T08:15:00Z") => $$"""
        {"id":"{{eventId}}","object":"Event","mode":"test","description":"{{description}}","status":"pending","previous_attributes":{"status":"pre_transit"},
         "created_at":"{{at}}","updated_at":"{{at}}","pending_urls":[],"completed_urls":[],"user_id":"user_01",
         "result":{"id":"trk_01","object":"Tracker","mode":"test","tracking_code":"{{trackingCode}}","status":"{{status}}","carrier":"USPS","shipment_id":"{{ShipmentId}}",
                   "created_at":"2026-12-01T09:00:00Z","updated_at":"{{at}}","public_url":"https://track.easypost.com/djE6dHJrXzAx",
                   "tracking_details":[{"object":"TrackingDetail","message":"Pre-Shipment Info Sent to USPS","status":"pre_transit","datetime":"2026-12-01T09:00:00Z"},
                                       {"object":"TrackingDetail","message":"The parcel moved on: {{status}}","status":"{{status}}","datetime":"{{at}}"}]} }
        """;
}
