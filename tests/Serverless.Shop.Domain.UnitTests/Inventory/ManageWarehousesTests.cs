using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

public sealed class ManageWarehousesTests
{
    private readonly InMemoryWarehouseStore _store = new();
    private readonly InMemoryInventoryStore _inventory = new();
    private readonly FixedClock _clock = new();

    private ManageWarehouses Warehouses => new(_store, _inventory, _clock);

    private static WarehouseInput Rotterdam(string? name = "Rotterdam", string? id = null) => new(
        id, name, new ShippingAddress(null, "Waalhaven 1", null, "Rotterdam", "3089 JH", null, "NL", null),
        new GeoPointInput(51.8897, 4.4350), ["nl", "BE", "DE"], 10, true, new DispatchInput("14:30", "Europe/Amsterdam", ["2026-12-25", "2026-12-24"]));

    [Fact]
    public async Task A_warehouse_is_created_with_an_id_from_its_name_and_its_details_normalised()
    {
        var created = await Warehouses.CreateAsync(Rotterdam("Rotterdam Port"), CancellationToken.None);

        created.Id.ShouldBe("rotterdam-port");
        created.Address!.Name.ShouldBe("Rotterdam Port");
        created.Location.ShouldBe(new GeoPoint(51.8897, 4.4350));
        created.ShipsTo.ShouldBe(["BE", "DE", "NL"]);
        created.Priority.ShouldBe(10);
        created.Active.ShouldBeTrue();
        created.Dispatch.ShouldBe(new DispatchCalendar(new TimeOnly(14, 30), "Europe/Amsterdam", created.Dispatch.Holidays));
        created.Dispatch.Holidays.ShouldBe([new DateOnly(2026, 12, 24), new DateOnly(2026, 12, 25)]);
        (await Warehouses.GetAsync("rotterdam-port", CancellationToken.None)).ShouldBe(created);
    }

    [Fact]
    public async Task Warehouses_are_listed_by_priority()
    {
        await Warehouses.CreateAsync(Rotterdam("Late") with { Priority = 50 }, CancellationToken.None);
        await Warehouses.CreateAsync(Rotterdam("Early") with { Priority = 1 }, CancellationToken.None);

        (await Warehouses.ListAsync(CancellationToken.None)).Select(w => w.Id).ShouldBe(["early", "late"]);
    }

    [Fact]
    public async Task Every_mistake_is_reported_at_once_and_nothing_is_written()
    {
        var input = new WarehouseInput("Bad Id!", " ", new ShippingAddress(null, null, null, "X", "1", null, "XX", null),
            new GeoPointInput(91, -181), ["DE", "ZZ", "de", "EU"], -1, true, new DispatchInput("25:00", "Mars/Olympus", ["2026-02-30"]));

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Warehouses.CreateAsync(input, CancellationToken.None));

