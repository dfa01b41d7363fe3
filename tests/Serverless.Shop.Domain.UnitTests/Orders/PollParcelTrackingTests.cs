using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>The timer's rule: carriers without webhooks are asked about parcels under way, and what is new goes the webhook's way.</summary>
public sealed class PollParcelTrackingTests
{
    private readonly OrderTestBed _bed = new();
    private readonly PollingCarrier _polled = new();
    private readonly CountingInbox _inbox = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private PollParcelTracking Poll(params ICarrier[] carriers) =>
        new(_bed.Store, carriers, new ReceiveTrackingWebhook([], _inbox, new ManageOrders(_bed.Store, _bed.Queue, [_bed.Gateway], [_polled], _bed.Settings, _bed.Clock)));

    /// <summary>A paid order whose one parcel went with the polled carrier.</summary>
    private async Task<string> ProcessingWithPolledCarrierAsync(string id)
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.AttachShipmentAsync(paid.Number, new Shipment(PollingCarrier.CarrierName, id, "TRK-" + id, "https://poll.example/" + id, null), Ct);
        return paid.Number;
    }

    private TrackingEvent Update(string id, string eventId, TrackingStatus status, int hours) =>
        new(eventId, "as the carrier names itself", "TRK-" + id, "ignored: the order is the one polled", status, FixedClock.Instant.AddHours(hours), null);

    [Fact]
    public async Task New_updates_of_a_polled_parcel_move_the_order_as_a_webhook_would()
    {
        var number = await ProcessingWithPolledCarrierAsync("shp_p1");
        _polled.Updates["shp_p1"] = [Update("shp_p1", "p1-1", TrackingStatus.InTransit, 1), Update("shp_p1", "p1-2", TrackingStatus.Delivered, 20)];

        var result = await Poll(_polled).PollAsync(Ct);

        result.ShouldBe(new TrackingPollResult(1, 2, []), new TrackingPollResultComparer());
        var order = _bed.Stored(number);
        order.Status.ShouldBe(OrderStatus.Delivered);
        order.History.Select(h => h.Change).ShouldContain(OrderChange.Shipped);
        _inbox.Handled.ShouldBe([$"carrier:{PollingCarrier.CarrierName}/p1-1", $"carrier:{PollingCarrier.CarrierName}/p1-2"]);
    }

    [Fact]
    public async Task Updates_the_parcel_already_applied_are_not_applied_again_and_a_delivered_parcel_is_not_asked_again()
    {
        var number = await ProcessingWithPolledCarrierAsync("shp_p2");
        _polled.Updates["shp_p2"] = [Update("shp_p2", "p2-1", TrackingStatus.InTransit, 1)];
        await Poll(_polled).PollAsync(Ct);
        _polled.Updates["shp_p2"] = [Update("shp_p2", "p2-1", TrackingStatus.InTransit, 1), Update("shp_p2", "p2-2", TrackingStatus.Delivered, 9)];

        var second = await Poll(_polled).PollAsync(Ct);
        var third = await Poll(_polled).PollAsync(Ct);

        second.UpdatesApplied.ShouldBe(1);
        _inbox.Handled.Count(h => h.EndsWith("/p2-1", StringComparison.Ordinal)).ShouldBe(1);
        third.ParcelsPolled.ShouldBe(0);
        _bed.Stored(number).Status.ShouldBe(OrderStatus.Delivered);
    }

    [Fact]
    public async Task Parcels_of_carriers_that_send_webhooks_are_not_polled()
    {
        await _bed.InStatusAsync(OrderStatus.Shipped);
        var saves = _bed.Store.Saves;

        var onlyWebhooks = await Poll(_bed.Carrier).PollAsync(Ct);
        var withPolled = await Poll(_bed.Carrier, _polled).PollAsync(Ct);

        onlyWebhooks.ShouldBe(TrackingPollResult.Nothing);
        withPolled.ParcelsPolled.ShouldBe(0);
        _polled.Asked.ShouldBeEmpty();
        _bed.Store.Saves.ShouldBe(saves);
    }

    [Fact]
    public async Task A_carrier_failing_for_one_parcel_does_not_stop_the_others_and_is_reported()
    {
        var failing = await ProcessingWithPolledCarrierAsync("shp_bad");
        var fine = await ProcessingWithPolledCarrierAsync("shp_ok");
        _polled.Failing.Add("shp_bad");
        _polled.Updates["shp_ok"] = [Update("shp_ok", "ok-1", TrackingStatus.InTransit, 1)];

        var result = await Poll(_polled).PollAsync(Ct);

        result.Failures.Count.ShouldBe(1);
        result.Failures[0].ShouldContain(failing);
        result.Failures[0].ShouldContain("carrier down");
        _bed.Stored(fine).Status.ShouldBe(OrderStatus.Shipped);
        _bed.Stored(failing).Status.ShouldBe(OrderStatus.Processing);
    }

    private sealed class TrackingPollResultComparer : IEqualityComparer<TrackingPollResult>
    {
        public bool Equals(TrackingPollResult? x, TrackingPollResult? y) =>
            x!.ParcelsPolled == y!.ParcelsPolled && x.UpdatesApplied == y.UpdatesApplied && x.Failures.SequenceEqual(y.Failures);

        public int GetHashCode(TrackingPollResult obj) => obj.ParcelsPolled;
    }

    /// <summary>A carrier without webhooks: it answers polls with the updates a test gives it.</summary>
    private sealed class PollingCarrier : ICarrier
    {
        public const string CarrierName = "pollpost";
        public Dictionary<string, IReadOnlyList<TrackingEvent>> Updates { get; } = [];
        public HashSet<string> Failing { get; } = [];
        public List<string> Asked { get; } = [];
        public string Name => CarrierName;
        public bool SendsTrackingWebhooks => false;

        public Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct)
        {
            Asked.Add(shipmentId);
            if (Failing.Contains(shipmentId)) throw new HttpRequestException("carrier down");
            return Task.FromResult(Updates.TryGetValue(shipmentId, out var updates) ? updates : []);
        }

        public Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct) => throw new NotSupportedException();
        public Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed class CountingInbox : IWebhookInbox
    {
        private readonly HashSet<string> _seen = [];
        public List<string> Handled { get; } = [];

        public async Task<bool> HandleOnceAsync(string source, string eventId, Func<CancellationToken, Task> handler, CancellationToken ct)
        {
            if (!_seen.Add($"{source}/{eventId}")) return false;
            await handler(ct);
            Handled.Add($"{source}/{eventId}");
            return true;
        }
    }
}
