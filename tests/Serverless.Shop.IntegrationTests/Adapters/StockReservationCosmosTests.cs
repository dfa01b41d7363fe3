using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>
/// Reservations through the real use case and the Cosmos DB adapter on the emulator, with real ETag conflicts: no
/// overselling when checkouts race. The checkout orchestration reserves; staff see the result at GET /api/inventory/{sku}.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class StockReservationCosmosTests(LocalShopFixture fixture)
{
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private ManageStock Stock => fixture.Shop.Services.GetRequiredService<ManageStock>();

    private static string NewSku() => TestCatalog.Unique("RSV").ToUpperInvariant();

    private static DateTimeOffset InFifteenMinutes => DateTimeOffset.UtcNow.AddMinutes(15);

    private static IReadOnlyList<ParcelItem> Lines(params (string Sku, int Quantity)[] lines) => lines.Select(l => new ParcelItem(l.Sku, l.Quantity)).ToList();

    private async Task ReceiveAsync(string sku, int quantity)
    {
        var response = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity, reason = "received" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    private async Task<JsonElement> StockAsync(string sku)
    {
        var response = await _merchandiser.GetAsync($"api/inventory/{sku}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<int> AvailableAsync(string sku) => (await Stock.GetAvailableAsync([sku], CancellationToken.None))[sku];

    private static string Summary(IEnumerable<Task> attempts) =>
        string.Join(", ", attempts.GroupBy(a => a.IsCompletedSuccessfully ? "ok" : a.Exception!.InnerException!.GetType().Name).Select(g => $"{g.Count()} x {g.Key}"));

    [Fact]
    public async Task Twenty_concurrent_checkouts_for_five_units_reserve_exactly_five()
    {
        var sku = NewSku();
        await ReceiveAsync(sku, 5);

        var attempts = Enumerable.Range(0, 20).Select(_ => Task.Run(() => Stock.ReserveAsync(Ids.New("rsv"), Lines((sku, 1)), InFifteenMinutes, CancellationToken.None))).ToList();
        await Task.WhenAll(attempts).ContinueWith(_ => { }, TaskScheduler.Default);

        attempts.Count(a => a.IsCompletedSuccessfully).ShouldBe(5, Summary(attempts));
        attempts.Where(a => !a.IsCompletedSuccessfully).ShouldAllBe(a => a.Exception!.InnerException is BusinessRuleViolationException, Summary(attempts));
        (await AvailableAsync(sku)).ShouldBe(0);

        var stock = await StockAsync(sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(5);
        stock.GetProperty("reserved").GetInt32().ShouldBe(5);
        stock.GetProperty("available").GetInt32().ShouldBe(0);
        var reservations = stock.GetProperty("reservations").EnumerateArray().ToList();
        reservations.Count.ShouldBe(5);
        reservations.ShouldAllBe(r => r.GetProperty("quantity").GetInt32() == 1 && r.GetProperty("id").GetString()!.StartsWith("rsv_"));
        stock.GetProperty("recentAdjustments").GetArrayLength().ShouldBe(1, "reserving does not adjust stock");
    }

    [Fact]
    public async Task Reservations_racing_a_delivery_both_land_and_never_reserve_more_than_is_on_hand()
    {
        var sku = NewSku();
        await ReceiveAsync(sku, 5);

        var reservations = Enumerable.Range(0, 10).Select(_ => Task.Run(() => Stock.ReserveAsync(Ids.New("rsv"), Lines((sku, 1)), InFifteenMinutes, CancellationToken.None))).ToList();
        var delivery = ReceiveAsync(sku, 5);
        await Task.WhenAll(reservations.Append(delivery)).ContinueWith(_ => { }, TaskScheduler.Default);

        delivery.IsCompletedSuccessfully.ShouldBeTrue(delivery.Exception?.ToString());
        var reserved = reservations.Count(r => r.IsCompletedSuccessfully);
        reserved.ShouldBeInRange(5, 10, Summary(reservations));
        var stock = await StockAsync(sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(10);
        stock.GetProperty("reserved").GetInt32().ShouldBe(reserved);
        stock.GetProperty("available").GetInt32().ShouldBe(10 - reserved);
    }

    [Fact]
    public async Task A_reservation_made_twice_holds_its_units_once()
    {
        var sku = NewSku();
        await ReceiveAsync(sku, 5);

        await Stock.ReserveAsync("rsv_twice", Lines((sku, 2)), InFifteenMinutes, CancellationToken.None);
        await Stock.ReserveAsync("rsv_twice", Lines((sku, 2)), InFifteenMinutes, CancellationToken.None);

        (await AvailableAsync(sku)).ShouldBe(3);
        (await StockAsync(sku)).GetProperty("reservations").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetString().ShouldBe("rsv_twice");
    }

    [Fact]
    public async Task Released_units_can_be_reserved_by_the_next_checkout()
    {
        var sku = NewSku();
        await ReceiveAsync(sku, 3);
        await Stock.ReserveAsync("rsv_first", Lines((sku, 3)), InFifteenMinutes, CancellationToken.None);
        await Should.ThrowAsync<BusinessRuleViolationException>(() => Stock.ReserveAsync("rsv_second", Lines((sku, 1)), InFifteenMinutes, CancellationToken.None));

        await Stock.ReleaseAsync("rsv_first", [sku], CancellationToken.None);
        await Stock.ReserveAsync("rsv_second", Lines((sku, 3)), InFifteenMinutes, CancellationToken.None);

        var stock = await StockAsync(sku);
        stock.GetProperty("reservations").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetString().ShouldBe("rsv_second");
        stock.GetProperty("available").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task An_order_with_one_short_sku_reserves_nothing()
    {
        var (plenty, scarce) = (NewSku(), NewSku());
        await ReceiveAsync(plenty, 10);
        await ReceiveAsync(scarce, 1);

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() =>
            Stock.ReserveAsync("rsv_order", Lines((plenty, 2), (scarce, 2)), InFifteenMinutes, CancellationToken.None));

        refusal.Field.ShouldBe("lines[1].quantity");
        refusal.Message.ShouldContain($"Only 1 of {scarce} is available");
        (await Stock.GetAvailableAsync([plenty, scarce], CancellationToken.None)).ShouldBe(new Dictionary<string, int> { [plenty] = 10, [scarce] = 1 });
        (await StockAsync(plenty)).GetProperty("reservations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Committing_three_times_writes_one_sold_adjustment()
    {
        var sku = NewSku();
        await ReceiveAsync(sku, 5);
        await Stock.ReserveAsync("ord_commit", Lines((sku, 2)), InFifteenMinutes, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Stock.CommitAsync("ord_commit", [sku], CancellationToken.None))));
        await Stock.CommitAsync("ord_commit", [sku], CancellationToken.None);

        var stock = await StockAsync(sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(3);
        stock.GetProperty("available").GetInt32().ShouldBe(3);
        stock.GetProperty("reservations").GetArrayLength().ShouldBe(0);
        var journal = await _merchandiser.GetAsync($"api/inventory/{sku}/adjustments?pageSize=100");
        var sales = (await journal.JsonAsync()).GetProperty("items").EnumerateArray().Where(a => a.GetProperty("reason").GetString() == "sold").ToList();
        var sale = sales.ShouldHaveSingleItem();
        sale.GetProperty("id").GetString().ShouldBe("ord_commit:sold:main");
        sale.GetProperty("change").GetInt32().ShouldBe(-2);
        sale.GetProperty("actor").GetString().ShouldBe("system:checkout");
    }

    [Fact]
    public async Task Expired_reservations_no_longer_count_and_are_forgotten_on_a_later_write()
    {
        var sku = NewSku();
        await ReceiveAsync(sku, 4);
        var clock = new SteppingClock(DateTimeOffset.UtcNow);
        var stock = new ManageStock(fixture.Shop.Services.GetRequiredService<IInventoryStore>(), fixture.Shop.Services.GetRequiredService<IWarehouseStore>(), fixture.Shop.Services.GetRequiredService<IWorkQueue>(), clock);
        await stock.ReserveAsync("rsv_abandoned", Lines((sku, 4)), clock.Now.AddMinutes(15), CancellationToken.None);
        (await stock.GetAvailableAsync([sku], CancellationToken.None))[sku].ShouldBe(0);

        clock.Advance(TimeSpan.FromMinutes(16));
        (await stock.GetAvailableAsync([sku], CancellationToken.None))[sku].ShouldBe(4);
        await stock.ReserveAsync("rsv_next", Lines((sku, 4)), clock.Now.AddMinutes(15), CancellationToken.None);

        clock.Advance(StockItem.ExpiredReservationsKept + TimeSpan.FromMinutes(16));
        await stock.ReserveAsync("rsv_later", Lines((sku, 1)), clock.Now.AddMinutes(15), CancellationToken.None);
        var stored = (await stock.GetAsync(sku, CancellationToken.None)).Value;
        stored.Reservations.Select(r => r.Id).ShouldBe(["rsv_later"], "the expired ones are pruned by the write");
    }

    [Fact]
    public async Task Reserving_and_committing_cost_two_cosmos_calls_per_sku_and_repeats_only_read()
    {
        var skus = new[] { NewSku(), NewSku(), NewSku() };
        foreach (var sku in skus) await ReceiveAsync(sku, 5);
        await Stock.GetAvailableAsync(skus, CancellationToken.None); // warms the SDK's caches
        var lines = Lines([.. skus.Select(s => (s, 1))]);

        async Task<int> Calls(Func<Task> operation)
        {
            var counter = CosmosCallCounter.BeginScope();
            await operation();
            return counter.Value;
        }

        (await Calls(() => Stock.ReserveAsync("ord_calls", lines, InFifteenMinutes, CancellationToken.None))).ShouldBe(2 * skus.Length);
        (await Calls(() => Stock.ReserveAsync("ord_calls", lines, InFifteenMinutes, CancellationToken.None))).ShouldBe(skus.Length);
        (await Calls(() => Stock.GetAvailableAsync(skus, CancellationToken.None))).ShouldBe(1);
        (await Calls(() => Stock.CommitAsync("ord_calls", skus, CancellationToken.None))).ShouldBe(2 * skus.Length);
        (await Calls(() => Stock.CommitAsync("ord_calls", skus, CancellationToken.None))).ShouldBe(skus.Length);
        (await Calls(() => Stock.ReleaseAsync("ord_calls", skus, CancellationToken.None))).ShouldBe(skus.Length);
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; private set; } = start;

        public void Advance(TimeSpan by) => Now += by;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
