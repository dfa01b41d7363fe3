using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;
using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Inventory;

/// <summary>
/// A checkout ships from the warehouse nearest the address the geocoder places it at (the local host's bundled places):
/// the same product, in stock in Utrecht (main) and Hamburg, goes to a buyer in Hamburg from Hamburg and to a buyer in
/// Aachen from Utrecht.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class AllocationByDistanceTests(LocalShopFixture fixture)
{
    private const string Hamburg = "north";
    private readonly CheckoutShopper _shop = new(fixture);

    [Theory]
    [InlineData("Hamburg", "20095", Hamburg)]
    [InlineData("Aachen", "52062", ManageStock.DefaultWarehouse)]
    public async Task A_checkout_ships_from_the_warehouse_nearest_its_address(string city, string postalCode, string expected)
    {
        await TestWarehouses.EnsureAsync(fixture, Hamburg);
        var kettle = await _shop.ProductInStockAsync(units: 5);
        var stocked = await fixture.Client(ShopRoles.Merchandiser).PostJsonAsync($"api/inventory/{kettle.Sku}/adjustments", new { warehouse = Hamburg, quantity = 5, reason = "received" });
        stocked.StatusCode.ShouldBe(HttpStatusCode.OK, (await stocked.JsonAsync()).ToString());
        var cart = await _shop.CartWithAsync(kettle, 1);
        var address = new { name = "Alex Example", line1 = "Hauptstraße 1", city, postalCode, country = "DE" };

        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, address: address));

        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await placed.Response.Content.ReadAsStringAsync()));
        (await _shop.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!.Result.ShouldBe(CheckoutResult.Completed);
        var order = (await fixture.Shop.Services.GetRequiredService<OrderQueries>().GetAsync(placed.Number, CancellationToken.None)).Value;
        order.Allocation.ShouldNotBeNull().Parcels.Select(p => p.WarehouseId).ShouldBe([expected]);
    }
}
