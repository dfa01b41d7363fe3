using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Orders;

/// <summary>
/// What the customer hears about their parcels: shipped, out for delivery, a failed delivery, delivered and returned to
/// sender each send an email naming the parcel and its tracking; plain in-transit scans and label scans send none.
/// </summary>
public sealed class ParcelEmailTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly AllocatedParcel Main = new("main", [new ParcelItem("MUG-BLUE", 2)], 10);
    private static readonly AllocatedParcel East = new("east", [new ParcelItem("TEE-M", 1)], 120);

    private async Task<string> TwoParcelOrderAsync()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.RecordAllocationAsync(paid.Number, new Allocation([Main, East]), Ct);
        await _bed.Orders.AttachParcelAsync(paid.Number, Main, new Shipment(FakeCarrier.CarrierName, "shp_main", "TRK-MAIN", "https://track.example/main", null), Ct);
        await _bed.Orders.AttachParcelAsync(paid.Number, East, new Shipment(FakeCarrier.CarrierName, "shp_east", "TRK-EAST", "https://track.example/east", null), Ct);
        return paid.Number;
    }

    /// <summary>Applies the scan and returns the email its history entry sends, if any.</summary>
    private async Task<EmailMessage?> EmailOfScanAsync(string number, string trackingNumber, TrackingStatus status, int hours, string? description = null)
    {
        var order = await _bed.Orders.ApplyTrackingAsync(new TrackingEvent($"evt_{Guid.NewGuid():N}", FakeCarrier.CarrierName, trackingNumber, number, status, FixedClock.Instant.AddHours(hours), description), Ct);
        return OrderEmails.For(order, order.History[^1], _bed.Settings);
    }

    [Fact]
    public async Task Each_parcel_that_leaves_gets_an_email_naming_it_its_contents_and_its_tracking()
    {
        var number = await TwoParcelOrderAsync();

        var first = await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.InTransit, 1);
        var second = await EmailOfScanAsync(number, "TRK-EAST", TrackingStatus.InTransit, 2);

        first!.Subject.ShouldBe($"Order {number}: parcel 1 of 2 is on its way");
        first.TextBody.ShouldContain("2 x Blue mug (MUG-BLUE)");
        first.TextBody.ShouldContain("https://track.example/main");
        second!.Subject.ShouldBe($"Order {number}: parcel 2 of 2 is on its way");
        second.TextBody.ShouldContain("1 x Shop T-shirt (TEE-M)");
        second.TextBody.ShouldContain("TRK-EAST");
        second.TextBody.ShouldNotContain("TRK-MAIN");
    }

    [Fact]
    public async Task Plain_in_transit_and_label_scans_send_no_email()
    {
        var number = await TwoParcelOrderAsync();
        await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.InTransit, 1);

        (await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.InTransit, 2, "Hub Utrecht")).ShouldBeNull();
        (await EmailOfScanAsync(number, "TRK-EAST", TrackingStatus.LabelCreated, 3)).ShouldBeNull();
    }

    [Fact]
    public async Task Out_for_delivery_a_failed_delivery_and_a_parcel_going_back_each_send_an_email_about_that_parcel()
    {
        var number = await TwoParcelOrderAsync();
        await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.InTransit, 1);

        var outForDelivery = await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.OutForDelivery, 2);
        var failed = await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.DeliveryFailed, 3, "Nobody home");
        var back = await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.ReturnedToSender, 4);

        outForDelivery!.Subject.ShouldBe($"Order {number}: parcel 1 of 2 is out for delivery today");
        failed!.Subject.ShouldBe($"Order {number}: parcel 1 of 2 could not be delivered");
        failed.TextBody.ShouldContain("Nobody home");
        back!.Subject.ShouldBe($"Order {number}: parcel 1 of 2 is coming back to us");
        back.TextBody.ShouldContain("https://track.example/main");
    }

    [Fact]
    public async Task A_parcel_delivered_before_the_last_says_the_rest_is_coming_and_the_last_says_the_order_arrived()
    {
        var number = await TwoParcelOrderAsync();

        var first = await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.Delivered, 10);
        var last = await EmailOfScanAsync(number, "TRK-EAST", TrackingStatus.Delivered, 11);

        first!.Subject.ShouldBe($"Order {number}: parcel 1 of 2 was delivered");
        first.TextBody.ShouldContain("The rest of your order is still on its way");
        last!.Subject.ShouldBe($"Order {number} was delivered");
        last.TextBody.ShouldContain("The last parcel of your order was delivered.");
        last.TextBody.ShouldContain("https://track.example/east");
    }

    [Fact]
    public async Task The_delivered_email_of_an_order_whose_other_parcel_came_back_says_so()
    {
        var number = await TwoParcelOrderAsync();
        await EmailOfScanAsync(number, "TRK-MAIN", TrackingStatus.Delivered, 10);

        var settled = await EmailOfScanAsync(number, "TRK-EAST", TrackingStatus.ReturnedToSender, 11);

        settled!.Subject.ShouldBe($"Order {number} was delivered");
        settled.TextBody.ShouldContain("parcel 2 of 2 could not be delivered and is coming back to us");
        settled.TextBody.ShouldNotContain("The last parcel of your order was delivered.");
    }

    [Fact]
    public async Task An_order_in_one_parcel_keeps_its_emails_without_parcel_numbers()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Processing);

        var shipped = await EmailOfScanAsync(order.Number, "TRACK123", TrackingStatus.InTransit, 1);
        var outForDelivery = await EmailOfScanAsync(order.Number, "TRACK123", TrackingStatus.OutForDelivery, 2);

        shipped!.Subject.ShouldBe($"Order {order.Number} is on its way");
        shipped.TextBody.ShouldContain("Your parcel is on its way with fakecarrier.");
        shipped.TextBody.ShouldContain("https://track.example/TRACK123");
        outForDelivery!.Subject.ShouldBe($"Order {order.Number}: your parcel is out for delivery today");
    }

    [Fact]
    public async Task A_parcel_brought_back_by_the_carrier_is_not_mistaken_for_a_return_the_customer_sent()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Shipped);

        var back = await EmailOfScanAsync(order.Number, "TRACK123", TrackingStatus.ReturnedToSender, 48);

        back!.Subject.ShouldBe($"Order {order.Number} could not be delivered");
        back.TextBody.ShouldNotContain("Your returned parcel has arrived");
    }

    [Fact]
    public async Task The_event_of_a_parcel_entry_carries_that_parcels_tracking_number()
    {
        var number = await TwoParcelOrderAsync();
        var order = await _bed.Orders.ApplyTrackingAsync(new TrackingEvent("evt_east", FakeCarrier.CarrierName, "TRK-EAST", number, TrackingStatus.InTransit, FixedClock.Instant.AddHours(1), null), Ct);

        var data = OrderEvent.Of(order, order.History[^1]);

        data.Change.ShouldBe(OrderChange.Shipped);
        data.TrackingNumber.ShouldBe("TRK-EAST");
        NotifyOrderChange.EventType(OrderChange.OutForDelivery).ShouldBe("order.out-for-delivery");
        NotifyOrderChange.EventType(OrderChange.DeliveryFailed).ShouldBe("order.delivery-failed");
        NotifyOrderChange.EventType(OrderChange.ReturnedToSender).ShouldBe("order.returned-to-sender");
    }
}
