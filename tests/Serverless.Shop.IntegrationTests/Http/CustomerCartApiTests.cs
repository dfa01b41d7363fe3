using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Infrastructure.Common;
using Xunit.Abstractions;

using static Serverless.Shop.IntegrationTests.Http.CartApiShopper;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// Customer carts over real HTTP: one cart per customer that only they open (support reads it), and merging the guest
/// cart at sign-in.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerCartApiTests(LocalShopFixture fixture)
{
    private readonly CartApiShopper _shop = new(fixture);

    [Fact]
    public async Task A_customer_has_one_cart_that_only_they_can_open_and_support_can_read()
    {
        var mug = await _shop.ProductInStockAsync(10);
        var alice = _shop.Customer(NewCustomerId());
        var bob = _shop.Customer(NewCustomerId());

        await ShouldBeProblem(await alice.GetAsync("api/me/cart"), HttpStatusCode.NotFound);
        var first = await alice.PostAsync("api/carts", null);
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var firstBody = await first.JsonAsync();
        var id = firstBody.GetProperty("id").GetString()!;
        firstBody.TryGetProperty("cartToken", out _).ShouldBeFalse();
        var second = await alice.PostAsync("api/carts", null);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.JsonAsync()).GetProperty("id").GetString().ShouldBe(id);

        await OkAsync(AddAsync(alice, id, null, mug, 2));
        var mine = await OkAsync(alice.GetAsync("api/me/cart"));
        mine.GetProperty("id").GetString().ShouldBe(id);
        Lines(mine).ShouldBe([(mug.Sku, 2)]);

        await ShouldBeProblem(await SendAsync(bob, HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.NotFound);
        await ShouldBeProblem(await AddAsync(bob, id, null, mug, 1), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{id}", "any-token"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Guest.GetAsync("api/me/cart"), HttpStatusCode.Unauthorized);

        var support = fixture.Client(ShopRoles.Support);
        Lines((await _shop.GetAsync(id, null, support)).Cart).ShouldBe([(mug.Sku, 2)]);
        await ShouldBeProblem(await AddAsync(support, id, null, mug, 1), HttpStatusCode.NotFound);

        Lines((await _shop.GetAsync(id, null, alice)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task At_sign_in_the_guest_cart_is_merged_into_the_customers_and_deleted_and_merging_again_changes_nothing()
    {
        var red = await _shop.ProductInStockAsync(10);
        var blue = await _shop.ProductInStockAsync(10);
        var alice = _shop.Customer(NewCustomerId());
        var customerCart = await _shop.NewCustomerCartAsync(alice);
        await OkAsync(AddAsync(alice, customerCart, null, red, 1));
        var (guestCart, token) = await _shop.NewGuestCartAsync();
        await OkAsync(AddAsync(_shop.Guest, guestCart, token, red, 2));
        await OkAsync(AddAsync(_shop.Guest, guestCart, token, blue, 1));

        var merged = await OkAsync(alice.PostJsonAsync($"api/carts/{customerCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }));

        merged.GetProperty("id").GetString().ShouldBe(customerCart);
        Lines(merged).ShouldBe([(red.Sku, 3), (blue.Sku, 1)]);
        Amount(merged.GetProperty("pricing").GetProperty("lines")[0].GetProperty("listTotal")).ShouldBe(59.70m);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{guestCart}", token), HttpStatusCode.NotFound);

        var again = await OkAsync(alice.PostJsonAsync($"api/carts/{customerCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }));
        Lines(again).ShouldBe([(red.Sku, 3), (blue.Sku, 1)]);
    }

    [Fact]
    public async Task A_merge_with_a_wrong_token_or_into_someone_elses_cart_is_not_found_and_a_guest_cannot_merge()
    {
        var red = await _shop.ProductInStockAsync(10);
        var alice = _shop.Customer(NewCustomerId());
        var bob = _shop.Customer(NewCustomerId());
        var aliceCart = await _shop.NewCustomerCartAsync(alice);
        var (guestCart, token) = await _shop.NewGuestCartAsync();
        await OkAsync(AddAsync(_shop.Guest, guestCart, token, red, 2));

        await ShouldBeProblem(await alice.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart, sourceCartToken = "wrong" }), HttpStatusCode.NotFound);
        await ShouldBeProblem(await bob.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Guest.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await alice.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart }), HttpStatusCode.BadRequest, "sourceCartToken");
        await ShouldBeProblem(await alice.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = aliceCart, sourceCartToken = token }), HttpStatusCode.BadRequest, "sourceCartId");

        Lines((await _shop.GetAsync(guestCart, token)).Cart).ShouldBe([(red.Sku, 2)]);
        (await _shop.GetAsync(aliceCart, null, alice)).Cart.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }
}
