using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Inventory;

/// <summary>
/// Allocation on the real stack (Cosmos DB emulator, real ETag conflicts, the checkout orchestration): the last units
/// spread over two warehouses are never oversold in either, and each order records where it ships from.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class AllocationConcurrencyTests(LocalShopFixture fixture)
{
    private const string Second = "north";
    private readonly CheckoutShopper _shop = new(fixture);
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private AllocateStock Allocate => fixture.Shop.Services.GetRequiredService<AllocateStock>();

    private async Task<CheckoutShopper.Variant> InTwoWarehousesAsync(int inMain, int inSecond)
    {
        await TestWarehouses.EnsureAsync(fixture, Second);
        var product = await _shop.ProductInStockAsync(units: inMain);
        var response = await _merchandiser.PostJsonAsync($"api/inventory/{product.Sku}/adjustments", new { warehouse = Second, quantity = inSecond, reason = "received" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
        return product;
    }

    private static int OnHand(System.Text.Json.JsonElement stock, string warehouse) =>
        stock.GetProperty("onHand").TryGetProperty(warehouse, out var q) ? q.GetInt32() : 0;

    [Fact]
    public async Task Twenty_reservations_at_once_for_five_units_in_two_warehouses_hold_exactly_five_and_neither_warehouse_more_than_it_has()
    {
        var mug = await InTwoWarehousesAsync(inMain: 2, inSecond: 3);

        var attempts = Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            Allocate.ReserveAsync(Ids.New("rsv"), [new ParcelItem(mug.Sku, 1)], "NL", null, DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None))).ToList();
        await Task.WhenAll(attempts).ContinueWith(_ => { }, TaskScheduler.Default);

        var failures = attempts.Where(a => !a.IsCompletedSuccessfully).Select(a => a.Exception!.InnerException!).ToList();
        failures.ShouldAllBe(e => e is BusinessRuleViolationException || e is BusyResourceException, string.Join("; ", failures.Select(f => f.Message)));
        var held = attempts.Where(a => a.IsCompletedSuccessfully).Select(a => a.Result.Parcels.Single().WarehouseId).ToList();
        held.Count(w => w == ManageStock.DefaultWarehouse).ShouldBeLessThanOrEqualTo(2);
        held.Count(w => w == Second).ShouldBeLessThanOrEqualTo(3);
        var stock = (await fixture.Shop.Services.GetRequiredService<IInventoryStore>().FindAsync(mug.Sku, CancellationToken.None))!.Value;
        var now = DateTimeOffset.UtcNow;
        stock.ReservedIn(ManageStock.DefaultWarehouse, now).ShouldBe(held.Count(w => w == ManageStock.DefaultWarehouse));
        stock.ReservedIn(Second, now).ShouldBe(held.Count(w => w == Second));
        // Every unit is held: a checkout that lost a race to one warehouse found the other.
        held.Count.ShouldBe(5, string.Join("; ", failures.Select(f => f.Message)));
    }

    [Fact]
    public async Task Twelve_buyers_for_the_last_five_units_in_two_warehouses_make_five_orders_each_sold_from_where_it_was_held()
    {
        var mug = await InTwoWarehousesAsync(inMain: 2, inSecond: 3);
        var carts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _shop.CartWithAsync(mug, 1)));

        var placed = await Task.WhenAll(carts.Select(c => _shop.CheckoutAsync(c, CheckoutShopper.Checkout(c))));

        placed.ShouldAllBe(p => p.Response.StatusCode == HttpStatusCode.Accepted || p.Response.StatusCode == HttpStatusCode.Conflict);
        var outcomes = await Task.WhenAll(placed.Where(p => p.Response.StatusCode == HttpStatusCode.Accepted)
            .Select(async p => (await _shop.FinishedAsync(p.Number)).ReadOutputAs<CheckoutOutcome>()!));
        var completed = outcomes.Where(o => o.Result == CheckoutResult.Completed).Select(o => o.OrderNumber).ToList();
        completed.Count.ShouldBe(5);
        var stock = await _shop.StockAsync(mug.Sku);
        OnHand(stock, ManageStock.DefaultWarehouse).ShouldBe(0);
        OnHand(stock, Second).ShouldBe(0);
        stock.GetProperty("reserved").GetInt32().ShouldBe(0);

        var orders = fixture.Shop.Services.GetRequiredService<OrderQueries>();
        var shippedFrom = new List<string>();
        foreach (var number in completed)
        {
            var allocation = (await orders.GetAsync(number, CancellationToken.None)).Value.Allocation;
            allocation.ShouldNotBeNull($"order {number} has no allocation");
            shippedFrom.Add(allocation.Parcels.Single().WarehouseId);
            allocation.Parcels[0].Items.ShouldBe([new ParcelItem(mug.Sku, 1)]);
        }
        shippedFrom.Count(w => w == ManageStock.DefaultWarehouse).ShouldBe(2);
        shippedFrom.Count(w => w == Second).ShouldBe(3);
    }
}
