using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders.Returns;

/// <summary>A return label's tracking updates go to the return, through the same entry point as an outbound parcel's (<see cref="ReturnTracking"/>).</summary>
public sealed class ReturnTrackingTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private async Task<(string Number, OrderShipment Label)> ReturnWithLabelAsync()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, new ReturnRequestInput("wrongSize", null, [new ReturnLineInput("line_2", null, 1, null)]), Customer, "op_1", Ct);
        return (order.Number, ret.Label!);
    }

    private TrackingEvent Update(string number, OrderShipment label, TrackingStatus status, string eventId, TimeSpan? ago = null) =>
        new(eventId, label.Carrier, label.TrackingNumber, number, status, _bed.Clock.Now - (ago ?? TimeSpan.Zero), null);

    [Fact]
    public async Task An_update_of_a_return_label_is_recorded_on_the_return_once_and_leaves_the_order_delivered()
    {
        var (number, label) = await ReturnWithLabelAsync();

        var order = await _bed.Orders.ApplyTrackingAsync(Update(number, label, TrackingStatus.InTransit, "evt_r1"), Ct);
        var again = await _bed.Orders.ApplyTrackingAsync(Update(number, label, TrackingStatus.InTransit, "evt_r1"), Ct);

        order.Status.ShouldBe(OrderStatus.Delivered);
        order.Returns.Single().Label!.LastTrackingStatus.ShouldBe(TrackingStatus.InTransit);
        order.Shipment!.LastTrackingStatus.ShouldBe(TrackingStatus.Delivered);
        again.History.Count(h => h.Change == OrderChange.TrackingUpdated && h.Reference == "R1").ShouldBe(1);
    }

    [Fact]
    public async Task An_older_update_of_a_return_label_is_recorded_but_does_not_replace_the_latest_status()
    {
        var (number, label) = await ReturnWithLabelAsync();
        await _bed.Orders.ApplyTrackingAsync(Update(number, label, TrackingStatus.Delivered, "evt_late"), Ct);

        var order = await _bed.Orders.ApplyTrackingAsync(Update(number, label, TrackingStatus.InTransit, "evt_early", TimeSpan.FromHours(5)), Ct);

        order.Returns.Single().Label!.LastTrackingStatus.ShouldBe(TrackingStatus.Delivered);
        order.Returns.Single().Label!.AppliedEventIds.ShouldBe(["evt_late", "evt_early"]);
    }
}
