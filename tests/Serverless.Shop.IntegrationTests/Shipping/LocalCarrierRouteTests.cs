using Microsoft.Extensions.Configuration;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>The local carrier's routes (which scans a parcel goes through, chosen by its address) and the schedule's setting; no server.</summary>
public sealed class LocalCarrierRouteTests
{
    private static ShippingAddress Address(string line1 = "Damrak 1", string? line2 = null, string name = "Ada Shopper") =>
        new(name, line1, line2, "Amsterdam", "1012 LG", null, "NL", null);

    private static SimulatedShipment Parcel(ShippingAddress address, TrackingStatus status, DateTimeOffset? cancelledAt = null) =>
        new("lcs_x", "LCX", "ord_1", "key", "standard", address, [new ParcelItem("MUG", 1)], DateTimeOffset.UnixEpoch, status, cancelledAt,
            [new SimulatedTrackingUpdate(TrackingStatus.LabelCreated, DateTimeOffset.UnixEpoch, null)]);

    private static List<TrackingStatus> Walk(LocalCarrierRoute route)
    {
        var steps = new List<TrackingStatus> { TrackingStatus.LabelCreated };
        while (route.After(steps[^1]) is { } next && steps.Count < 20) steps.Add(next);
        return steps;
    }

    [Fact]
    public void An_ordinary_parcel_goes_from_label_to_delivered_and_stops_there()
    {
        var route = LocalCarrierRoute.For(Address());

        Walk(route).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered]);
        route.After(TrackingStatus.Delivered).ShouldBeNull();
    }

    [Theory]
    [InlineData("CARRIER-EXCEPTION house 3", null, "Ada Shopper")]
    [InlineData("Damrak 1", "carrier-exception", "Ada Shopper")]
    [InlineData("Damrak 1", null, "Ada Carrier-Exception")]
    public void An_address_marked_for_an_exception_ends_in_a_failed_delivery_after_going_out(string line1, string? line2, string name)
    {
        var route = LocalCarrierRoute.For(Address(line1, line2, name));

        Walk(route).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.DeliveryFailed]);
        route.Describe(TrackingStatus.DeliveryFailed).ShouldNotBeNull().ShouldContain(LocalCarrierRoute.ExceptionMarker);
    }

    [Fact]
    public void An_address_marked_for_return_fails_delivery_and_goes_back_to_the_sender_even_when_also_marked_for_an_exception()
    {
        var route = LocalCarrierRoute.For(Address("CARRIER-EXCEPTION 1", "CARRIER-RETURN"));

        Walk(route).ShouldBe([TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.DeliveryFailed, TrackingStatus.ReturnedToSender]);
        route.Describe(TrackingStatus.ReturnedToSender).ShouldNotBeNull().ShouldContain(LocalCarrierRoute.ReturnMarker);
        route.Describe(TrackingStatus.InTransit).ShouldBeNull();
    }

    [Fact]
    public void A_parcel_scanned_off_its_route_by_hand_or_cancelled_has_no_next_step()
    {
        Parcel(Address(), TrackingStatus.DeliveryFailed).NextStep().ShouldBeNull();
        Parcel(Address(), TrackingStatus.LabelCreated, cancelledAt: DateTimeOffset.UnixEpoch).NextStep().ShouldBeNull();
        Parcel(Address(), TrackingStatus.OutForDelivery).NextStep().ShouldBe(TrackingStatus.Delivered);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    [InlineData("20", 20.0)]
    [InlineData("0.5", 0.5)]
    public void The_seconds_per_step_turn_the_schedule_on_and_unset_or_0_leaves_it_off(string? value, double? seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [LocalCarrierRegistration.SecondsPerStepSetting] = value }).Build();

        LocalCarrierRegistration.SecondsPerStep(configuration).ShouldBe(seconds is { } s ? TimeSpan.FromSeconds(s) : null);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("86401")]
    [InlineData("1e3")]
    public void Seconds_per_step_that_are_not_a_number_from_0_to_a_day_stop_the_host_naming_the_setting(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [LocalCarrierRegistration.SecondsPerStepSetting] = value }).Build();

        Should.Throw<InvalidOperationException>(() => LocalCarrierRegistration.SecondsPerStep(configuration)).Message.ShouldContain(LocalCarrierRegistration.SecondsPerStepSetting);
    }
}
