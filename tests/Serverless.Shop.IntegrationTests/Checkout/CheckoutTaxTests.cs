using System.Net;
using System.Text.Json;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>Tax at checkout with the managed rates: a place without a rate is refused and told why; a rate set (even 0 %) is charged.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CheckoutTaxTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    private async Task<JsonElement> CartAsync(CheckoutShopper.Cart cart)
    {
        var response = await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Fact]
    public async Task A_checkout_to_a_country_the_shop_ships_to_but_has_no_tax_rate_for_is_a_409_on_the_country_and_places_no_order()
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var cart = await _shop.CartWithAsync(mug, 1);

        var email = $"{Http.TestCatalog.Unique("untaxed")}@example.com";

        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, email: email, address: CheckoutShopper.Address(country: "BE", postalCode: "1000", city: "Brussels")));

        var problem = await ShouldBeProblem(placed.Response, HttpStatusCode.Conflict, "shippingAddress.country");
        problem.GetProperty("detail").GetString()!.ShouldContain("no tax rate for BE");
        var orders = await (await _shop.Admin.GetAsync($"api/orders?email={Uri.EscapeDataString(email)}")).JsonAsync();
        orders.GetProperty("items").GetArrayLength().ShouldBe(0);
        (await _shop.StockAsync(mug.Sku)).GetProperty("reserved").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task A_rate_of_zero_set_on_purpose_lets_the_checkout_through_untaxed_and_a_new_rate_applies_at_once()
    {
        var admin = _shop.Admin;
        (await admin.PostJsonAsync("api/tax-rates", new { country = "NO", percent = 0 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var mug = await _shop.ProductInStockAsync(units: 3, price: 25.00m);
        var cart = await _shop.CartWithAsync(mug, 1);

        var placed = await _shop.PlaceAsync(cart, address: CheckoutShopper.Address(country: "NO", postalCode: "0150", city: "Oslo"));

        var pricing = placed.Body.GetProperty("pricing");
        pricing.GetProperty("taxTotal").GetProperty("amount").GetDecimal().ShouldBe(0m);
        pricing.GetProperty("lines")[0].GetProperty("taxRate").GetDecimal().ShouldBe(0m);

        (await admin.PostJsonAsync("api/tax-rates", new { country = "PT", percent = 23 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var portugal = await _shop.CartWithAsync(mug, 1);
        (await _shop.SendAsync(HttpMethod.Put, $"api/carts/{portugal.Id}/ship-to", portugal.Token, new { country = "PT" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var line = (await CartAsync(portugal)).GetProperty("pricing").GetProperty("lines")[0];
        line.GetProperty("taxRate").GetDecimal().ShouldBe(0.23m);
        // Other tests' automatic promotions may discount the line: the tax is 23 % of whatever it costs, tax included.
        var gross = line.GetProperty("total").GetProperty("amount").GetDecimal();
        line.GetProperty("tax").GetProperty("amount").GetDecimal().ShouldBe(Math.Round(gross * 0.23m / 1.23m, 2, MidpointRounding.AwayFromZero));
        line.GetProperty("tax").GetProperty("amount").GetDecimal().ShouldBeGreaterThan(0m);
    }

    [Fact]
    public async Task Carts_read_the_rate_table_once_after_it_changes_and_then_from_the_cache()
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var cart = await _shop.CartWithAsync(mug, 1);
        (await _shop.Admin.PostJsonAsync("api/tax-rates", new { country = "CY", percent = 19 })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var afterChange = await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token);
        var cached = await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token);

        // The write dropped this instance's cached table: the next pricing reads it (one point read), later ones do not.
        (afterChange.CosmosCalls() - cached.CosmosCalls()).ShouldBe(1);
    }

    [Fact]
    public async Task A_cart_shipping_to_a_place_without_a_rate_is_still_shown_and_warns_that_checkout_will_refuse_it()
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var cart = await _shop.CartWithAsync(mug, 1);

        var set = await _shop.SendAsync(HttpMethod.Put, $"api/carts/{cart.Id}/ship-to", cart.Token, new { country = "IS" });
        var body = await set.JsonAsync();
        set.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());

        var warning = body.GetProperty("warnings").EnumerateArray().ShouldHaveSingleItem();
        warning.GetProperty("kind").GetString().ShouldBe("no-tax-rate");
        warning.GetProperty("message").GetString()!.ShouldContain("no tax rate for IS");
        (await CartAsync(cart)).GetProperty("warnings")[0].GetProperty("kind").GetString().ShouldBe("no-tax-rate");
    }
}
