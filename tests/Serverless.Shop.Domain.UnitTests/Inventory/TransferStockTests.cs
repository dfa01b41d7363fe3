using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>Transfers between warehouses: in transit, units are available in neither warehouse; each half is an audited adjustment.</summary>
public sealed class TransferStockTests
{
    private const string Sku = "MUG-RED";
    private static readonly Actor Merchandiser = new("user_merch", [ShopRoles.Merchandiser]);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryWarehouseStore _warehouses = InMemoryWarehouseStore.WithMain();
    private readonly FixedClock _clock = new();

    public TransferStockTests()
    {
        _warehouses.Put(InMemoryWarehouseStore.Sample("north", new GeoPoint(53.55, 9.99), ["DE"]));
        _warehouses.Put(InMemoryWarehouseStore.Sample("closed", null, ["DE"], active: false));
        _inventory.Add(StockItem.Empty(Sku).Apply("adj_count", "main", 10, AdjustmentReason.Count, null, "user_merch", _clock.Now));
    }

    private ManageStock Stock => new(_inventory, _warehouses, new RecordingWorkQueue(), _clock);
    private TransferStock Transfers => new(Stock, _warehouses, _clock);
    private StockItem Item => _inventory.Current(Sku)!.Value;

    private Task<Versioned<StockItem>> Dispatch(int quantity, string from = "main", string to = "north", string id = "trf_1") =>
        Transfers.DispatchAsync(Sku, new StockTransferInput(from, to, quantity, "restock north"), id, Merchandiser, CancellationToken.None);

    [Fact]
    public async Task Dispatched_units_are_in_transit_and_available_in_neither_warehouse_until_received()
    {
        await Dispatch(4);

        Item.OnHandIn("main").ShouldBe(6);
        Item.OnHandIn("north").ShouldBe(0);
        Item.Available(_clock.Now).ShouldBe(6);
        Item.AvailableIn("north", _clock.Now).ShouldBe(0);
        Item.InTransit.ShouldBe([new StockInTransit("trf_1", "main", "north", 4, _clock.Now, "user_merch", "restock north")]);
        Item.InTransitTo("north").ShouldBe(4);

        await Transfers.ReceiveAsync(Sku, "trf_1", Merchandiser, CancellationToken.None);

        Item.OnHandIn("main").ShouldBe(6);
        Item.OnHandIn("north").ShouldBe(4);
        Item.InTransit.ShouldBeEmpty();
        Item.RecentAdjustments.Skip(1).Select(a => (a.Id, a.Warehouse, a.Change, a.Reason, a.Actor)).ShouldBe([
            ("trf_1:out", "main", -4, AdjustmentReason.TransferOut, "user_merch"),
            ("trf_1:in", "north", 4, AdjustmentReason.TransferIn, "user_merch")]);
    }

    [Fact]
    public async Task Dispatching_or_receiving_again_changes_nothing()
    {
        await Dispatch(4);
        await Dispatch(4);
        Item.OnHandIn("main").ShouldBe(6);

        await Transfers.ReceiveAsync(Sku, "trf_1", Merchandiser, CancellationToken.None);
        await Transfers.ReceiveAsync(Sku, "trf_1", Merchandiser, CancellationToken.None);
        await Dispatch(4);

        Item.OnHandIn("north").ShouldBe(4);
        Item.OnHandIn("main").ShouldBe(6);
    }

    [Fact]
    public async Task A_transfer_of_more_than_is_on_hand_or_of_units_held_for_checkouts_is_refused_and_moves_nothing()
    {
        (await Should.ThrowAsync<BusinessRuleViolationException>(() => Dispatch(11))).Field.ShouldBe("quantity");
        _inventory.Add(Item.ReserveIn("ord_1", new Dictionary<string, int> { ["main"] = 7 }, _clock.Now.AddMinutes(15), _clock.Now));

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => Dispatch(4));

        failure.Message.ShouldContain("3 can be transferred");
        Item.OnHandIn("main").ShouldBe(10);
        Item.InTransit.ShouldBeEmpty();
    }

    [Fact]
    public async Task Bad_transfers_name_their_field()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Dispatch(0, to: "main"))).ShouldReport("to").ShouldReport("quantity");
        (await Should.ThrowAsync<ValidationFailedException>(() => Dispatch(1, from: "nowhere"))).ShouldReport("from");
        (await Should.ThrowAsync<ValidationFailedException>(() => Dispatch(1, to: "nowhere"))).ShouldReport("to");
        (await Should.ThrowAsync<BusinessRuleViolationException>(() => Dispatch(1, to: "closed"))).Field.ShouldBe("to");
        await Should.ThrowAsync<ResourceNotFoundException>(() => Transfers.ReceiveAsync(Sku, "trf_unknown", Merchandiser, CancellationToken.None));
        Item.OnHandIn("main").ShouldBe(10);
    }

    [Fact]
    public async Task A_count_after_receipt_books_the_variance()
    {
        await Dispatch(4);
        await Transfers.ReceiveAsync(Sku, "trf_1", Merchandiser, CancellationToken.None);

        await Stock.AdjustAsync(Sku, new StockAdjustmentInput("north", 3, AdjustmentReason.Count, "one broken in transit"), "adj_cycle", Merchandiser, CancellationToken.None);

        var count = Item.RecentAdjustments[^1];
        (count.Warehouse, count.Change, count.OnHandAfter).ShouldBe(("north", -1, 3));
    }
}
