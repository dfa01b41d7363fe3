using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// An order in two parcels (two mugs from <c>main</c>, the T-shirt from <c>east</c>): each parcel has its label and its
/// tracking, the order ships with the first and is delivered with the last (<see cref="ParcelTracking"/>).
/// </summary>
public sealed class ParcelTrackingTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly AllocatedParcel Main = new("main", [new ParcelItem("MUG-BLUE", 2)], 10);
    private static readonly AllocatedParcel East = new("east", [new ParcelItem("TEE-M", 1)], 120);

    private static Shipment Label(string warehouse) => new(FakeCarrier.CarrierName, "shp_" + warehouse, "TRK-" + warehouse.ToUpperInvariant(), "https://track.example/" + warehouse, null);

    private DateTimeOffset At(int hours) => FixedClock.Instant.AddHours(hours);

    /// <summary>Paid, allocated to both warehouses, and (unless told otherwise) both parcels labelled.</summary>
    private async Task<string> TwoParcelOrderAsync(bool labelBoth = true)
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.RecordAllocationAsync(paid.Number, new Allocation([Main, East]), Ct);
        await _bed.Orders.AttachParcelAsync(paid.Number, Main, Label("main"), Ct);
        if (labelBoth) await _bed.Orders.AttachParcelAsync(paid.Number, East, Label("east"), Ct);
        return paid.Number;
    }

    private Task<Order> Scan(string number, string warehouse, TrackingStatus status, int hours, string? eventId = null, string? description = null) =>
        _bed.Orders.ApplyTrackingAsync(new TrackingEvent(eventId ?? $"evt_{Guid.NewGuid():N}", FakeCarrier.CarrierName, "TRK-" + warehouse.ToUpperInvariant(), number, status, At(hours), description), Ct);

    [Fact]
    public async Task Each_label_is_a_parcel_with_its_warehouse_and_items_and_the_first_moves_the_order_to_processing()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.RecordAllocationAsync(paid.Number, new Allocation([Main, East]), Ct);

        var first = await _bed.Orders.AttachParcelAsync(paid.Number, Main, Label("main"), Ct);
        var second = await _bed.Orders.AttachParcelAsync(paid.Number, East, Label("east"), Ct);

        first.Status.ShouldBe(OrderStatus.Processing);
        second.Status.ShouldBe(OrderStatus.Processing);
        second.Shipment.ShouldBeNull();
        second.Parcels.Select(p => (p.WarehouseId, p.TrackingNumber)).ShouldBe([("main", "TRK-MAIN"), ("east", "TRK-EAST")]);
        second.Parcels[1].Items.ShouldBe([new ParcelItem("TEE-M", 1)]);
        var created = second.History.Where(h => h.Change == OrderChange.ShipmentCreated).ToList();
        created.Select(h => h.Parcel).ShouldBe(["TRK-MAIN", "TRK-EAST"]);
        created[1].Note.ShouldStartWith("Parcel 2 of 2 registered");
    }

    [Fact]
    public async Task The_same_label_again_writes_nothing_and_another_label_for_a_labelled_warehouse_is_refused()
    {
        var number = await TwoParcelOrderAsync();
        var saves = _bed.Store.Saves;

        await _bed.Orders.AttachParcelAsync(number, East, Label("east"), Ct);
        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.AttachParcelAsync(number, East, Label("east") with { ShipmentId = "shp_other" }, Ct));

        _bed.Store.Saves.ShouldBe(saves);
        refused.Message.ShouldContain("warehouse east already has shipment shp_east");
        _bed.Stored(number).Parcels.Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_order_in_parcels_takes_no_single_shipment_and_a_single_shipment_order_takes_no_parcels()
    {
        var number = await TwoParcelOrderAsync();
        var single = await _bed.InStatusAsync(OrderStatus.Processing);

        await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.AttachShipmentAsync(number, OrderTestBed.Shipment("shp_x"), Ct));
        await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Orders.AttachParcelAsync(single.Number, Main, Label("main"), Ct));
    }

    [Fact]
    public async Task The_order_ships_with_the_first_parcel_and_the_second_parcel_leaving_is_its_own_entry()
    {
        var number = await TwoParcelOrderAsync();

        var first = await Scan(number, "main", TrackingStatus.InTransit, 1);
        var second = await Scan(number, "east", TrackingStatus.InTransit, 2);
        var moving = await Scan(number, "east", TrackingStatus.InTransit, 3);

        first.Status.ShouldBe(OrderStatus.Shipped);
        first.History[^1].Change.ShouldBe(OrderChange.Shipped);
        second.Status.ShouldBe(OrderStatus.Shipped);
        second.History[^1].Change.ShouldBe(OrderChange.ParcelShipped);
        second.History[^1].Parcel.ShouldBe("TRK-EAST");
        second.History[^1].Note.ShouldBe("Parcel 2 of 2: The parcel is on its way.");
        moving.History[^1].Change.ShouldBe(OrderChange.InTransit);
    }

    [Fact]
    public async Task The_order_is_delivered_only_when_the_last_parcel_is()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "main", TrackingStatus.InTransit, 1);
        await Scan(number, "east", TrackingStatus.InTransit, 2);

        var one = await Scan(number, "main", TrackingStatus.Delivered, 20);
        var both = await Scan(number, "east", TrackingStatus.Delivered, 30);

        one.Status.ShouldBe(OrderStatus.Shipped);
        one.History[^1].Change.ShouldBe(OrderChange.ParcelDelivered);
        one.DeliveredAt.ShouldBeNull();
        both.Status.ShouldBe(OrderStatus.Delivered);
        both.History[^1].Change.ShouldBe(OrderChange.Delivered);
        both.DeliveredAt.ShouldBe(At(30));
        both.History.Count(h => h.Change == OrderChange.Delivered).ShouldBe(1);
    }

    [Fact]
    public async Task A_delivered_parcel_does_not_deliver_an_order_whose_other_parcel_has_no_label_yet()
    {
        var number = await TwoParcelOrderAsync(labelBoth: false);

        var delivered = await Scan(number, "main", TrackingStatus.Delivered, 5);

        delivered.Status.ShouldBe(OrderStatus.Shipped);
        delivered.History[^1].Change.ShouldBe(OrderChange.ParcelDelivered);
        delivered.History[^1].Status.ShouldBe(OrderStatus.Shipped);
    }

    [Fact]
    public async Task Out_for_delivery_and_a_failed_delivery_are_entries_of_their_own_that_leave_a_shipped_order_shipped()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "main", TrackingStatus.InTransit, 1);

        var outForDelivery = await Scan(number, "main", TrackingStatus.OutForDelivery, 2);
        var failed = await Scan(number, "main", TrackingStatus.DeliveryFailed, 3, description: "Nobody home");

        outForDelivery.History[^1].Change.ShouldBe(OrderChange.OutForDelivery);
        failed.History[^1].Change.ShouldBe(OrderChange.DeliveryFailed);
        failed.History[^1].Note.ShouldBe("Parcel 1 of 2: Nobody home");
        failed.Status.ShouldBe(OrderStatus.Shipped);
    }

    [Fact]
    public async Task Every_parcel_back_with_the_shop_returns_the_order_and_one_back_is_its_own_entry()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "main", TrackingStatus.InTransit, 1);

        var one = await Scan(number, "main", TrackingStatus.ReturnedToSender, 10);
        var both = await Scan(number, "east", TrackingStatus.ReturnedToSender, 11);

        one.Status.ShouldBe(OrderStatus.Shipped);
        one.History[^1].Change.ShouldBe(OrderChange.ReturnedToSender);
        both.Status.ShouldBe(OrderStatus.Returned);
        both.History[^1].Change.ShouldBe(OrderChange.Returned);
    }

    [Fact]
    public async Task One_parcel_delivered_and_the_other_back_with_the_shop_delivers_the_order()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "main", TrackingStatus.Delivered, 10);

        var settled = await Scan(number, "east", TrackingStatus.ReturnedToSender, 11);

        settled.Status.ShouldBe(OrderStatus.Delivered);
        settled.History[^1].Change.ShouldBe(OrderChange.Delivered);
        settled.Parcels[1].LastTrackingStatus.ShouldBe(TrackingStatus.ReturnedToSender);
    }

    [Fact]
    public async Task Each_parcel_keeps_its_own_timeline_in_the_order_the_scans_happened()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "main", TrackingStatus.OutForDelivery, 5, description: "With the driver");
        await Scan(number, "main", TrackingStatus.InTransit, 2, description: "Hub Utrecht");
        await Scan(number, "east", TrackingStatus.InTransit, 3);

        var order = _bed.Stored(number);

        order.Parcels[0].Scans.Select(s => (s.Status, s.At, s.Description)).ShouldBe(
            [(TrackingStatus.InTransit, At(2), "Hub Utrecht"), (TrackingStatus.OutForDelivery, At(5), "With the driver")]);
        order.Parcels[0].LastTrackingStatus.ShouldBe(TrackingStatus.OutForDelivery);
        order.Parcels[1].Scans.Select(s => s.Status).ShouldBe([TrackingStatus.InTransit]);
    }

    [Fact]
    public async Task A_late_scan_of_one_parcel_is_kept_in_its_timeline_but_moves_nothing()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "main", TrackingStatus.Delivered, 20);
        await Scan(number, "east", TrackingStatus.Delivered, 21);

        var late = await Scan(number, "main", TrackingStatus.InTransit, 1);

        late.Status.ShouldBe(OrderStatus.Delivered);
        late.History[^1].Change.ShouldBe(OrderChange.TrackingUpdated);
        late.Parcels[0].LastTrackingStatus.ShouldBe(TrackingStatus.Delivered);
        late.Parcels[0].Scans.Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_same_event_for_a_parcel_twice_changes_the_order_once()
    {
        var number = await TwoParcelOrderAsync();
        await Scan(number, "east", TrackingStatus.InTransit, 1, "evt_twice");
        var saves = _bed.Store.Saves;

        var again = await Scan(number, "east", TrackingStatus.InTransit, 1, "evt_twice");

        _bed.Store.Saves.ShouldBe(saves);
        again.History.Count(h => h.Reference == "evt_twice").ShouldBe(1);
        again.Parcels[1].Scans.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_scan_for_a_tracking_number_that_is_not_a_parcel_of_the_order_is_refused()
    {
        var number = await TwoParcelOrderAsync();

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => Scan(number, "west", TrackingStatus.Delivered, 1));

        refused.Field.ShouldBe("trackingNumber");
        _bed.Stored(number).Status.ShouldBe(OrderStatus.Processing);
    }

    [Fact]
    public async Task Cancelling_an_order_in_parcels_cancels_every_label_with_its_own_key()
    {
        var number = await TwoParcelOrderAsync();

        await _bed.Orders.CancelAsync(number, "Changed my mind", OrderTestBed.Support, Ct);

        _bed.Carrier.Cancellations.ShouldBe([("shp_main", $"{number}-cancel-shipment-main"), ("shp_east", $"{number}-cancel-shipment-east")]);
    }
}
