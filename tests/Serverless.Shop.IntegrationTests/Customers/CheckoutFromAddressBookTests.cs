using System.Net;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Privacy;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>A signed-in customer checks out to an address of their book by id; a guest, someone else's id or an unknown one is refused before anything is written.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CheckoutFromAddressBookTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shopper = new(fixture);
    private readonly PrivacyShopper _privacy = new(fixture);

    private async Task<string> CustomerCartAsync(ProfileClient customer, CheckoutShopper.Variant variant)
    {
        var created = await customer.Http.PostAsync("api/carts", null);
        var cart = await created.JsonAsync();
        created.IsSuccessStatusCode.ShouldBeTrue(cart.ToString());
        var cartId = cart.GetProperty("id").GetString()!;
        var added = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{cartId}/lines", null, new { productId = variant.ProductId, sku = variant.Sku, quantity = 1 }, client: customer.Http);
        added.StatusCode.ShouldBe(HttpStatusCode.OK, (await added.JsonAsync()).ToString());
        return cartId;
    }

    private Task<HttpResponseMessage> CheckoutAsync(HttpClient client, string cartId, object? shippingAddress, string? shippingAddressId, string? cartToken = null) =>
        _shopper.SendAsync(HttpMethod.Post, "api/checkouts", cartToken, new
        {
            cartId, email = "book@example.com", shippingAddress, shippingAddressId, paymentMethod = "card", paymentToken = CheckoutShopper.VisaToken,
            returnUrl = "https://storefront.example/checkout/done",
        }, Guid.NewGuid().ToString(), client);

    private async Task WarmShippingAsync(CheckoutShopper.Variant variant, object address)
    {
        var quote = await _shopper.Guest.PostJsonAsync("api/shipping/options", new
        {
            address, items = new[] { new { sku = variant.Sku, quantity = 1 } }, subtotal = new { amount = variant.Price, currency = "EUR" },
        });
        quote.StatusCode.ShouldBe(HttpStatusCode.OK, await quote.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_order_ships_to_the_address_named_by_id_and_naming_it_costs_one_Cosmos_DB_call_more_than_typing_it()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("book"));
        var typed = ProfileClient.Address(name: "Typed Address", line1: "Damrak 2");
        await customer.AddedAddressIdAsync(ProfileClient.Address());
        var parentsId = await customer.AddedAddressIdAsync(ProfileClient.Address(name: "Sam's parents", line1: "Hauptstrasse 5", city: "Berlin", postalCode: "10115", country: "DE"));
        var variant = await _shopper.ProductInStockAsync(5);

        // A first checkout warms what the shop keeps in memory for a while (promotions and tax rates for 30 s, the
        // customer's data key for a minute), so the two measured requests differ only in how the address is given.
        var warmUp = await CheckoutAsync(customer.Http, await CustomerCartAsync(customer, variant), typed, null);
        await _shopper.CompletedAsync((await warmUp.JsonAsync()).GetProperty("orderNumber").GetString()!);
        // Waiting for a checkout to finish can take longer than those 30 s on a busy machine: right before each measured
        // request the cart's new line re-reads promotions and tax rates if they went stale, and a quote does the same for
        // the warehouses and the rate table (CI saw both stale: 2 calls more).
        var firstCart = await CustomerCartAsync(customer, variant);
        await WarmShippingAsync(variant, typed);
        var first = await CheckoutAsync(customer.Http, firstCart, typed, null);
        var firstNumber = (await first.JsonAsync()).GetProperty("orderNumber").GetString()!;
        await _shopper.CompletedAsync(firstNumber);
        var secondCart = await CustomerCartAsync(customer, variant);
        await WarmShippingAsync(variant, ProfileClient.Address(name: "Sam's parents", line1: "Hauptstrasse 5", city: "Berlin", postalCode: "10115", country: "DE"));
        var second = await CheckoutAsync(customer.Http, secondCart, null, parentsId);
        var body = await second.JsonAsync();
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        var number = body.GetProperty("orderNumber").GetString()!;
        await _shopper.CompletedAsync(number);

        var shipped = (await _privacy.StaffOrderAsync(number)).GetProperty("shippingAddress");
        shipped.GetProperty("name").GetString().ShouldBe("Sam's parents");
        shipped.GetProperty("line1").GetString().ShouldBe("Hauptstrasse 5");
        shipped.GetProperty("country").GetString().ShouldBe("DE");
        (second.CosmosCalls() - first.CosmosCalls()).ShouldBe(1, $"typed address: {first.CosmosCalls()} calls, address by id: {second.CosmosCalls()}");
    }

    [Fact]
    public async Task An_unknown_id_another_customers_id_a_guest_with_an_id_or_both_forms_at_once_is_a_400_on_shippingAddressId_and_places_no_order()
    {
        var (customer, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("nobook"));
        var (someoneElse, _) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("otherbook"));
        var mine = await customer.AddedAddressIdAsync(ProfileClient.Address());
        var theirs = await someoneElse.AddedAddressIdAsync(ProfileClient.Address(name: "Not yours"));
        var variant = await _shopper.ProductInStockAsync(5);
        var cartId = await CustomerCartAsync(customer, variant);

        await ShouldBeProblem(await CheckoutAsync(customer.Http, cartId, null, "addr_unknown"), HttpStatusCode.BadRequest, "shippingAddressId");
        await ShouldBeProblem(await CheckoutAsync(customer.Http, cartId, null, theirs), HttpStatusCode.BadRequest, "shippingAddressId");
        await ShouldBeProblem(await CheckoutAsync(customer.Http, cartId, null, ""), HttpStatusCode.BadRequest, "shippingAddressId");
        await ShouldBeProblem(await CheckoutAsync(customer.Http, cartId, ProfileClient.Address(), mine), HttpStatusCode.BadRequest, "shippingAddressId");
        var guestCart = await _shopper.CartWithAsync(variant, 1);
        await ShouldBeProblem(await CheckoutAsync(_shopper.Guest, guestCart.Id, null, mine, guestCart.Token), HttpStatusCode.BadRequest, "shippingAddressId");

        var orders = await (await customer.Http.GetAsync("api/me/orders")).JsonAsync();
        orders.GetProperty("items").GetArrayLength().ShouldBe(0);
        var cart = await customer.Http.GetAsync("api/me/cart");
        cart.StatusCode.ShouldBe(HttpStatusCode.OK, "the cart stays for the next try");
    }
}