        foreach (var field in new[] { "id", "name", "address.line1", "address.country", "location.latitude", "location.longitude",
                     "shipsTo[1]", "shipsTo[2]", "shipsTo[3]", "priority", "dispatch.cutOff", "dispatch.timeZone", "dispatch.holidays[0]" })
            failure.ShouldReport(field);
        failure.ShouldNotReport("shipsTo[0]");
        _store.Saves.ShouldBe(0);
    }

    [Fact]
    public async Task Coordinates_and_countries_are_required()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            Warehouses.CreateAsync(Rotterdam() with { Location = new GeoPointInput(null, 4.4), ShipsTo = [] }, CancellationToken.None));

        failure.ShouldReport("location.latitude");
        failure.ShouldReport("shipsTo");
    }

    [Fact]
    public async Task A_windows_time_zone_name_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() =>
            Warehouses.CreateAsync(Rotterdam() with { Dispatch = new DispatchInput("14:00", "W. Europe Standard Time", null) }, CancellationToken.None)))
            .ShouldReport("dispatch.timeZone");
    }

    [Fact]
    public async Task A_second_warehouse_with_the_same_id_or_name_ignoring_case_is_a_duplicate()
    {
        await Warehouses.CreateAsync(Rotterdam(), CancellationToken.None);

        (await Should.ThrowAsync<DuplicateResourceException>(() => Warehouses.CreateAsync(Rotterdam("Elsewhere", id: "rotterdam"), CancellationToken.None))).Field.ShouldBe("id");
        (await Should.ThrowAsync<DuplicateResourceException>(() => Warehouses.CreateAsync(Rotterdam("ROTTERDAM", id: "rdam"), CancellationToken.None))).Field.ShouldBe("name");
        (await Warehouses.ListAsync(CancellationToken.None)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_replacement_needs_the_current_version_and_keeps_the_id_and_creation_time()
    {
        var created = await Warehouses.CreateAsync(Rotterdam(), CancellationToken.None);
        var later = new FixedClock(_clock.Now.AddHours(1));
        var warehouses = new ManageWarehouses(_store, _inventory, later);

        await Should.ThrowAsync<VersionRequiredException>(() => warehouses.ReplaceAsync("rotterdam", Rotterdam() with { Active = false }, null, CancellationToken.None));
        await Should.ThrowAsync<StaleVersionException>(() => warehouses.ReplaceAsync("rotterdam", Rotterdam() with { Active = false }, "old", CancellationToken.None));
        var replaced = await warehouses.ReplaceAsync("rotterdam", Rotterdam() with { Active = false }, created.Version, CancellationToken.None);

        replaced.Active.ShouldBeFalse();
        replaced.CreatedAt.ShouldBe(created.CreatedAt);
        replaced.UpdatedAt.ShouldBe(later.Now);
        replaced.Version.ShouldNotBe(created.Version);
        await Should.ThrowAsync<StaleVersionException>(() => warehouses.ReplaceAsync("rotterdam", Rotterdam(), created.Version, CancellationToken.None));
    }

    [Fact]
    public async Task A_replacement_cannot_change_the_id_or_take_another_warehouses_name()
    {
        var rotterdam = await Warehouses.CreateAsync(Rotterdam(), CancellationToken.None);
        await Warehouses.CreateAsync(Rotterdam("Venlo"), CancellationToken.None);

        (await Should.ThrowAsync<ValidationFailedException>(() => Warehouses.ReplaceAsync("rotterdam", Rotterdam(id: "other"), rotterdam.Version, CancellationToken.None))).ShouldReport("id");
        (await Should.ThrowAsync<DuplicateResourceException>(() => Warehouses.ReplaceAsync("rotterdam", Rotterdam("venlo"), rotterdam.Version, CancellationToken.None))).Field.ShouldBe("name");
        await Should.ThrowAsync<ResourceNotFoundException>(() => Warehouses.ReplaceAsync("nowhere", Rotterdam(), rotterdam.Version, CancellationToken.None));
    }

    [Fact]
    public async Task Two_warehouses_created_at_once_are_both_kept()
    {
        await Task.WhenAll(
            Warehouses.CreateAsync(Rotterdam("One"), CancellationToken.None),
            Warehouses.CreateAsync(Rotterdam("Two"), CancellationToken.None),
            Warehouses.CreateAsync(Rotterdam("Three"), CancellationToken.None));

        (await Warehouses.ListAsync(CancellationToken.None)).Select(w => w.Id).ShouldBe(["one", "three", "two"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("Berlin Nord", "berlin-nord")]
    [InlineData("  Köln / Süd  ", "koln-sud")]
    [InlineData("DC_7", "dc-7")]
    public void An_id_is_made_from_the_name(string name, string id) => ManageWarehouses.IdFrom(name).ShouldBe(id);

    [Fact]
    public async Task The_migration_makes_a_warehouse_of_every_free_form_name_once_and_rewrites_no_stock()
    {
        _inventory.Add(StockItem.Empty("MUG-RED").Apply("a1", "main", 5, AdjustmentReason.Count, null, "t", _clock.Now).Apply("a2", "berlin", 2, AdjustmentReason.Count, null, "t", _clock.Now));
        _inventory.Add(StockItem.Empty("MUG-BLUE").Apply("a3", "main", 1, AdjustmentReason.Count, null, "t", _clock.Now));
        var stockBefore = _inventory.Current("MUG-RED");
        await Warehouses.CreateAsync(Rotterdam("Berlin", id: "berlin"), CancellationToken.None);

        var first = await Warehouses.MigrateAsync(new WarehouseMigrationInput(["de", "NL"]), CancellationToken.None);
        var savesAfterFirst = _store.Saves;
        var second = await Warehouses.MigrateAsync(new WarehouseMigrationInput(["DE", "NL"]), CancellationToken.None);

        first.Created.ShouldBe(["main"]);
        first.AlreadyWarehouses.ShouldBe(["berlin"]);
        second.Created.ShouldBeEmpty();
        second.AlreadyWarehouses.ShouldBe(["berlin", "main"]);
        _store.Saves.ShouldBe(savesAfterFirst);
        var main = await Warehouses.GetAsync("main", CancellationToken.None);
        main.Active.ShouldBeTrue();
        main.Location.ShouldBeNull();
        main.Address.ShouldBeNull();
        main.ShipsTo.ShouldBe(["DE", "NL"]);
        _inventory.Current("MUG-RED").ShouldBe(stockBefore);
    }

    [Fact]
    public async Task The_migration_needs_real_country_codes()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Warehouses.MigrateAsync(new WarehouseMigrationInput(["DE", "UK"]), CancellationToken.None));

        failure.ShouldReport("shipsTo[1]");
        await Should.ThrowAsync<ValidationFailedException>(() => Warehouses.MigrateAsync(null, CancellationToken.None));
        _store.Saves.ShouldBe(0);
    }
}
