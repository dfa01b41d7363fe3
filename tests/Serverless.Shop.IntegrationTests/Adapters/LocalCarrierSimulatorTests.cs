using System.Net;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.LocalHost.Simulators;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>The local carrier simulator against Azurite: idempotent shipments that outlive the process, cancelling, failing on purpose, signed webhooks.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalCarrierSimulatorTests(AzuriteFixture azurite)
{
    private const string Secret = "whsec_simulator_tests_0123456789";
    private static readonly LocalCarrierOptions Options = new(Secret, "http://localhost:7071/api/shipping/local-carrier/tracking");

    // Each test class run gets its own container, so shipments of earlier runs never answer for this one.
    private readonly BlobContainerClient _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("carrier-" + Guid.NewGuid().ToString("N")[..12]);

    private LocalCarrierSimulator NewSimulator() => new(_container, Options, TimeProvider.System, NullLogger<LocalCarrierSimulator>.Instance);

    private static ShippingAddress Address(string name = "Anna de Vries", string line1 = "Keizersgracht 123") =>
        new(name, line1, null, "Amsterdam", "1015 CJ", null, "NL", null);

    private static ShipmentRequest Request(string orderId = "ord_42", string? key = null, ShippingAddress? address = null) =>
        new(orderId, address ?? Address(), [new ParcelItem("MUG-RED", 2)], "standard", key ?? $"ship-{orderId}-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_shipment_gets_a_tracking_number_and_a_tracking_url_on_the_shop()
    {
        var shipment = await NewSimulator().CreateShipmentAsync(Request(), CancellationToken.None);

        shipment.Carrier.ShouldBe("local-carrier");
        shipment.ShipmentId.ShouldStartWith("lcs_");
        shipment.TrackingNumber.ShouldMatch("^LC[0-9A-F]{20}$");
        shipment.TrackingUrl.ShouldBe($"http://localhost:7071/api/shipping/local-carrier/tracking/{shipment.TrackingNumber}");
        shipment.LabelUrl.ShouldBeNull();
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_shipment_even_after_a_restart()
    {
        var request = Request();
        var first = await NewSimulator().CreateShipmentAsync(request, CancellationToken.None);

        var retried = await NewSimulator().CreateShipmentAsync(request, CancellationToken.None);

        retried.ShouldBe(first);
        (await NewSimulator().FindAsync(first.TrackingNumber, CancellationToken.None))!.ShipmentId.ShouldBe(first.ShipmentId);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_make_one_shipment()
    {
        var request = Request();
        var simulator = NewSimulator();

        var shipments = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => simulator.CreateShipmentAsync(request, CancellationToken.None))));

        shipments.Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Different_keys_give_different_tracking_numbers_and_the_same_key_always_the_same_one()
    {
        var simulator = NewSimulator();
        var a = await simulator.CreateShipmentAsync(Request(key: "order-1-shipment"), CancellationToken.None);
        var b = await simulator.CreateShipmentAsync(Request(key: "order-2-shipment"), CancellationToken.None);

        a.TrackingNumber.ShouldNotBe(b.TrackingNumber);
        var elsewhere = new LocalCarrierSimulator(new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("carrier-" + Guid.NewGuid().ToString("N")[..12]), Options, TimeProvider.System, NullLogger<LocalCarrierSimulator>.Instance);
        (await elsewhere.CreateShipmentAsync(Request(key: "order-1-shipment"), CancellationToken.None)).TrackingNumber.ShouldBe(a.TrackingNumber);
    }

    [Fact]
    public async Task A_key_reused_for_another_order_is_refused()
    {
        var simulator = NewSimulator();
        await simulator.CreateShipmentAsync(Request("ord_1", key: "shared-key"), CancellationToken.None);

        var refusal = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.CreateShipmentAsync(Request("ord_2", key: "shared-key"), CancellationToken.None));

        refusal.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        refusal.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task Cancelling_is_idempotent_and_shows_on_the_tracking_page()
    {
        var simulator = NewSimulator();
        var shipment = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);

        await simulator.CancelShipmentAsync(shipment.ShipmentId, "cancel-1", CancellationToken.None);
        await simulator.CancelShipmentAsync(shipment.ShipmentId, "cancel-1", CancellationToken.None);

        var tracking = await simulator.TrackAsync(shipment.TrackingNumber, CancellationToken.None);
        tracking.Cancelled.ShouldBeTrue();
        tracking.Status.ShouldBe(TrackingStatus.LabelCreated);
        await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.CreateTrackingWebhookAsync(shipment.ShipmentId, TrackingStatus.InTransit));
    }

    [Fact]
    public async Task A_parcel_handed_over_cannot_be_cancelled()
    {
        var simulator = NewSimulator();
        var shipment = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        await simulator.CreateTrackingWebhookAsync(shipment.TrackingNumber, TrackingStatus.InTransit);

        var refusal = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.CancelShipmentAsync(shipment.ShipmentId, "cancel-1", CancellationToken.None));

        refusal.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("lcs_00000000000000000000")]
    [InlineData("not-a-shipment")]
    public async Task Cancelling_an_unknown_shipment_is_a_404(string shipmentId)
    {
        (await Should.ThrowAsync<ThirdPartyCallFailedException>(() => NewSimulator().CancelShipmentAsync(shipmentId, "cancel-1", CancellationToken.None)))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_address_marked_carrier_down_fails_every_time_as_a_transient_outage_and_ships_nothing()
    {
        var simulator = NewSimulator();
        var request = Request(address: Address(line1: "Keizersgracht 123 CARRIER-DOWN"));

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var failure = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.CreateShipmentAsync(request, CancellationToken.None));
            failure.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            failure.IsTransient.ShouldBeTrue();
            failure.Message.ShouldContain("CARRIER-DOWN");
        }
        var stored = (await _container.ExistsAsync()).Value ? _container.GetBlobs().Count() : 0;
        stored.ShouldBe(0, "nothing is shipped while the carrier is down");
        await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.CreateShipmentAsync(Request(address: Address(name: "carrier-down test")), CancellationToken.None));
    }

    [Fact]
    public async Task An_address_marked_carrier_flaky_fails_once_and_the_retry_with_the_same_key_ships_once()
    {
        var simulator = NewSimulator();
        var request = Request(address: Address(name: "Anna CARRIER-FLAKY"));

        (await Should.ThrowAsync<ThirdPartyCallFailedException>(() => simulator.CreateShipmentAsync(request, CancellationToken.None))).IsTransient.ShouldBeTrue();
        var shipped = await simulator.CreateShipmentAsync(request, CancellationToken.None);

        (await simulator.CreateShipmentAsync(request, CancellationToken.None)).ShouldBe(shipped);
    }

    [Fact]
    public async Task An_address_marked_carrier_reject_is_refused_for_good()
    {
        var failure = await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            NewSimulator().CreateShipmentAsync(Request(address: Address(line1: "CARRIER-REJECT Lane 1")), CancellationToken.None));

        failure.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        failure.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task A_shipment_to_an_invalid_address_is_refused_as_the_carrier_would()
    {
        var failure = await Should.ThrowAsync<ThirdPartyCallFailedException>(() =>
            NewSimulator().CreateShipmentAsync(Request(address: Address() with { PostalCode = "12" }), CancellationToken.None));

        failure.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        failure.Message.ShouldContain("address.postalCode");
    }

    [Fact]
    public async Task A_tracking_webhook_from_the_simulator_is_read_by_the_shop_s_reader()
    {
        var simulator = NewSimulator();
        var shipment = await simulator.CreateShipmentAsync(Request("ord_77"), CancellationToken.None);
        var reader = new HmacTrackingWebhookReader("local-carrier", Secret, TimeProvider.System);

        var webhook = await simulator.CreateTrackingWebhookAsync(shipment.ShipmentId, TrackingStatus.OutForDelivery, "With the courier.");
        var update = await reader.ReadAsync(webhook.Headers, webhook.Body, CancellationToken.None);

        update.ShouldNotBeNull();
        update.Carrier.ShouldBe("local-carrier");
        update.OrderId.ShouldBe("ord_77");
        update.TrackingNumber.ShouldBe(shipment.TrackingNumber);
        update.Status.ShouldBe(TrackingStatus.OutForDelivery);
        update.Description.ShouldBe("With the courier.");
        update.EventId.ShouldStartWith("lcevt_");
        var tracking = await simulator.TrackAsync(shipment.TrackingNumber, CancellationToken.None);
        tracking.Status.ShouldBe(TrackingStatus.OutForDelivery);
        tracking.History.Select(h => h.Status).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.OutForDelivery]);
    }

    [Fact]
    public async Task A_webhook_signed_with_another_secret_is_refused_by_the_reader()
    {
        var simulator = NewSimulator();
        var shipment = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        var webhook = await simulator.CreateTrackingWebhookAsync(shipment.ShipmentId, TrackingStatus.Delivered);

        var otherShop = new HmacTrackingWebhookReader("local-carrier", "whsec_another_shop_entirely", TimeProvider.System);

        await Should.ThrowAsync<Domain.Payments.WebhookSignatureException>(() => otherShop.ReadAsync(webhook.Headers, webhook.Body, CancellationToken.None));
    }

    [Fact]
    public async Task The_tracking_page_of_an_unknown_number_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => NewSimulator().TrackAsync("LC" + new string('0', 20), CancellationToken.None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => NewSimulator().TrackAsync("lcs_" + new string('0', 20), CancellationToken.None));
    }
}
