using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>A warehouse's own low-stock threshold: set per warehouse, alerted once when that warehouse crosses it, whatever the total.</summary>
public sealed class WarehouseLowStockTests
{
    private const string Sku = "MUG-RED";
    private static readonly Actor Merchandiser = new("user_merch", [ShopRoles.Merchandiser]);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = InMemoryWarehouseStore.WithMain();
    private readonly RecordingWorkQueue _queue = new();
    private readonly FixedClock _clock = new();

    public WarehouseLowStockTests() => _warehouses.Put(InMemoryWarehouseStore.Sample("hamburg", null, ["DE"]));

    private ManageStock Stock => new(_inventory, _warehouses, _queue, _clock);

    private IReadOnlyList<LowStockAlert> Alerts => _queue.MessagesOn<LowStockAlert>(WorkQueues.LowStockAlerts);

    private Task<Versioned<StockItem>> Adjust(string warehouse, int change, string id) =>
        Stock.AdjustAsync(Sku, new StockAdjustmentInput(warehouse, change, AdjustmentReason.Received, null), id, Merchandiser, CancellationToken.None);

    private Task<Versioned<StockItem>> SetThreshold(int? threshold, string? warehouse) =>
        Stock.SetThresholdAsync(Sku, new LowStockThresholdInput(threshold, warehouse), CancellationToken.None);

    [Fact]
    public async Task A_warehouse_threshold_is_kept_apart_from_the_sku_threshold()
    {
        await SetThreshold(10, null);
        var result = await SetThreshold(4, "Hamburg");

        result.Value.LowStockThreshold.ShouldBe(10);
        result.Value.ThresholdIn("hamburg").ShouldBe(4);
        result.Value.ThresholdIn("main").ShouldBe(0);
        _inventory.Current(Sku)!.Value.WarehouseThresholds.ShouldBe(new Dictionary<string, int> { ["hamburg"] = 4 });
    }

    [Fact]
    public async Task Setting_a_warehouse_threshold_to_zero_removes_it()
    {
        await SetThreshold(4, "hamburg");

        (await SetThreshold(0, "hamburg")).Value.WarehouseThresholds.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_threshold_for_a_warehouse_that_does_not_exist_is_refused_on_the_warehouse_field_and_writes_nothing()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => SetThreshold(4, "nowhere"));

        failure.ShouldReport("warehouse", "no warehouse 'nowhere'");
        _inventory.Current(Sku).ShouldBeNull();
    }

    [Fact]
    public async Task A_negative_warehouse_threshold_is_refused_on_the_threshold_field()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => SetThreshold(-1, "hamburg"))).ShouldReport("threshold", "from 0");
        _inventory.Current(Sku).ShouldBeNull();
    }

    [Fact]
    public async Task One_warehouse_falling_below_its_threshold_alerts_even_when_the_total_is_plenty()
    {
        await Adjust("main", 100, "adj_main");
        await Adjust("hamburg", 6, "adj_hh");
        await SetThreshold(10, null);
        await SetThreshold(5, "hamburg");

        await Adjust("hamburg", -2, "adj_hh_sold");

        var alert = Alerts.ShouldHaveSingleItem();
        alert.ShouldBe(new LowStockAlert(Sku, 104, 5, _clock.Now) { Warehouse = "hamburg", WarehouseOnHand = 4 });
    }

    [Fact]
    public async Task A_warehouse_alerts_once_when_it_crosses_not_again_while_it_stays_low()
    {
        await Adjust("hamburg", 6, "adj_hh");
        await SetThreshold(5, "hamburg");

        await Adjust("hamburg", -2, "adj_1");
        await Adjust("hamburg", -1, "adj_2");

        Alerts.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Another_warehouse_s_change_does_not_alert_for_a_warehouse_that_is_already_low()
    {
        await Adjust("hamburg", 2, "adj_hh");
        await SetThreshold(5, "hamburg");

        await Adjust("main", 3, "adj_main");

        Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task Crossing_the_total_and_a_warehouse_threshold_at_once_sends_both_alerts()
    {
        await Adjust("hamburg", 10, "adj_hh");
        await SetThreshold(8, null);
        await SetThreshold(8, "hamburg");

        await Adjust("hamburg", -3, "adj_sold");

        Alerts.Select(a => a.Warehouse).ShouldBe([null, "hamburg"]);
    }

    [Fact]
    public async Task The_email_and_event_of_a_warehouse_alert_name_the_warehouse_and_its_units()
    {
        var email = new RecordingEmailSender();
        var events = new RecordingIntegrationEvents();
        var alert = new LowStockAlert(Sku, 104, 5, _clock.Now) { Warehouse = "hamburg", WarehouseOnHand = 4 };

        await new NotifyLowStock(email, events, new MerchandisingContacts(["stock@shop.test"])).HandleAsync(alert, CancellationToken.None);

        var sent = email.Sent.ShouldHaveSingleItem();
        sent.Subject.ShouldBe("Low stock in hamburg: MUG-RED has 4 left there");
        sent.TextBody.ShouldContain("104 across all warehouses");
        var published = events.Published.ShouldHaveSingleItem();
        published.Type.ShouldBe("inventory.low-stock");
        published.Id.ShouldBe($"low-stock:MUG-RED:hamburg:{_clock.Now.ToUnixTimeMilliseconds()}");
    }
}
