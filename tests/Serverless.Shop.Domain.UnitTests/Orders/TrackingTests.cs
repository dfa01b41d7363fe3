using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>Carrier updates arrive late, early, twice, or out of order; the order only ever moves forward.</summary>
public sealed class TrackingTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private DateTimeOffset At(int hours) => OrderTestBed_Start.AddHours(hours);
    private static readonly DateTimeOffset OrderTestBed_Start = Common.FixedClock.Instant;

    private async Task<Order> Processing() => await _bed.InStatusAsync(OrderStatus.Processing);

    private Task<Order> Apply(Order order, TrackingStatus status, DateTimeOffset at, string? eventId = null) =>
        _bed.Orders.ApplyTrackingAsync(_bed.Tracking(order.Number, status, at, eventId), Ct);

    [Fact]
    public async Task In_transit_ships_the_order_and_delivered_delivers_it()
    {
        var order = await Processing();

        var shipped = await Apply(order, TrackingStatus.InTransit, At(10));
        shipped.Status.ShouldBe(OrderStatus.Shipped);
        shipped.History[^1].Change.ShouldBe(OrderChange.Shipped);
        shipped.Shipment!.LastTrackingStatus.ShouldBe(TrackingStatus.InTransit);
        shipped.Shipment.LastTrackingAt.ShouldBe(At(10));

        var delivered = await Apply(order, TrackingStatus.Delivered, At(30));
        delivered.Status.ShouldBe(OrderStatus.Delivered);
        delivered.DeliveredAt.ShouldBe(At(30));
        delivered.History[^1].Change.ShouldBe(OrderChange.Delivered);
    }

    [Fact]
    public async Task Out_for_delivery_also_means_shipped()
    {
        var order = await Processing();

        (await Apply(order, TrackingStatus.OutForDelivery, At(10))).Status.ShouldBe(OrderStatus.Shipped);
    }

    [Fact]
    public async Task A_delivered_scan_that_comes_first_delivers_the_order_straight_away()
    {
        var order = await Processing();

        var delivered = await Apply(order, TrackingStatus.Delivered, At(30));

        delivered.Status.ShouldBe(OrderStatus.Delivered);
        delivered.History.Select(h => h.Change).ShouldNotContain(OrderChange.Shipped);
    }

    [Fact]
    public async Task An_in_transit_scan_that_arrives_after_the_delivery_is_recorded_but_never_moves_the_order_back()
    {
        var order = await Processing();
        await Apply(order, TrackingStatus.Delivered, At(30));

        var late = await Apply(order, TrackingStatus.InTransit, At(10));

        late.Status.ShouldBe(OrderStatus.Delivered);
        late.Shipment!.LastTrackingStatus.ShouldBe(TrackingStatus.Delivered);
        late.Shipment.LastTrackingAt.ShouldBe(At(30));
        late.History[^1].Change.ShouldBe(OrderChange.TrackingUpdated);
        late.History[^1].Status.ShouldBe(OrderStatus.Delivered);
        late.History[^1].StaffNote!.ShouldContain("later update");
    }

    [Fact]
    public async Task An_older_scan_does_not_replace_the_newer_tracking_status()
    {
        var order = await Processing();
        await Apply(order, TrackingStatus.OutForDelivery, At(20));

        var late = await Apply(order, TrackingStatus.InTransit, At(10));

        late.Status.ShouldBe(OrderStatus.Shipped);
        late.Shipment!.LastTrackingStatus.ShouldBe(TrackingStatus.OutForDelivery);
    }

    [Fact]
    public async Task A_newer_in_transit_scan_after_delivery_does_not_undeliver_the_order()
    {
        var order = await Processing();
        await Apply(order, TrackingStatus.Delivered, At(30));

        (await Apply(order, TrackingStatus.InTransit, At(40))).Status.ShouldBe(OrderStatus.Delivered);
    }

    [Fact]
    public async Task The_same_event_delivered_three_times_changes_the_order_once()
    {
        var order = await Processing();
        var e = _bed.Tracking(order.Number, TrackingStatus.InTransit, At(10), "evt_same");

        await _bed.Orders.ApplyTrackingAsync(e, Ct);
        var saves = _bed.Store.Saves;
        await _bed.Orders.ApplyTrackingAsync(e, Ct);
        var third = await _bed.Orders.ApplyTrackingAsync(e, Ct);

        _bed.Store.Saves.ShouldBe(saves);
        third.History.Count(h => h.Reference == "evt_same").ShouldBe(1);
        _bed.Messages.Where(m => m.Change == OrderChange.Shipped).Select(m => m.MessageId).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_label_scan_changes_nothing_but_is_still_in_the_history_for_the_customer()
    {
        var order = await Processing();

        var labelled = await Apply(order, TrackingStatus.LabelCreated, At(1));

        labelled.Status.ShouldBe(OrderStatus.Processing);
        labelled.History[^1].Change.ShouldBe(OrderChange.TrackingUpdated);
        labelled.History[^1].Note.ShouldBe("The carrier has the parcel's label.");
    }

    [Fact]
    public async Task A_failed_delivery_as_the_first_scan_means_the_parcel_left_so_the_order_is_shipped()
    {
        var order = await Processing();

        var failed = await Apply(order, TrackingStatus.DeliveryFailed, At(2));

        failed.Status.ShouldBe(OrderStatus.Shipped);
        failed.History[^1].Change.ShouldBe(OrderChange.DeliveryFailed);
        failed.History[^1].Status.ShouldBe(OrderStatus.Shipped);
        failed.History[^1].Note.ShouldBe("The carrier could not deliver the parcel.");
    }

    [Fact]
    public async Task A_failed_delivery_of_a_shipped_order_is_a_delivery_failed_entry()
    {
        var order = await Processing();
        await Apply(order, TrackingStatus.InTransit, At(1));

        var failed = await Apply(order, TrackingStatus.DeliveryFailed, At(2));

        failed.Status.ShouldBe(OrderStatus.Shipped);
        failed.History[^1].Change.ShouldBe(OrderChange.DeliveryFailed);
    }

    [Fact]
    public async Task The_carriers_description_is_the_note_the_customer_sees()
    {
        var order = await Processing();

        var shipped = await _bed.Orders.ApplyTrackingAsync(_bed.Tracking(order.Number, TrackingStatus.InTransit, At(5)) with { Description = "Arrived at hub Leipzig" }, Ct);

        shipped.History[^1].Note.ShouldBe("Arrived at hub Leipzig");
    }

    [Fact]
    public async Task A_parcel_returned_to_the_sender_marks_the_order_returned()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Shipped);

        var returned = await Apply(order, TrackingStatus.ReturnedToSender, _bed.Clock.Now.AddDays(3));

        returned.Status.ShouldBe(OrderStatus.Returned);
        returned.History[^1].Change.ShouldBe(OrderChange.Returned);
    }

    [Fact]
    public async Task A_delivery_scan_does_not_end_a_requested_return()
    {
        var order = await _bed.InStatusAsync(OrderStatus.ReturnRequested);

        (await Apply(order, TrackingStatus.Delivered, _bed.Clock.Now.AddDays(1))).Status.ShouldBe(OrderStatus.ReturnRequested);
    }

    [Fact]
    public async Task An_update_for_an_order_without_a_shipment_is_refused_so_that_the_carrier_sends_it_again()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => Apply(order, TrackingStatus.InTransit, At(1)));

        refused.Message.ShouldContain("no shipment");
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.Paid);
    }

    [Fact]
    public async Task An_update_for_another_parcel_is_refused()
    {
        var order = await Processing();

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            _bed.Orders.ApplyTrackingAsync(_bed.Tracking(order.Number, TrackingStatus.Delivered, At(1)) with { TrackingNumber = "OTHER" }, Ct));

        refused.Field.ShouldBe("trackingNumber");
        _bed.Stored(order.Number).Status.ShouldBe(OrderStatus.Processing);
    }

    [Fact]
    public async Task An_update_for_an_unknown_order_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Orders.ApplyTrackingAsync(_bed.Tracking(OrderNumbers.New(), TrackingStatus.InTransit), Ct));
    }

    [Fact]
    public async Task Only_the_latest_event_ids_are_kept_on_the_order()
    {
        var order = await Processing();
        for (var i = 0; i < OrderShipment.EventIdsKept + 10; i++)
            await Apply(order, TrackingStatus.InTransit, At(i + 1), $"evt_{i}");

        var ids = _bed.Stored(order.Number).Shipment!.AppliedEventIds;
        ids.Count.ShouldBe(OrderShipment.EventIdsKept);
        ids[^1].ShouldBe($"evt_{OrderShipment.EventIdsKept + 9}");
    }
}
