using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>Stock is booked into warehouses that exist and are active, and records a bin per warehouse.</summary>
public sealed class WarehouseStockTests
{
    private const string Sku = "MUG-RED";
    private static readonly Actor Merchandiser = new("user_merch", [ShopRoles.Merchandiser]);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = InMemoryWarehouseStore.WithMain();
    private readonly FixedClock _clock = new();

    private ManageStock Stock => new(_inventory, _warehouses, new RecordingWorkQueue(), _clock);

    private Task<Versioned<StockItem>> Receive(string? warehouse, int quantity = 5) =>
        Stock.AdjustAsync(Sku, new StockAdjustmentInput(warehouse, quantity, AdjustmentReason.Received, null), "adj_" + warehouse, Merchandiser, CancellationToken.None);

    [Fact]
    public async Task Stock_is_booked_into_a_known_active_warehouse()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("rotterdam", null, ["NL"]));

        (await Receive("rotterdam", 7)).Value.OnHandIn("rotterdam").ShouldBe(7);
    }

    [Fact]
    public async Task An_adjustment_without_a_warehouse_books_into_main()
    {
        (await Receive(null, 3)).Value.OnHandIn(ManageStock.DefaultWarehouse).ShouldBe(3);
    }

    [Fact]
    public async Task An_unknown_warehouse_is_a_validation_failure_on_the_warehouse_field_and_writes_nothing()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Receive("nowhere"));

        failure.ShouldReport("warehouse", "no warehouse 'nowhere'");
        _inventory.Current(Sku).ShouldBeNull();
    }

    [Fact]
    public async Task An_inactive_warehouse_refuses_bookings_with_a_conflict_on_the_warehouse_field()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("closed", null, ["NL"], active: false));

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => Receive("closed"));

        failure.Field.ShouldBe("warehouse");
        failure.Message.ShouldContain("inactive");
        _inventory.Current(Sku).ShouldBeNull();
    }

    [Fact]
    public async Task A_bin_is_recorded_per_warehouse_and_cleared_with_null()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("rotterdam", null, ["NL"]));
        await Receive("main");

        await Stock.SetBinAsync(Sku, "main", new StockBinInput("A-12-3"), CancellationToken.None);
        var both = await Stock.SetBinAsync(Sku, "ROTTERDAM", new StockBinInput(" R/4.1 "), CancellationToken.None);
        both.Value.Bins.ShouldBe(new Dictionary<string, string> { ["main"] = "A-12-3", ["rotterdam"] = "R/4.1" }, ignoreOrder: true);
        Stock.LevelOf(both).Value.Bins["main"].ShouldBe("A-12-3");

        var cleared = await Stock.SetBinAsync(Sku, "main", new StockBinInput(null), CancellationToken.None);
        cleared.Value.Bins.Keys.ShouldBe(["rotterdam"]);
    }

    [Theory]
    [InlineData("A 12")]
    [InlineData("bin;drop")]
    [InlineData("B-0123456789012345678901234567890123456789")]
    public async Task A_malformed_bin_is_refused_on_the_bin_field(string bin)
    {
        await Receive("main");

        (await Should.ThrowAsync<ValidationFailedException>(() => Stock.SetBinAsync(Sku, "main", new StockBinInput(bin), CancellationToken.None))).ShouldReport("bin");
        _inventory.Current(Sku)!.Value.Bins.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_bin_in_an_unknown_warehouse_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Stock.SetBinAsync(Sku, "nowhere", new StockBinInput("A-1"), CancellationToken.None));
    }
}
