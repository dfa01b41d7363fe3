using System.Net;
using Serverless.Shop.Infrastructure.Payments;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>Checkouts that must be refused before any order exists, each with its status and the field at fault.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CheckoutBadInputTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    public static TheoryData<string, object, string> BadBodies => new()
    {
        { "no cart", new { email = "a@example.com", shippingAddress = CheckoutShopper.Address(), paymentMethod = "card", paymentToken = "pm_card_visa" }, "cartId" },
        { "bad email", new { cartId = "CART", email = "not-an-email", shippingAddress = CheckoutShopper.Address(), paymentMethod = "card", paymentToken = "pm_card_visa" }, "email" },
        { "no address", new { cartId = "CART", email = "a@example.com", paymentMethod = "card", paymentToken = "pm_card_visa" }, "shippingAddress" },
        { "bad postal code", new { cartId = "CART", email = "a@example.com", shippingAddress = CheckoutShopper.Address(postalCode: "ABCDEF"), paymentMethod = "card", paymentToken = "pm_card_visa" }, "shippingAddress.postalCode" },
        { "card without token", new { cartId = "CART", email = "a@example.com", shippingAddress = CheckoutShopper.Address(), paymentMethod = "card" }, "paymentToken" },
        { "no method", new { cartId = "CART", email = "a@example.com", shippingAddress = CheckoutShopper.Address() }, "paymentMethod" },
        { "relative return url", new { cartId = "CART", email = "a@example.com", shippingAddress = CheckoutShopper.Address(), paymentMethod = "eWallet", returnUrl = "/done" }, "returnUrl" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_checkout_with_bad_input_is_a_400_naming_the_field_and_places_no_order(string why, object body, string field)
    {
        var mug = await _shop.ProductInStockAsync(units: 2);
        var cart = await _shop.CartWithAsync(mug, 1);
        var json = System.Text.Json.JsonSerializer.Serialize(body).Replace("\"CART\"", $"\"{cart.Id}\"", StringComparison.Ordinal);

        var response = await _shop.Guest.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/checkouts")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            Headers = { { CheckoutShopper.CartTokenHeader, cart.Token } },
        });

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, field);
        (await _shop.StockAsync(mug.Sku)).GetProperty("reserved").GetInt32().ShouldBe(0, why);
        (await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unknown_payment_method_is_a_400_on_payment_method()
    {
        var mug = await _shop.ProductInStockAsync(units: 1);
        var cart = await _shop.CartWithAsync(mug, 1);
        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, method: "cash"));
        await ShouldBeProblem(placed.Response, HttpStatusCode.BadRequest, "paymentMethod");
    }

    [Fact]
    public async Task An_address_the_shop_does_not_ship_to_is_a_409_on_the_country()
    {
        var mug = await _shop.ProductInStockAsync(units: 1);
        var cart = await _shop.CartWithAsync(mug, 1);
        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, address: CheckoutShopper.Address(country: "AQ", postalCode: "9999")));
        await ShouldBeProblem(placed.Response, HttpStatusCode.Conflict, "shippingAddress.country");
    }

    [Fact]
    public async Task Without_the_cart_token_a_checkout_is_refused_and_with_a_wrong_one_the_cart_is_not_found()
    {
        var mug = await _shop.ProductInStockAsync(units: 1);
        var cart = await _shop.CartWithAsync(mug, 1);

        var noToken = await _shop.Guest.PostJsonAsync("api/checkouts", CheckoutShopper.Checkout(cart));
        var wrongToken = await _shop.CheckoutAsync(cart with { Token = "not-the-token" }, CheckoutShopper.Checkout(cart));

        noToken.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
        wrongToken.Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_empty_cart_cannot_be_checked_out()
    {
        var mug = await _shop.ProductInStockAsync(units: 1);
        var cart = await _shop.CartWithAsync(mug, 1);
        (await _shop.SendAsync(HttpMethod.Delete, $"api/carts/{cart.Id}/lines", cart.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart));

        await ShouldBeProblem(placed.Response, HttpStatusCode.Conflict, "cartId");
    }

    [Fact]
    public async Task More_than_the_stock_is_a_409_on_the_line_quantity_before_any_order_is_placed()
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var cart = await _shop.CartWithAsync(mug, 3);
        var adjust = await fixture.Client(Domain.Administration.ShopRoles.Merchandiser).PostJsonAsync($"api/inventory/{mug.Sku}/adjustments", new { quantity = -2, reason = "damaged" });
        adjust.StatusCode.ShouldBe(HttpStatusCode.OK);

        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart));

        await ShouldBeProblem(placed.Response, HttpStatusCode.Conflict, "lines[0].quantity");
    }

    [Fact]
    public async Task A_price_or_total_sent_by_the_client_is_ignored_and_the_server_price_is_charged()
    {
        var mug = await _shop.ProductInStockAsync(units: 2, price: 30.00m);
        var cart = await _shop.CartWithAsync(mug, 1);
        var body = new
        {
            cartId = cart.Id, email = "tamper@example.com", shippingAddress = CheckoutShopper.Address(), paymentMethod = "card", paymentToken = "pm_card_visa",
            total = new { amount = 0.01m, currency = "EUR" }, lines = new[] { new { sku = mug.Sku, price = 0.01m } },
        };

        var placed = await _shop.CheckoutAsync(cart, body);

        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        // Other tests' automatic promotions may discount the mug; the price still comes from the catalog, never from the body.
        var pricing = placed.Body.GetProperty("pricing");
        pricing.GetProperty("lines")[0].GetProperty("unitListPrice").GetProperty("amount").GetDecimal().ShouldBe(30.00m);
        var total = pricing.GetProperty("total").GetProperty("amount").GetDecimal();
        total.ShouldBeGreaterThan(1.00m);
        await _shop.FinishedAsync(placed.Number);
        var simulator = (LocalCardPaymentSimulator)fixture.Shop.Services.GetService(typeof(LocalCardPaymentSimulator))!;
        simulator.Payments.Single(p => p.OrderId == placed.Number).Amount.Amount.ShouldBe(total);
    }
}
