using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using static Serverless.Shop.Domain.UnitTests.Orders.OrderTestBed;

namespace Serverless.Shop.Domain.UnitTests.Orders.Returns;

/// <summary>An approved return whose parcel never set off is closed after Returns:ShipBackWithinDays (<see cref="ExpireOverdueReturns"/>, <see cref="ReturnRules.IsOverdue"/>).</summary>
public sealed class ExpireOverdueReturnsTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private ExpireOverdueReturns Expiry => new(_bed.Store, _bed.Queue, [_bed.Carrier], _bed.ReturnSettings, _bed.Clock);

    private static readonly TimeSpan PastTheLimit = TimeSpan.FromDays(ReturnSettings.DefaultShipBackWithinDays) + TimeSpan.FromMinutes(1);

    /// <summary>A delivered order with return R1 of one unit; "wrongSize" is approved at once and gets its label, "damaged" waits for staff.</summary>
    private async Task<(string Number, OrderReturn Return)> ReturnAsync(string reason = "wrongSize")
    {
        var order = await _bed.InStatusAsync(OrderStatus.Delivered);
        var (_, ret) = await _bed.ItemReturns.OpenAsync(order.Number, new ReturnRequestInput(reason, null, [new ReturnLineInput("line_2", null, 1, null)]), Customer, "op_1", Ct);
        return (order.Number, ret);
    }

    [Fact]
    public async Task An_approved_return_with_no_scan_after_the_limit_is_expired_its_label_voided_and_the_customer_told()
    {
        var (number, ret) = await ReturnAsync();
        ret.Status.ShouldBe(ReturnStatus.Approved);
        _bed.Clock.Advance(PastTheLimit);

        var result = await Expiry.RunAsync(Ct);

        result.Expired.ShouldBe(1);
        result.Failures.ShouldBeEmpty();
        var order = _bed.Stored(number);
        order.Status.ShouldBe(OrderStatus.Delivered);
        order.Returns.Single().Status.ShouldBe(ReturnStatus.Expired);
        ReturnRules.ReturnedUnits(order, "line_2").ShouldBe(0);
        _bed.Carrier.Cancellations.ShouldBe([(ret.Label!.ShipmentId, $"{number}-return-R1-void")]);
        var entry = order.History[^1];
        (entry.Change, entry.Reference, entry.Actor, entry.Status).ShouldBe((OrderChange.ReturnExpired, "R1", ReturnRules.Expirer, OrderStatus.Delivered));
        _bed.Messages[^1].ShouldBe(OrderChanged.For(order, entry));
        var email = OrderEmails.For(order, entry, _bed.Settings)!;
        email.Subject.ShouldBe($"Return R1 for order {number} was closed");
        email.TextBody.ShouldContain($"Return R1 for order {number} was closed: we did not receive the parcel within 14 days.");
    }

    [Fact]
    public async Task An_approved_return_within_the_limit_stays_open()
    {
        var (number, _) = await ReturnAsync();
        _bed.Clock.Advance(TimeSpan.FromDays(ReturnSettings.DefaultShipBackWithinDays) - TimeSpan.FromMinutes(1));

        (await Expiry.RunAsync(Ct)).Expired.ShouldBe(0);

        _bed.Stored(number).Returns.Single().Status.ShouldBe(ReturnStatus.Approved);
        _bed.Carrier.Cancellations.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(TrackingStatus.InTransit)]
    [InlineData(TrackingStatus.OutForDelivery)]
    [InlineData(TrackingStatus.Delivered)]
    public async Task A_return_parcel_the_carrier_has_scanned_is_not_expired_however_late(TrackingStatus status)
    {
        var (number, ret) = await ReturnAsync();
        var label = ret.Label!;
        await _bed.Orders.ApplyTrackingAsync(new TrackingEvent("evt_back", label.Carrier, label.TrackingNumber, number, status, _bed.Clock.Now, null), Ct);
        _bed.Clock.Advance(PastTheLimit * 3);

        (await Expiry.RunAsync(Ct)).Expired.ShouldBe(0);

        _bed.Stored(number).Returns.Single().Status.ShouldBe(ReturnStatus.Approved);
        _bed.Carrier.Cancellations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_label_created_update_is_no_scan_and_the_return_still_expires()
    {
        var (number, ret) = await ReturnAsync();
        var label = ret.Label!;
        await _bed.Orders.ApplyTrackingAsync(new TrackingEvent("evt_pre", label.Carrier, label.TrackingNumber, number, TrackingStatus.LabelCreated, _bed.Clock.Now, null), Ct);
        _bed.Clock.Advance(PastTheLimit);

        (await Expiry.RunAsync(Ct)).Expired.ShouldBe(1);

        _bed.Stored(number).Returns.Single().Status.ShouldBe(ReturnStatus.Expired);
    }

    [Fact]
    public async Task A_requested_return_not_yet_approved_is_not_expired()
    {
        var (number, ret) = await ReturnAsync("damaged");
        ret.Status.ShouldBe(ReturnStatus.Requested);
        _bed.Clock.Advance(PastTheLimit * 3);

        (await Expiry.RunAsync(Ct)).Expired.ShouldBe(0);

        _bed.Stored(number).Returns.Single().Status.ShouldBe(ReturnStatus.Requested);
    }

    [Fact]
    public async Task A_received_return_is_not_expired()
    {
        var (number, _) = await ReturnAsync();
        await _bed.Receipts.ReceiveAsync(number, "R1", new ReturnReceiptInput([new ReturnReceiptLineInput("line_2", null, 1, "restock", null)]), Support, Ct);
        _bed.Clock.Advance(PastTheLimit * 3);

        (await Expiry.RunAsync(Ct)).Expired.ShouldBe(0);

        _bed.Stored(number).Returns.Single().Status.ShouldBe(ReturnStatus.Received);
        _bed.Carrier.Cancellations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_second_run_changes_nothing_and_sends_nothing()
    {
        var (number, _) = await ReturnAsync();
        _bed.Clock.Advance(PastTheLimit);
        await Expiry.RunAsync(Ct);
        var after = _bed.Stored(number);
        var messages = _bed.Messages.Count;
        var second = await Expiry.RunAsync(Ct);

        second.Expired.ShouldBe(0);
        second.Failures.ShouldBeEmpty();

        _bed.Stored(number).ShouldBeSameAs(after);
        _bed.Messages.Count.ShouldBe(messages);
        _bed.Carrier.Cancellations.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Two_runs_at_once_expire_the_return_once()
    {
        var (number, _) = await ReturnAsync();
        _bed.Clock.Advance(PastTheLimit);

        var results = await Task.WhenAll(Task.Run(() => Expiry.RunAsync(Ct)), Task.Run(() => Expiry.RunAsync(Ct)));

        results.Sum(r => r.Expired).ShouldBe(1);
        _bed.Stored(number).History.Count(h => h.Change == OrderChange.ReturnExpired).ShouldBe(1);
        _bed.Carrier.Cancellations.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_label_the_carrier_does_not_void_is_reported_and_the_return_expires_all_the_same()
    {
        var (number, ret) = await ReturnAsync();
        _bed.Clock.Advance(PastTheLimit);
        _bed.Carrier.RefuseCancellation = true;

        var result = await Expiry.RunAsync(Ct);

        result.Expired.ShouldBe(1);
        result.Failures.Single().ShouldContain($"label {ret.Label!.ShipmentId}");
        _bed.Stored(number).Returns.Single().Status.ShouldBe(ReturnStatus.Expired);
    }

    [Fact]
    public async Task The_units_of_an_expired_return_can_be_asked_for_again()
    {
        var (number, _) = await ReturnAsync();
        _bed.Clock.Advance(PastTheLimit);
        await Expiry.RunAsync(Ct);

        var (_, again) = await _bed.ItemReturns.OpenAsync(number, new ReturnRequestInput("wrongSize", null, [new ReturnLineInput("line_2", null, 1, null)]), Support, "op_2", Ct);

        again.Id.ShouldBe("R2");
        _bed.Stored(number).Returns.Select(r => r.Status).ShouldBe([ReturnStatus.Expired, ReturnStatus.Approved]);
    }
}
