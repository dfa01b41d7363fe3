using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Checkout;

namespace Serverless.Shop.IntegrationTests.Marketing.FlashSales;

/// <summary>A marketer's flash sale over HTTP: what product reads and carts show, scheduling, preview, extend, end early, results.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class FlashSaleApiTests(LocalShopFixture fixture)
{
    private readonly FlashSaleShopper _shop = new(fixture);

    [Fact]
    public async Task A_live_sale_shows_on_the_product_read_with_price_units_left_and_end_in_one_cosmos_db_call()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 20, price: 20.00m);
        var endsAt = DateTimeOffset.UtcNow.AddHours(2);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 12.50m, cap: 8, endsAt: endsAt));

        var (response, product) = await _shop.ProductAsync(mug.ProductId);

        response.CosmosCalls().ShouldBe(1);
        var sale = product.GetProperty("flashSales").EnumerateArray().ShouldHaveSingleItem();
        sale.GetProperty("saleId").GetString().ShouldBe(saleId);
        sale.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(endsAt, TimeSpan.FromMilliseconds(1));
        var variant = sale.GetProperty("variants").EnumerateArray().ShouldHaveSingleItem();
        variant.GetProperty("sku").GetString().ShouldBe(mug.Sku);
        variant.GetProperty("salePrice").GetProperty("amount").GetDecimal().ShouldBe(12.50m);
        variant.GetProperty("unitsLeft").GetInt32().ShouldBe(8);
    }

    [Fact]
    public async Task A_cart_line_of_a_sale_variant_costs_the_sale_price_and_the_regular_price_once_the_sale_is_ended_early()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 20, price: 20.00m);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 12.00m, cap: 5));
        var cart = await _shop.Checkout.CartWithAsync(mug, 2);

        var during = (await _shop.CartAsync(cart)).GetProperty("pricing");
        var line = during.GetProperty("lines")[0];
        line.GetProperty("unitSalePrice").GetProperty("amount").GetDecimal().ShouldBe(12.00m);
        line.GetProperty("flashSaleId").GetString().ShouldBe(saleId);
        // The subtotal is before promotions: other tests' automatic promotions may be live in the shared shop.
        during.GetProperty("subtotal").GetProperty("amount").GetDecimal().ShouldBe(24.00m);

        var ended = await _shop.Marketer.PostAsync($"api/flash-sales/{saleId}/end", null);
        ended.StatusCode.ShouldBe(HttpStatusCode.OK, (await ended.JsonAsync()).ToString());

        var after = (await _shop.CartAsync(cart)).GetProperty("pricing");
        after.GetProperty("lines")[0].TryGetProperty("flashSaleId", out _).ShouldBeFalse();
        after.GetProperty("subtotal").GetProperty("amount").GetDecimal().ShouldBe(40.00m);
        (await _shop.ProductAsync(mug.ProductId)).Product.TryGetProperty("flashSales", out _).ShouldBeFalse();
        var again = await _shop.Marketer.PostAsync($"api/flash-sales/{saleId}/end", null);
        await ProblemAssertions.ShouldBeProblem(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_sale_scheduled_ahead_is_hidden_from_shoppers_shown_to_staff_and_previewed_as_shoppers_will_see_it()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 20, price: 20.00m);
        var startsAt = DateTimeOffset.UtcNow.AddHours(3);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 15.00m, cap: 4, startsAt: startsAt, endsAt: startsAt.AddHours(1)));

        (await _shop.ProductAsync(mug.ProductId)).Product.TryGetProperty("flashSales", out _).ShouldBeFalse();
        (await _shop.ProductAsync(mug.ProductId, _shop.Marketer)).Product.GetProperty("flashSales").GetArrayLength().ShouldBe(1);
        var cart = await _shop.Checkout.CartWithAsync(mug, 1);
        (await _shop.CartAsync(cart)).GetProperty("pricing").GetProperty("subtotal").GetProperty("amount").GetDecimal().ShouldBe(20.00m);

        var during = await Preview(saleId, startsAt.AddMinutes(30));
        during.GetProperty("status").GetString().ShouldBe("live");
        var shown = during.GetProperty("products").EnumerateArray().ShouldHaveSingleItem().GetProperty("flashSales").EnumerateArray().ShouldHaveSingleItem();
        shown.GetProperty("variants")[0].GetProperty("salePrice").GetProperty("amount").GetDecimal().ShouldBe(15.00m);
        var before = await Preview(saleId, DateTimeOffset.UtcNow);
        before.GetProperty("status").GetString().ShouldBe("scheduled");
        before.GetProperty("products")[0].TryGetProperty("flashSales", out _).ShouldBeFalse();
        var badTime = await _shop.Marketer.GetAsync($"api/flash-sales/{saleId}/preview?at=tomorrow");
        await ProblemAssertions.ShouldBeProblem(badTime, HttpStatusCode.BadRequest, "at");
    }

    [Fact]
    public async Task Extending_a_sale_moves_its_end_on_the_product_and_an_earlier_end_is_refused()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 20, price: 20.00m);
        var endsAt = DateTimeOffset.UtcNow.AddHours(1);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 15.00m, cap: 4, endsAt: endsAt));

        var later = endsAt.AddHours(2);
        var extended = await _shop.Marketer.PostJsonAsync($"api/flash-sales/{saleId}/extend", new { endsAt = later });
        extended.StatusCode.ShouldBe(HttpStatusCode.OK, (await extended.JsonAsync()).ToString());

        (await _shop.ProductAsync(mug.ProductId)).Product.GetProperty("flashSales")[0].GetProperty("endsAt").GetDateTimeOffset().ShouldBe(later, TimeSpan.FromMilliseconds(1));
        var earlier = await _shop.Marketer.PostJsonAsync($"api/flash-sales/{saleId}/extend", new { endsAt = endsAt });
        await ProblemAssertions.ShouldBeProblem(earlier, HttpStatusCode.BadRequest, "endsAt");
        var sale = await (await _shop.Marketer.GetAsync($"api/flash-sales/{saleId}")).JsonAsync();
        sale.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(later, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Results_count_the_units_revenue_and_buyers_of_paid_sale_orders_and_a_declined_card_gives_its_units_back()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 20, price: 20.00m);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 10.00m, cap: 6, perCustomerLimit: 3));
        var paid = await Task.WhenAll(_shop.Checkout.CartWithAsync(mug, 2), _shop.Checkout.CartWithAsync(mug, 1));
        var declined = await _shop.Checkout.CartWithAsync(mug, 3);

        var placed = await Task.WhenAll(paid.Select(c => _shop.Checkout.PlaceAsync(c)));
        var refused = await _shop.Checkout.PlaceAsync(declined, token: "pm_card_chargeDeclined");
        foreach (var p in placed) (await _shop.Checkout.CompletedAsync(p.Number)).Result.ShouldBe(CheckoutResult.Completed);
        (await _shop.Checkout.FinishedAsync(refused.Number)).ReadOutputAs<CheckoutOutcome>()!.Result.ShouldBe(CheckoutResult.Cancelled);

        var results = await _shop.ResultsAsync(saleId);
        results.GetProperty("unitsSold").GetInt32().ShouldBe(3);
        results.GetProperty("orders").GetInt32().ShouldBe(2);
        results.GetProperty("buyers").GetInt32().ShouldBe(2);
        results.GetProperty("unitsHeld").GetInt32().ShouldBe(0);
        // Revenue is what the sale lines brought in, after any automatic promotion live in the shared shop: the paid
        // orders' own line totals (30.00 at the sale price when none is).
        var paidLines = placed.SelectMany(p => p.Body.GetProperty("pricing").GetProperty("lines").EnumerateArray()).Where(l => l.GetProperty("sku").GetString() == mug.Sku).ToList();
        paidLines.Sum(l => l.GetProperty("listTotal").GetProperty("amount").GetDecimal()).ShouldBe(30.00m);
        results.GetProperty("revenue").GetProperty("amount").GetDecimal().ShouldBe(paidLines.Sum(l => l.GetProperty("total").GetProperty("amount").GetDecimal()));
        results.GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32().ShouldBe(3);
        (await _shop.Checkout.StockAsync(mug.Sku)).GetProperty("totalOnHand").GetInt32().ShouldBe(17);
        var shown = (await _shop.ProductAsync(mug.ProductId)).Product.GetProperty("flashSales")[0].GetProperty("variants")[0];
        shown.GetProperty("unitsLeft").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task Staff_cancelling_a_paid_sale_order_gives_its_units_back_to_the_sale_once()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 20, price: 20.00m);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 10.00m, cap: 4, perCustomerLimit: 4));
        var placed = await _shop.Checkout.PlaceAsync(await _shop.Checkout.CartWithAsync(mug, 3));
        await _shop.Checkout.CompletedAsync(placed.Number);
        (await _shop.ResultsAsync(saleId)).GetProperty("unitsSold").GetInt32().ShouldBe(3);

        var support = fixture.Client(Domain.Administration.ShopRoles.Support);
        var cancelled = await support.PostJsonAsync($"api/orders/{placed.Number}/cancel", new { reason = "The customer called" });
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK, (await cancelled.JsonAsync()).ToString());

        // The order-events queue function runs the reaction a moment after the answer.
        var results = await HttpTestExtensions.EventuallyAsync(() => _shop.ResultsAsync(saleId), r => r.GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32() == 4);
        results.GetProperty("unitsSold").GetInt32().ShouldBe(0);
        results.GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32().ShouldBe(4);
        var again = await support.PostJsonAsync($"api/orders/{placed.Number}/cancel", new { reason = "The customer called" });
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await _shop.ResultsAsync(saleId)).GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32().ShouldBe(4, "a second cancellation gives nothing back twice");
    }

    [Fact]
    public async Task Shoppers_and_merchandisers_cannot_run_flash_sales()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 5);
        var body = FlashSaleShopper.Body(mug, 10.00m, cap: 2);
        (await _shop.Guest.PostJsonAsync("api/flash-sales", body)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.Client(Domain.Administration.ShopRoles.Merchandiser).PostJsonAsync("api/flash-sales", body)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _shop.Guest.GetAsync("api/flash-sales")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<JsonElement> Preview(string saleId, DateTimeOffset at)
    {
        var response = await _shop.Marketer.GetAsync($"api/flash-sales/{saleId}/preview?at={Uri.EscapeDataString(at.ToString("O"))}");
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }
}
