using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Checkout;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>POST /api/me/guest-data/claim: a new account takes over the guest cart and the guest orders of its verified email.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class GuestDataClaimTests(LocalShopFixture fixture)
{
    private const string ClaimRoute = "api/me/guest-data/claim";
    private readonly LocalCustomerAccounts _accounts = new(fixture);
    private readonly CheckoutShopper _shopper = new(fixture);
    private IOrderStore Orders => fixture.Shop.Services.GetRequiredService<IOrderStore>();

    private async Task<string> GuestOrderAsync(CheckoutShopper.Variant variant, string email)
    {
        var cart = await _shopper.CartWithAsync(variant, 1);
        var placed = await _shopper.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, email: email));
        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        await _shopper.CompletedAsync(placed.Number);
        return placed.Number;
    }

    private static Task<HttpResponseMessage> ClaimAsync(HttpClient customer, string? cartId = null, string? cartToken = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ClaimRoute) { Content = JsonContent(new { cartId }) };
        if (cartToken is not null) request.Headers.Add(CheckoutShopper.CartTokenHeader, cartToken);
        return customer.SendAsync(request);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static List<string> Numbers(JsonElement body, string property) => body.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToList();

    [Fact]
    public async Task The_guest_cart_and_the_guest_orders_of_the_verified_email_join_the_new_account_once()
    {
        var email = LocalCustomerAccounts.NewEmail("guest");
        var variant = await _shopper.ProductInStockAsync(10);
        var first = await GuestOrderAsync(variant, email);
        var second = await GuestOrderAsync(variant, email.ToUpperInvariant());
        var otherGuests = await GuestOrderAsync(variant, LocalCustomerAccounts.NewEmail("someone-else"));
        var guestCart = await _shopper.CartWithAsync(variant, 2);
        var customer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(email));

        var claim = await ClaimAsync(customer, guestCart.Id, guestCart.Token);
        var body = await claim.JsonAsync();
        var replay = await ClaimAsync(customer);
        var replayBody = await replay.JsonAsync();
        var myOrders = await (await customer.GetAsync("api/me/orders")).JsonAsync();

        claim.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        Numbers(body, "claimedOrders").ShouldBe([first, second], ignoreOrder: true);
        body.GetProperty("cart").GetProperty("lines").EnumerateArray().Single().GetProperty("sku").GetString().ShouldBe(variant.Sku);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK, replayBody.ToString());
        Numbers(replayBody, "claimedOrders").ShouldBeEmpty();
        Numbers(replayBody, "ordersAlreadyYours").ShouldBe([first, second], ignoreOrder: true);
        myOrders.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("number").GetString()).ShouldBe([first, second], ignoreOrder: true);
        (await Orders.FindAsync(otherGuests, CancellationToken.None))!.Value.CustomerId.ShouldBeNull();
        // The guest cart is gone (merged), so its token opens nothing any more.
        (await _shopper.SendAsync(HttpMethod.Get, $"api/carts/{guestCart.Id}", guestCart.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_customers_order_with_the_same_email_never_moves()
    {
        var email = LocalCustomerAccounts.NewEmail("shared");
        var variant = await _shopper.ProductInStockAsync(5);
        var number = await GuestOrderAsync(variant, email);
        await GiveToAnotherCustomerAsync(number);
        var customer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(email));

        var claim = await ClaimAsync(customer);
        var body = await claim.JsonAsync();

        claim.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        Numbers(body, "claimedOrders").ShouldBeEmpty();
        Numbers(body, "ordersAlreadyYours").ShouldBeEmpty();
        (await Orders.FindAsync(number, CancellationToken.None))!.Value.CustomerId.ShouldBe("another-customer");
    }

    // The order's events are still being sent (their email claims and records write the order), so the write is
    // retried on a fresh read as the shop's own writes are.
    private async Task GiveToAnotherCustomerAsync(string number)
    {
        for (var attempt = 1; ; attempt++)
        {
            var order = (await Orders.FindAsync(number, CancellationToken.None))!;
            try
            {
                await Orders.SaveAsync(order.Value with { CustomerId = "another-customer" }, order.Version, CancellationToken.None);
                return;
            }
            catch (StaleVersionException) when (attempt < 10)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task A_sign_in_without_a_verified_email_claims_nothing()
    {
        var variant = await _shopper.ProductInStockAsync(5);
        var guestCart = await _shopper.CartWithAsync(variant, 1);
        // A developer token with the customer role: signed in, but no customer authority vouches for any email.
        var customer = fixture.Client(ShopRoles.Customer);

        var claim = await ClaimAsync(customer, guestCart.Id, guestCart.Token);

        var problem = await ProblemAssertions.ShouldBeProblem(claim, HttpStatusCode.Forbidden, "email");
        problem.GetProperty("type").GetString().ShouldEndWith("email-not-verified");
        (await _shopper.SendAsync(HttpMethod.Get, $"api/carts/{guestCart.Id}", guestCart.Token)).StatusCode.ShouldBe(HttpStatusCode.OK, "the guest cart was not taken");
    }

    [Fact]
    public async Task A_guest_cart_with_a_wrong_token_or_someone_elses_cart_is_not_found_and_no_order_moves()
    {
        var email = LocalCustomerAccounts.NewEmail("careful");
        var variant = await _shopper.ProductInStockAsync(5);
        var number = await GuestOrderAsync(variant, email);
        var guestCart = await _shopper.CartWithAsync(variant, 1);
        var otherCustomer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(LocalCustomerAccounts.NewEmail("owner")));
        var othersCart = (await (await otherCustomer.PostAsync("api/carts", null)).JsonAsync()).GetProperty("id").GetString()!;
        var customer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(email));

        var wrongToken = await ClaimAsync(customer, guestCart.Id, "not-the-token");
        var someoneElses = await ClaimAsync(customer, othersCart, "any-token");

        await ProblemAssertions.ShouldBeProblem(wrongToken, HttpStatusCode.NotFound);
        await ProblemAssertions.ShouldBeProblem(someoneElses, HttpStatusCode.NotFound);
        (await Orders.FindAsync(number, CancellationToken.None))!.Value.CustomerId.ShouldBeNull("the cart is checked before any order moves");
        (await _shopper.SendAsync(HttpMethod.Get, $"api/carts/{guestCart.Id}", guestCart.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bad_input_is_a_problem_naming_the_field()
    {
        var customer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(LocalCustomerAccounts.NewEmail("input")));

        var cartWithoutToken = await ClaimAsync(customer, "crt_anything");
        var tokenWithoutCart = await ClaimAsync(customer, cartToken: "a-token");
        var notJson = await customer.PostAsync(ClaimRoute, new StringContent("cartId=1", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        var anonymous = await ClaimAsync(fixture.Client());

        await ProblemAssertions.ShouldBeProblem(cartWithoutToken, HttpStatusCode.BadRequest, "Cart-Token");
        await ProblemAssertions.ShouldBeProblem(tokenWithoutCart, HttpStatusCode.BadRequest, "cartId");
        await ProblemAssertions.ShouldBeProblem(notJson, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssertions.ShouldBeProblem(anonymous, HttpStatusCode.Unauthorized);
    }
}
