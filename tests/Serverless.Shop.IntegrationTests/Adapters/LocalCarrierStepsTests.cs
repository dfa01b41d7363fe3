using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>
/// The local carrier's scheduled steps against Azurite: a step is recorded before it is sent, stays owed (and is the one
/// sent, with the same event id) until the shop accepts it, also for a new process on the same storage, and the
/// schedule's list holds only parcels that still move.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalCarrierStepsTests(AzuriteFixture azurite)
{
    private const string Secret = "whsec_simulator_steps_tests_0123456789";

    private readonly BlobContainerClient _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("carrier-" + Guid.NewGuid().ToString("N")[..12]);

    // A new simulator is what a restarted host has: nothing in memory, the same blobs.
    private LocalCarrierSimulator NewSimulator() =>
        new(_container, new LocalCarrierOptions(Secret, "http://localhost:7071/api/shipping/local-carrier/tracking"), TimeProvider.System, NullLogger<LocalCarrierSimulator>.Instance);

    private static ShipmentRequest Request(string line1 = "Keizersgracht 123") =>
        new($"ord_{Guid.NewGuid():N}"[..20], new ShippingAddress("Anna de Vries", line1, null, "Amsterdam", "1015 CJ", null, "NL", null),
            [new ParcelItem("MUG-RED", 1)], "standard", $"ship-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_recorded_step_stays_owed_with_its_event_id_across_a_restart_until_the_shop_accepts_it()
    {
        var shipment = await NewSimulator().CreateShipmentAsync(Request(), CancellationToken.None);

        var recorded = await NewSimulator().RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None);
        var afterRestart = await NewSimulator().RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None);
        var owed = recorded.UnsentEventId.ShouldNotBeNull();
        var restarted = NewSimulator();
        var first = restarted.WebhookFor(afterRestart, owed);
        var again = restarted.WebhookFor(afterRestart, owed);
        var sent = await restarted.MarkSentAsync(shipment.TrackingNumber, owed, CancellationToken.None);
        var next = await NewSimulator().RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None);

        recorded.Status.ShouldBe(TrackingStatus.InTransit);
        afterRestart.UnsentEventId.ShouldBe(owed, "a step still owed is sent again, not followed by the next one");
        afterRestart.History.Select(h => h.Status).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.InTransit]);
        again.Body.ShouldBe(first.Body, "the same event, so the shop's inbox takes it once");
        var read = await new HmacTrackingWebhookReader(LocalCarrierSimulator.CarrierName, Secret, TimeProvider.System).ReadAsync(first.Headers, first.Body, CancellationToken.None);
        read.ShouldNotBeNull().EventId.ShouldBe(owed);
        read.Status.ShouldBe(TrackingStatus.InTransit);
        sent.UnsentEventId.ShouldBeNull();
        next.Status.ShouldBe(TrackingStatus.OutForDelivery);
        next.UnsentEventId.ShouldNotBeNull().ShouldNotBe(owed);
    }

    [Fact]
    public async Task Marking_another_event_sent_leaves_the_owed_step_owed()
    {
        var shipment = await NewSimulator().CreateShipmentAsync(Request(), CancellationToken.None);
        var recorded = await NewSimulator().RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None);

        var marked = await NewSimulator().MarkSentAsync(shipment.TrackingNumber, "lcevt_some_other_event", CancellationToken.None);

        marked.UnsentEventId.ShouldBe(recorded.UnsentEventId);
    }

    [Fact]
    public async Task Concurrent_recorders_add_each_step_once()
    {
        var shipment = await NewSimulator().CreateShipmentAsync(Request(), CancellationToken.None);

        var recorded = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => NewSimulator().RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None))));

        recorded.Select(r => r.UnsentEventId).Distinct().ShouldHaveSingleItem();
        (await NewSimulator().FindAsync(shipment.TrackingNumber, CancellationToken.None))!.History.Count(h => h.Status == TrackingStatus.InTransit).ShouldBe(1);
    }

    [Fact]
    public async Task The_route_ends_where_the_address_says_and_then_nothing_more_is_recorded()
    {
        var simulator = NewSimulator();
        var shipment = await simulator.CreateShipmentAsync(Request($"{LocalCarrierRoute.ExceptionMarker} 4"), CancellationToken.None);

        var statuses = new List<TrackingStatus>();
        for (var i = 0; i < 6; i++)
        {
            var s = await simulator.RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None);
            if (s.UnsentEventId is not { } owed) break;
            statuses.Add(s.Status);
            await simulator.MarkSentAsync(shipment.TrackingNumber, owed, CancellationToken.None);
        }

        statuses.ShouldBe([TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.DeliveryFailed]);
        (await simulator.FindAsync(shipment.TrackingNumber, CancellationToken.None))!.History.Last().Description.ShouldNotBeNull().ShouldContain(LocalCarrierRoute.ExceptionMarker);
    }

    [Fact]
    public async Task The_schedule_s_list_holds_only_parcels_that_still_move_and_the_full_list_holds_all()
    {
        var simulator = NewSimulator();
        var moving = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        var delivered = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        await simulator.CreateTrackingWebhookAsync(delivered.TrackingNumber, TrackingStatus.Delivered);
        var cancelled = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        await simulator.CancelShipmentAsync(cancelled.ShipmentId, "cancel", CancellationToken.None);
        var owed = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        await simulator.CreateTrackingWebhookAsync(owed.TrackingNumber, TrackingStatus.OutForDelivery);
        await simulator.RecordNextStepAsync(owed.TrackingNumber, CancellationToken.None); // delivered, owed to the shop

        var moves = (await NewSimulator().ListAsync(movingOnly: true, CancellationToken.None)).Select(s => s.TrackingNumber).ToList();
        var all = (await NewSimulator().ListAsync(movingOnly: false, CancellationToken.None)).Select(s => s.TrackingNumber).ToList();

        moves.ShouldBe([owed.TrackingNumber, moving.TrackingNumber], ignoreOrder: true);
        all.ShouldBe([moving.TrackingNumber, delivered.TrackingNumber, cancelled.TrackingNumber, owed.TrackingNumber], ignoreOrder: true);
    }

    [Fact]
    public async Task A_parcel_stored_before_the_schedule_existed_moves_and_is_marked_for_the_list()
    {
        var simulator = NewSimulator();
        var shipment = await simulator.CreateShipmentAsync(Request(), CancellationToken.None);
        var hash = shipment.ShipmentId["lcs_".Length..];
        var blob = _container.GetBlobClient($"shipments/{hash}.json");
        // As the simulator wrote it before: no event ids, nothing owed, no metadata.
        var stored = (await blob.DownloadContentAsync()).Value.Content.ToString();
        var old = System.Text.Json.Nodes.JsonNode.Parse(stored)!.AsObject();
        old.Remove("unsentEventId");
        foreach (var scan in old["history"]!.AsArray()) scan!.AsObject().Remove("eventId");
        await blob.UploadAsync(BinaryData.FromString(old.ToJsonString()), overwrite: true);

        var listed = await NewSimulator().ListAsync(movingOnly: true, CancellationToken.None);
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        var moved = await NewSimulator().RecordNextStepAsync(shipment.TrackingNumber, CancellationToken.None);

        listed.Select(s => s.TrackingNumber).ShouldBe([shipment.TrackingNumber]);
        metadata.ShouldContainKeyAndValue("moving", "true");
        moved.Status.ShouldBe(TrackingStatus.InTransit);
        moved.History[0].EventId.ShouldBeNull();
    }
}
