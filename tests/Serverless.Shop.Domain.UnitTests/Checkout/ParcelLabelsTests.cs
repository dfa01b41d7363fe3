using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Inventory;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Checkout;

/// <summary>Checkout's shipment step buys one label per allocated parcel, from that parcel's warehouse (<see cref="CheckoutSteps.ParcelLabels"/>).</summary>
public sealed class ParcelLabelsTests
{
    private readonly OrderTestBed _bed = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly ShippingAddress HamburgDock = new("North dock", "Kai 1", null, "Hamburg", "20457", null, "DE", null);
    private static readonly AllocatedParcel Main = new("main", [new ParcelItem("MUG-BLUE", 2)], 10);
    private static readonly AllocatedParcel North = new("north", [new ParcelItem("TEE-M", 1)], 120);

    private static WarehouseDirectory Directory() => new(
    [
        InMemoryWarehouseStore.Sample("main", null, ["NL"]),
        InMemoryWarehouseStore.Sample("north", null, ["DE"]) with { Address = HamburgDock },
    ]);

    [Fact]
    public async Task Each_parcel_gets_a_label_from_its_warehouse_with_its_items_and_its_own_idempotency_key()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var labels = CheckoutSteps.ParcelLabels(order, new Allocation([Main, North]), Directory(), "express");

        labels.Select(l => l.Parcel.WarehouseId).ShouldBe(["main", "north"]);
        labels.Select(l => l.Request.IdempotencyKey).ShouldBe([$"{order.Number}-shipment-main", $"{order.Number}-shipment-north"]);
        labels[1].Request.Origin.ShouldBe(HamburgDock);
        labels[1].Request.Items.ShouldBe([new ParcelItem("TEE-M", 1)]);
        labels[1].Request.Address.ShouldBe(order.ShippingAddress);
        labels[1].Request.Service.ShouldBe("express");
        labels[1].Request.IsReturn.ShouldBeFalse();
    }

    [Fact]
    public async Task A_warehouse_without_an_address_ships_from_the_carriers_configured_origin()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);

        var labels = CheckoutSteps.ParcelLabels(order, new Allocation([Main]), Directory(), "standard");

        labels.Single().Request.Origin.ShouldBeNull();
    }

    [Fact]
    public async Task A_replayed_step_buys_labels_only_for_the_parcels_not_labelled_yet()
    {
        var paid = await _bed.InStatusAsync(OrderStatus.Paid);
        await _bed.Orders.RecordAllocationAsync(paid.Number, new Allocation([Main, North]), Ct);
        var half = await _bed.Orders.AttachParcelAsync(paid.Number, Main, new Shipment(FakeCarrier.CarrierName, "shp_main", "TRK-MAIN", "https://track.example/main", null), Ct);

        var labels = CheckoutSteps.ParcelLabels(half, half.Allocation!, Directory(), "standard");

        labels.Select(l => l.Parcel.WarehouseId).ShouldBe(["north"]);
    }
}
