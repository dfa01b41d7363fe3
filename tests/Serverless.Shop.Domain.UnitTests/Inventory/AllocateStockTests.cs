using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>Checkout's allocation: units reserved in the warehouses chosen, all or nothing, never more than a warehouse has.</summary>
public sealed class AllocateStockTests
{
    private static readonly GeoPoint Berlin = new(52.52, 13.40);
    private static readonly GeoPoint Hanover = new(52.37, 9.73);
    private static readonly GeoPoint Munich = new(48.14, 11.58);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = new();
    private readonly FixedClock _clock = new();

    public AllocateStockTests()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("hanover", Hanover, ["DE"]));
        _warehouses.Put(InMemoryWarehouseStore.Sample("munich", Munich, ["DE"]));
    }

    private AllocateStock Allocate => new(_inventory, _warehouses, _clock);
    private ManageStock Stock => new(_inventory, _warehouses, new RecordingWorkQueue(), _clock);
    private DateTimeOffset Until => _clock.Now.AddMinutes(15);

    private void Stocked(string sku, params (string Warehouse, int Units)[] levels)
    {
        var item = StockItem.Empty(sku);
        foreach (var (warehouse, units) in levels) item = item.Apply("adj_" + warehouse, warehouse, units, AdjustmentReason.Count, null, "test", _clock.Now);
        _inventory.Add(item);
    }

    private Task<Allocation> Reserve(string id, params (string Sku, int Quantity)[] lines) =>
        Allocate.ReserveAsync(id, lines.Select(l => new ParcelItem(l.Sku, l.Quantity)).ToList(), "DE", Berlin, Until, CancellationToken.None);

    private StockItem Item(string sku) => _inventory.Current(sku)!.Value;

    [Fact]
    public async Task The_units_are_held_in_the_allocated_warehouse_and_the_allocation_says_where()
    {
        Stocked("MUG", ("hanover", 3), ("munich", 5));

        var allocation = await Reserve("ord_1", ("MUG", 2));

        allocation.Parcels.Single().WarehouseId.ShouldBe("hanover");
        allocation.Parcels[0].DistanceKm!.Value.ShouldBe(Hanover.DistanceKmTo(Berlin), 0.001);
        Item("MUG").HeldFor("ord_1", _clock.Now).ShouldBe(new Dictionary<string, int> { ["hanover"] = 2 });
        Item("MUG").AvailableIn("hanover", _clock.Now).ShouldBe(1);
        Item("MUG").Available(_clock.Now).ShouldBe(6);
    }

    [Fact]
    public async Task A_split_line_is_held_in_both_warehouses_with_one_write()
    {
        Stocked("MUG", ("hanover", 3), ("munich", 5));
        var savesBefore = _inventory.Saves;

        var allocation = await Reserve("ord_1", ("MUG", 7));

        allocation.UnitsOf("MUG").ShouldBe(new Dictionary<string, int> { ["hanover"] = 3, ["munich"] = 4 }, ignoreOrder: true);
        _inventory.Saves.ShouldBe(savesBefore + 1);
        Item("MUG").Available(_clock.Now).ShouldBe(1);
    }

    [Fact]
    public async Task A_repeat_returns_the_same_allocation_and_writes_nothing()
    {
        Stocked("MUG", ("hanover", 1), ("munich", 5));
        Stocked("CAP", ("munich", 5));
        var first = await Reserve("ord_1", ("MUG", 1), ("CAP", 1));
        var saves = _inventory.Saves;

        var again = await Reserve("ord_1", ("MUG", 1), ("CAP", 1));

        again.SameAs(first).ShouldBeTrue();
        _inventory.Saves.ShouldBe(saves);
        Item("MUG").Available(_clock.Now).ShouldBe(5);
    }

    [Fact]
    public async Task A_step_that_died_half_way_is_allocated_again_whole()
    {
        Stocked("CAP", ("munich", 5));
        Stocked("MUG", ("hanover", 5), ("munich", 5));
        // The first run held CAP in Hanover's neighbour... then died before MUG.
        _inventory.Add(Item("CAP").ReserveIn("ord_1", new Dictionary<string, int> { ["munich"] = 1 }, Until, _clock.Now));

        var allocation = await Reserve("ord_1", ("MUG", 1), ("CAP", 1));

        allocation.Parcels.Select(p => p.WarehouseId).ShouldBe(["munich"]);
        Item("MUG").HeldFor("ord_1", _clock.Now).ShouldBe(new Dictionary<string, int> { ["munich"] = 1 });
        Item("CAP").HeldFor("ord_1", _clock.Now).ShouldBe(new Dictionary<string, int> { ["munich"] = 1 });
        Item("CAP").Available(_clock.Now).ShouldBe(4);
    }

    [Fact]
    public async Task Too_few_units_in_the_warehouses_that_ship_to_the_country_name_the_line_and_hold_nothing()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("paris", null, ["FR"]));
        Stocked("CAP", ("hanover", 5));
        Stocked("MUG", ("hanover", 1), ("munich", 1), ("paris", 50));

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => Reserve("ord_1", ("CAP", 1), ("MUG", 3)));

        failure.Field.ShouldBe("lines[1].quantity");
        failure.Message.ShouldContain("Only 2 of MUG are available");
        Item("CAP").Reservations.ShouldBeEmpty();
        Item("MUG").Reservations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Bad_lines_are_refused_before_anything_is_read()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Reserve("bad id!", ("not a sku", 0)));

        failure.ShouldReport("reservationId");
        failure.ShouldReport("lines[0].sku");
        failure.ShouldReport("lines[0].quantity");
        _warehouses.Reads.ShouldBe(0);
    }

    [Fact]
    public async Task Committing_sells_from_the_allocated_warehouses_and_releasing_gives_the_units_back()
    {
        Stocked("MUG", ("hanover", 3), ("munich", 5));
        (await Reserve("ord_sold", ("MUG", 7))).UnitsOf("MUG").ShouldBe(new Dictionary<string, int> { ["hanover"] = 3, ["munich"] = 4 }, ignoreOrder: true);
        (await Reserve("ord_gone", ("MUG", 1))).UnitsOf("MUG").ShouldBe(new Dictionary<string, int> { ["munich"] = 1 });

        await Stock.CommitAsync("ord_sold", ["MUG"], CancellationToken.None);
        await Stock.ReleaseAsync("ord_gone", ["MUG"], CancellationToken.None);

        Item("MUG").OnHandIn("hanover").ShouldBe(0);
        Item("MUG").OnHandIn("munich").ShouldBe(1);
        Item("MUG").Reserved(_clock.Now).ShouldBe(0);
        Item("MUG").RecentAdjustments.Where(a => a.Reason == AdjustmentReason.Sold).Select(a => (a.Warehouse, a.Change)).ShouldBe([("hanover", -3), ("munich", -4)]);
        await Stock.CommitAsync("ord_sold", ["MUG"], CancellationToken.None);
        Item("MUG").TotalOnHand.ShouldBe(1);
    }

    [Fact]
    public async Task Many_checkouts_at_once_for_the_last_units_in_two_warehouses_never_oversell_either()
    {
        Stocked("MUG", ("hanover", 2), ("munich", 3));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await Task.Yield();
            try { return (await Reserve($"ord_{i}", ("MUG", 1))).UnitsOf("MUG"); }
            catch (Exception e) when (e is BusinessRuleViolationException or BusyResourceException) { return null; }
        }));

        var item = Item("MUG");
        item.ReservedIn("hanover", _clock.Now).ShouldBeLessThanOrEqualTo(2);
        item.ReservedIn("munich", _clock.Now).ShouldBeLessThanOrEqualTo(3);
        attempts.Count(a => a is not null).ShouldBe(item.Reserved(_clock.Now));
        item.Reserved(_clock.Now).ShouldBe(5);
        item.Available(_clock.Now).ShouldBe(0);
    }
}
