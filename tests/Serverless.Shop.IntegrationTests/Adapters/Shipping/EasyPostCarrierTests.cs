using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Adapters.Shipping;

/// <summary>The EasyPost adapter against a WireMock double of its API and Azurite: labels bought once per key, kept as PDFs, voided, tracked.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EasyPostCarrierTests(AzuriteFixture azurite) : IDisposable
{
    private readonly EasyPostDouble _easyPost = new(azurite.ConnectionString);

    public void Dispose() => _easyPost.Dispose();

    private static readonly ShippingAddress Customer = new("Anna de Vries", "Keizersgracht 123", null, "Amsterdam", "1015 CJ", null, "NL", null);

    private static ShipmentRequest Request(string service = "Express", string? key = null, string orderId = "ord_easypost_1") =>
        new(orderId, Customer, [new ParcelItem("MUG-1", 2)], service, key ?? "shipment:" + Guid.NewGuid().ToString("N"));

    private static JsonElement Body(WireMock.Logging.ILogEntry call) => JsonDocument.Parse(call.RequestMessage.Body!).RootElement;

    [Fact]
    public async Task Buying_a_label_buys_the_quoted_service_and_keeps_the_pdf_in_blob_storage()
    {
        var shipment = await _easyPost.Carrier().CreateShipmentAsync(Request("Express"), CancellationToken.None);

        shipment.ShouldBe(new Shipment("easypost", EasyPostDouble.ShipmentId, EasyPostDouble.TrackingCode, "https://track.easypost.com/djE6dHJrXzAx",
            _easyPost.Labels.GetBlobClient($"labels/ord_easypost_1/{EasyPostDouble.ShipmentId}.pdf").Uri.ToString()));
        var bought = _easyPost.Calls($"/v2/shipments/{EasyPostDouble.ShipmentId}/buy", "POST").ShouldHaveSingleItem();
        Body(bought).GetProperty("rate").GetProperty("id").GetString().ShouldBe(EasyPostDouble.ExpressRate);
        var label = (await _easyPost.Labels.GetBlobClient($"labels/ord_easypost_1/{EasyPostDouble.ShipmentId}.pdf").DownloadContentAsync()).Value;
        label.Content.ToArray().ShouldBe(EasyPostDouble.LabelPdf);
        label.Details.ContentType.ShouldBe("application/pdf");
    }

    [Fact]
    public async Task The_shipment_sent_names_both_addresses_the_order_and_asks_for_a_pdf_with_the_api_key_as_basic_auth()
    {
        await _easyPost.Carrier().CreateShipmentAsync(Request(), CancellationToken.None);

        var created = _easyPost.Calls("/v2/shipments", "POST").ShouldHaveSingleItem();
        EasyPostDouble.Header(created, "Authorization").ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(EasyPostDouble.ApiKey + ":")));
        var shipment = Body(created).GetProperty("shipment");
        shipment.GetProperty("to_address").GetProperty("street1").GetString().ShouldBe("Keizersgracht 123");
        shipment.GetProperty("from_address").GetProperty("street1").GetString().ShouldBe(EasyPostDouble.Warehouse.Line1);
        shipment.GetProperty("is_return").GetBoolean().ShouldBeFalse();
        shipment.GetProperty("reference").GetString().ShouldBe("ord_easypost_1");
        shipment.GetProperty("options").GetProperty("label_format").GetString().ShouldBe("PDF");
        shipment.GetProperty("parcel").GetProperty("weight").GetDouble().ShouldBe(35.3, "two units of 500 g in ounces");
    }

    [Fact]
    public async Task A_return_label_leaves_from_the_customer_for_the_warehouse_the_request_names()
    {
        var origin = new ShippingAddress("Second warehouse", "Havenstraat 9", null, "Rotterdam", "3011 AA", null, "NL", null);

        await _easyPost.Carrier().CreateShipmentAsync(Request() with { Origin = origin, IsReturn = true }, CancellationToken.None);

        var shipment = Body(_easyPost.Calls("/v2/shipments", "POST").ShouldHaveSingleItem()).GetProperty("shipment");
        shipment.GetProperty("is_return").GetBoolean().ShouldBeTrue();
        shipment.GetProperty("from_address").GetProperty("street1").GetString().ShouldBe("Havenstraat 9");
        shipment.GetProperty("to_address").GetProperty("street1").GetString().ShouldBe("Keizersgracht 123");
    }

    [Fact]
    public async Task A_retry_with_the_same_key_buys_one_label()
    {
        var request = Request();
        var first = await _easyPost.Carrier().CreateShipmentAsync(request, CancellationToken.None);
        // Another instance, as after a restart: only the record in Blob Storage remembers the key.
        var again = await _easyPost.Carrier().CreateShipmentAsync(request, CancellationToken.None);

        again.ShouldBe(first);
        _easyPost.Calls("/v2/shipments", "POST").Count.ShouldBe(1);
        _easyPost.Calls($"/v2/shipments/{EasyPostDouble.ShipmentId}/buy", "POST").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_retry_after_an_attempt_died_past_the_purchase_asks_easypost_and_does_not_buy_again()
    {
        var request = Request();
        // The first attempt buys, then cannot fetch the label (the file host is down) and fails.
        _easyPost.Answer("/files/postage_label/label.pdf", "GET", 503, "{}");
        await Should.ThrowAsync<ThirdPartyCallFailedException>(() => _easyPost.Carrier().CreateShipmentAsync(request, CancellationToken.None));
        _easyPost.Answer($"/v2/shipments/{EasyPostDouble.ShipmentId}", "GET", 200, _easyPost.Bought());
        _easyPost.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/files/postage_label/label.pdf").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody(EasyPostDouble.LabelPdf));

        var shipment = await _easyPost.Carrier().CreateShipmentAsync(request, CancellationToken.None);

        shipment.TrackingNumber.ShouldBe(EasyPostDouble.TrackingCode);
        _easyPost.Calls($"/v2/shipments/{EasyPostDouble.ShipmentId}/buy", "POST").Count.ShouldBe(1, "one label paid for");
    }

    [Fact]
    public async Task A_key_reused_for_another_order_is_refused()
    {
        var request = Request();
        await _easyPost.Carrier().CreateShipmentAsync(request, CancellationToken.None);

        var refused = await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            _easyPost.Carrier().CreateShipmentAsync(request with { OrderId = "ord_someone_else" }, CancellationToken.None));

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_outage_is_retried_and_a_refusal_is_not()
    {
        _easyPost.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v2/shipments").UsingPost()).InScenario("outage").WillSetStateTo("up")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503).WithBody("""{"error":{"code":"SERVICE.UNAVAILABLE","message":"try again"}}"""));
        _easyPost.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v2/shipments").UsingPost()).InScenario("outage").WhenStateIs("up")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(EasyPostDouble.Created()));

        await _easyPost.Carrier().CreateShipmentAsync(Request(), CancellationToken.None);
        _easyPost.Calls("/v2/shipments", "POST").Count.ShouldBe(2);

        using var refusing = new EasyPostDouble(azurite.ConnectionString);
        refusing.Answer("/v2/shipments", "POST", 422, """{"error":{"code":"ADDRESS.VERIFY.FAILURE","message":"Unable to verify address."}}""");
        var refused = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => refusing.Carrier().CreateShipmentAsync(Request(), CancellationToken.None));
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.Message.ShouldContain("ADDRESS.VERIFY.FAILURE");
        refusing.Calls("/v2/shipments", "POST").Count.ShouldBe(1, "a 422 fails the same way again");
    }

    [Fact]
    public async Task Rates_come_cheapest_first_with_the_carrier_behind_each()
    {
        var rates = await _easyPost.Carrier().GetRatesAsync(Request(), CancellationToken.None);

        rates.Select(r => $"{r.Carrier} {r.Service} {r.Fee.Amount} {r.Fee.Currency} {r.EstimatedDays}").ShouldBe([
            "USPS GroundAdvantage 5.93 USD 4", "USPS Priority 7.58 USD 2", "USPS Express 29.10 USD 1"]);
        _easyPost.Calls($"/v2/shipments/{EasyPostDouble.ShipmentId}/buy", "POST").ShouldBeEmpty("a quote buys nothing");
    }

    [Fact]
    public async Task Voiding_a_bought_label_asks_for_a_refund_once()
    {
        var carrier = _easyPost.Carrier();
        _easyPost.Answer($"/v2/shipments/{EasyPostDouble.ShipmentId}", "GET", 200, _easyPost.Bought());
        await carrier.CancelShipmentAsync(EasyPostDouble.ShipmentId, "cancel:1", CancellationToken.None);
        _easyPost.Answer($"/v2/shipments/{EasyPostDouble.ShipmentId}", "GET", 200, _easyPost.Bought(refundStatus: "submitted"));
        await carrier.CancelShipmentAsync(EasyPostDouble.ShipmentId, "cancel:1", CancellationToken.None);

        _easyPost.Calls($"/v2/shipments/{EasyPostDouble.ShipmentId}/refund", "POST").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_label_easypost_will_not_void_is_a_conflict()
    {
        _easyPost.Answer($"/v2/shipments/{EasyPostDouble.ShipmentId}", "GET", 200, _easyPost.Bought());
        _easyPost.Answer($"/v2/shipments/{EasyPostDouble.ShipmentId}/refund", "POST", 200, _easyPost.Bought(refundStatus: "rejected"));

        var refused = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => _easyPost.Carrier().CancelShipmentAsync(EasyPostDouble.ShipmentId, "cancel:2", CancellationToken.None));

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Polling_reads_every_scan_of_the_tracker_for_the_order_the_shipment_names()
    {
        _easyPost.Answer($"/v2/shipments/{EasyPostDouble.ShipmentId}", "GET", 200, _easyPost.Bought(reference: "ord_polled"));

        var events = await _easyPost.Carrier().GetTrackingAsync(EasyPostDouble.ShipmentId, CancellationToken.None);

        events.Select(e => $"{e.OrderId} {e.Status} {e.OccurredAt:O}").ShouldBe([
            "ord_polled LabelCreated 2026-12-01T09:00:00.0000000+00:00", "ord_polled InTransit 2026-12-01T18:30:00.0000000+00:00"]);
        events.Select(e => e.EventId).Distinct().Count().ShouldBe(2);
    }

    [Theory]
    [InlineData("pre_transit", TrackingStatus.LabelCreated)]
    [InlineData("in_transit", TrackingStatus.InTransit)]
    [InlineData("out_for_delivery", TrackingStatus.OutForDelivery)]
    [InlineData("delivered", TrackingStatus.Delivered)]
    [InlineData("failure", TrackingStatus.DeliveryFailed)]
    [InlineData("return_to_sender", TrackingStatus.ReturnedToSender)]
    [InlineData("unknown", null)]
    [InlineData("cancelled", null)]
    public void EasyPost_s_statuses_map_to_the_shop_s(string easyPost, TrackingStatus? shop) => EasyPostCarrier.Map(easyPost).ShouldBe(shop);
}
