using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.IntegrationTests.Inventory;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// Checkout charges the fee of the warehouses the order ships from, at the service level chosen. The local host's
/// default zones: NL 4.95 and 0.50 per further kilogram; DE (eu) 9.95 and 1.00; express twice that. The test products
/// have no measurements, so a unit counts as a 6 000 cm³ shoebox (1.2 kg by volume: two started kilograms). Distance
/// bands: up to 50 km nothing, to 250 km 1.50, to 1 000 km 3.00. The warehouse <c>north</c> is in Hamburg; <c>main</c>
/// in Utrecht, about 370 km away.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CheckoutShippingFeeTests(LocalShopFixture fixture)
{
    private const string North = "north";
    private static readonly object HamburgBuyer = new { name = "Alex Example", line1 = "Mönckebergstraße 7", city = "Hamburg", postalCode = "20095", country = "DE" };

    private readonly CheckoutShopper _shop = new(fixture);

    private static object Body(CheckoutShopper.Cart cart, object address, string? shippingService = null) => new
    {
        cartId = cart.Id,
        email = $"{TestCatalog.Unique("buyer")}@example.com",
        shippingAddress = address,
        paymentMethod = "card",
        paymentToken = CheckoutShopper.VisaToken,
        returnUrl = "https://storefront.example/checkout/done",
        shippingService,
    };

    private static decimal Fee(JsonElement started) => started.GetProperty("shipping").GetProperty("fee").GetProperty("amount").GetDecimal();

    private async Task<Order> CompletedOrderAsync(CheckoutShopper.Placed placed)
    {
        (await _shop.CompletedAsync(placed.Number)).Result.ShouldBe(CheckoutResult.Completed);
        return (await fixture.Shop.Services.GetRequiredService<OrderQueries>().GetAsync(placed.Number, CancellationToken.None)).Value;
    }

    [Fact]
    public async Task An_order_near_a_second_warehouse_is_priced_from_it_and_ships_from_it()
    {
        await TestWarehouses.EnsureAsync(fixture, North);
        var kettle = await _shop.ProductInStockAsync(units: 3, warehouse: North);
        var cart = await _shop.CartWithAsync(kettle, 1);

        var placed = await _shop.CheckoutAsync(cart, Body(cart, HamburgBuyer));

        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        // From Hamburg to Hamburg: no distance surcharge. From Utrecht it would have been 3.00 more.
        Fee(placed.Body).ShouldBe(9.95m + 1.00m);
        var order = await CompletedOrderAsync(placed);
        order.Allocation.ShouldNotBeNull().Parcels.Select(p => p.WarehouseId).ShouldBe([North]);
        order.Pricing.ShippingFee.Amount.ShouldBe(9.95m + 1.00m);
    }

    [Fact]
    public async Task A_split_order_pays_each_parcel_s_fee_from_its_own_warehouse()
    {
        await TestWarehouses.EnsureAsync(fixture, North);
        var inHamburg = await _shop.ProductInStockAsync(units: 2, warehouse: North);
        var inUtrecht = await _shop.ProductInStockAsync(units: 2, warehouse: ManageStock.DefaultWarehouse);
        var cart = await _shop.CartWithAsync(inHamburg, 1);
        var added = await _shop.SendAsync(HttpMethod.Post, $"api/carts/{cart.Id}/lines", cart.Token, new { productId = inUtrecht.ProductId, sku = inUtrecht.Sku, quantity = 1 });
        added.StatusCode.ShouldBe(HttpStatusCode.OK, (await added.JsonAsync()).ToString());

        var placed = await _shop.CheckoutAsync(cart, Body(cart, HamburgBuyer));

        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        // Hamburg's parcel: 9.95 + 1.00; Utrecht's: 9.95 + 1.00 + 3.00 for the 370 km.
        Fee(placed.Body).ShouldBe((9.95m + 1.00m) + (9.95m + 1.00m + 3.00m));
        var order = await CompletedOrderAsync(placed);
        order.Allocation.ShouldNotBeNull().Parcels.Select(p => p.WarehouseId).Order().ShouldBe([ManageStock.DefaultWarehouse, North]);
    }

    [Fact]
    public async Task Express_costs_what_the_storefront_s_quote_offered_and_the_order_records_it()
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var cart = await _shop.CartWithAsync(mug, 1);
        var address = CheckoutShopper.Address();
        var options = await _shop.Guest.PostJsonAsync("api/shipping/options",
            new { address, items = new[] { new { productId = mug.ProductId, sku = mug.Sku, quantity = 1 } }, subtotal = new { amount = mug.Price, currency = "EUR" } });
        var offered = (await options.JsonAsync()).GetProperty("services").EnumerateArray()
            .Single(s => s.GetProperty("service").GetString() == "express").GetProperty("fee").GetProperty("amount").GetDecimal();

        var placed = await _shop.CheckoutAsync(cart, Body(cart, address, shippingService: "express"));

        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        offered.ShouldBe(2 * 4.95m + 2 * 0.50m); // Amsterdam from Utrecht: the first band
        Fee(placed.Body).ShouldBe(offered);
        placed.Body.GetProperty("shipping").GetProperty("service").GetString().ShouldBe("express");
        (await CompletedOrderAsync(placed)).ShippingQuote!.Service.ShouldBe("express");
    }

    [Fact]
    public async Task An_unknown_service_level_is_a_400_on_shipping_service_and_nothing_is_reserved()
    {
        var mug = await _shop.ProductInStockAsync(units: 1);
        var cart = await _shop.CartWithAsync(mug, 1);

        var placed = await _shop.CheckoutAsync(cart, Body(cart, CheckoutShopper.Address(), shippingService: "overnight"));

        await ShouldBeProblem(placed.Response, HttpStatusCode.BadRequest, "shippingService");
        (await _shop.StockAsync(mug.Sku)).GetProperty("reserved").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Stock_only_in_a_warehouse_that_does_not_ship_to_the_country_is_refused_on_the_line()
    {
        await TestWarehouses.EnsureAsync(fixture, "berlin-only-de", latitude: 52.52, longitude: 13.40, shipsTo: ["DE"]);
        var onlyForGermany = await _shop.ProductInStockAsync(units: 5, warehouse: "berlin-only-de");
        var cart = await _shop.CartWithAsync(onlyForGermany, 1);

        var placed = await _shop.CheckoutAsync(cart, Body(cart, CheckoutShopper.Address()));

        var problem = await ShouldBeProblem(placed.Response, HttpStatusCode.Conflict, "lines[0].quantity");
        problem.GetProperty("detail").GetString().ShouldBe($"Only 0 of {onlyForGermany.Sku} left; the cart asks for 1.");
    }
}
