using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>The stock report per warehouse: the figures of each SKU in each warehouse, filters, totals and paging.</summary>
public sealed class StockReportTests
{
    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = InMemoryWarehouseStore.WithMain();
    private readonly FixedClock _clock = new();

    public StockReportTests()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("hamburg", null, ["DE"], priority: 1));
        _warehouses.Put(InMemoryWarehouseStore.Sample("aachen", null, ["DE"], priority: 2));
    }

    private ReportStock Reports => new(_inventory, _warehouses, _clock);

    private Task<StockReport> Report(string? warehouse = null, string? lowOnly = null, string? pageSize = null, string? token = null) =>
        Reports.ByWarehouseAsync(warehouse, lowOnly, pageSize, token, CancellationToken.None);

    private StockItem Stock(string sku, params (string Warehouse, int Units)[] levels)
    {
        var item = StockItem.Empty(sku);
        foreach (var (warehouse, units) in levels)
            item = item.Apply($"adj_{warehouse}", warehouse, units, AdjustmentReason.Count, null, "user_merch", _clock.Now);
        return item;
    }

    [Fact]
    public async Task Each_warehouse_shows_on_hand_reserved_available_and_inbound_in_transit()
    {
        var item = Stock("MUG-RED", ("main", 10), ("hamburg", 4))
            .ReserveIn("order-1", new Dictionary<string, int> { ["hamburg"] = 3 }, _clock.Now.AddMinutes(30), _clock.Now)
            .Dispatch("tr-1", "main", "aachen", 6, null, "user_merch", _clock.Now);
        _inventory.Add(item);

        var row = (await Report()).Items.ShouldHaveSingleItem();

        row.Sku.ShouldBe("MUG-RED");
        row.Warehouses.ShouldBe([
            new WarehouseStockFigures("main", 4, 0, 4, 0, 0, false),
            new WarehouseStockFigures("hamburg", 4, 3, 1, 0, 0, false),
            new WarehouseStockFigures("aachen", 0, 0, 0, 6, 0, false),
        ]);
        row.Total.ShouldBe(new SkuStockTotals(8, 3, 5, 6, 0, false));
    }

    [Fact]
    public async Task Reservations_that_expired_hold_nothing()
    {
        _inventory.Add(Stock("MUG-RED", ("hamburg", 4))
            .ReserveIn("order-1", new Dictionary<string, int> { ["hamburg"] = 3 }, _clock.Now.AddSeconds(-1), _clock.Now.AddMinutes(-30)));

        var hamburg = (await Report()).Items.Single().Warehouses.Single(w => w.Warehouse == "hamburg");

        hamburg.Reserved.ShouldBe(0);
        hamburg.Available.ShouldBe(4);
    }

    [Fact]
    public async Task A_warehouse_filter_keeps_only_that_warehouse_and_the_skus_it_has()
    {
        _inventory.Add(Stock("MUG-RED", ("main", 10), ("hamburg", 4)));
        _inventory.Add(Stock("MUG-BLUE", ("main", 7)));

        var report = await Report(warehouse: "Hamburg");

        var row = report.Items.ShouldHaveSingleItem();
        row.Sku.ShouldBe("MUG-RED");
        row.Warehouses.Select(w => w.Warehouse).ShouldBe(["hamburg"]);
        row.Total.OnHand.ShouldBe(14);
    }

    [Fact]
    public async Task Low_only_lists_skus_low_in_the_warehouse_even_when_the_total_is_plenty()
    {
        _inventory.Add(Stock("MUG-RED", ("main", 100), ("hamburg", 2)).WithWarehouseThreshold("hamburg", 5) with { LowStockThreshold = 10 });
        _inventory.Add(Stock("MUG-BLUE", ("main", 100), ("hamburg", 50)).WithWarehouseThreshold("hamburg", 5));
        _inventory.Add(Stock("MUG-GREEN", ("main", 3)) with { LowStockThreshold = 10 });

        (await Report(warehouse: "hamburg", lowOnly: "true")).Items.Select(r => r.Sku).ShouldBe(["MUG-RED"]);
        (await Report(lowOnly: "true")).Items.Select(r => r.Sku).ShouldBe(["MUG-GREEN", "MUG-RED"]);
        var red = (await Report(warehouse: "hamburg")).Items.Single(r => r.Sku == "MUG-RED");
        red.Warehouses.Single().ShouldBe(new WarehouseStockFigures("hamburg", 2, 0, 2, 0, 5, true));
        red.Total.IsLow.ShouldBeFalse();
    }

    [Fact]
    public async Task Each_page_totals_its_rows_per_warehouse()
    {
        _inventory.Add(Stock("MUG-RED", ("main", 10), ("hamburg", 2)).WithWarehouseThreshold("hamburg", 5));
        _inventory.Add(Stock("MUG-BLUE", ("main", 7)));

        var report = await Report();

        report.Totals.ShouldBe([
            new WarehouseStockTotals("main", 2, 17, 0, 17, 0, 0),
            new WarehouseStockTotals("hamburg", 1, 2, 0, 2, 0, 1),
        ]);
    }

    [Fact]
    public async Task Pages_continue_until_every_sku_was_listed_once()
    {
        foreach (var n in Enumerable.Range(1, 5)) _inventory.Add(Stock($"SKU-{n}", ("main", n)));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Report(pageSize: "2", token: token);
            page.Items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.Items.Select(r => r.Sku));
            token = page.ContinuationToken;
            pages++;
        } while (token is not null);

        pages.ShouldBe(3);
        seen.ShouldBe(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"]);
    }

    [Fact]
    public async Task A_name_stock_still_holds_that_is_not_a_warehouse_is_listed_after_the_warehouses()
    {
        _inventory.Add(Stock("MUG-RED", ("backroom", 1), ("main", 2)));

        (await Report()).Items.Single().Warehouses.Select(w => w.Warehouse).ShouldBe(["main", "backroom"]);
    }

    [Theory]
    [InlineData(null, "yes", null, "lowOnly", "true or false")]
    [InlineData(null, null, "0", "pageSize", "between 1 and 100")]
    [InlineData(null, null, "101", "pageSize", "between 1 and 100")]
    [InlineData(null, null, "ten", "pageSize", "whole number")]
    [InlineData("nowhere", null, null, "warehouse", "no warehouse 'nowhere'")]
    public async Task Bad_parameters_are_refused_on_the_field_at_fault(string? warehouse, string? lowOnly, string? pageSize, string field, string message)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Report(warehouse, lowOnly, pageSize))).ShouldReport(field, message);
    }
}
