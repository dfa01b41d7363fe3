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
/// What each cart operation costs in Cosmos DB calls over real HTTP, measured against reading the cart.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CartCosmosCallsTests(LocalShopFixture fixture, ITestOutputHelper output)
{
    private readonly CartApiShopper _shop = new(fixture);

    [Fact]
    public async Task Each_cart_operation_costs_a_fixed_number_of_cosmos_db_calls_more_than_reading_the_cart()
    {
        var marketer = fixture.Client(ShopRoles.Marketer);
        var code = TestCatalog.Unique("B").ToUpperInvariant().Replace("-", "", StringComparison.Ordinal);
        (await marketer.PostJsonAsync("api/promotions", new { name = "Budget " + code, kind = "percentOff", percent = 5, code })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var red = await _shop.ProductInStockAsync(10);
        var blue = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        await OkAsync(AddAsync(_shop.Guest, id, token, red, 1));
        var lineId = (await _shop.GetAsync(id, token)).Cart.GetProperty("lines")[0].GetProperty("lineId").GetString()!;

        // Each operation against a read of the cart it leaves, so pricing's own reads (P) cancel out.
        async Task<(int Operation, int Read)> CostAsync(string name, Task<HttpResponseMessage> operation)
        {
            var done = await operation;
            done.StatusCode.ShouldBe(HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
            var read = await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{id}", token);
            output.WriteLine($"{name}: {done.CosmosCalls()} calls; reading the cart after it: {read.CosmosCalls()}");
            return (done.CosmosCalls(), read.CosmosCalls());
        }

        var add = await CostAsync("add a line", AddAsync(_shop.Guest, id, token, blue, 1));
        var update = await CostAsync("set a quantity", SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 2 }));
        var shipTo = await CostAsync("set ship-to", SendAsync(_shop.Guest, HttpMethod.Put, $"api/carts/{id}/ship-to", token, new { country = "DE" }));
        var addCode = await CostAsync("add a code", SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code }));
        var remove = await CostAsync("remove a line", SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/lines/{lineId}", token));

        // Reading: the cart, then pricing (P). Adding: cart, product, stock, write. Setting a quantity: cart, stock, write.
        (add.Operation - add.Read).ShouldBe(3);
        (update.Operation - update.Read).ShouldBe(2);
        (shipTo.Operation - shipTo.Read).ShouldBe(1);
        (addCode.Operation - addCode.Read).ShouldBe(2);
        (remove.Operation - remove.Read).ShouldBe(1);

        // A customer's cart: /me/cart first finds which cart is theirs (one point read).
        var alice = _shop.Customer(NewCustomerId());
        var created = await alice.PostAsync("api/carts", null);
        var customerCart = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var existing = await alice.PostAsync("api/carts", null);
        await OkAsync(AddAsync(alice, customerCart, null, red, 1));
        var byId = await alice.GetAsync($"api/carts/{customerCart}");
        var mine = await alice.GetAsync("api/me/cart");
        output.WriteLine($"customer: first cart {created.CosmosCalls()}, existing cart {existing.CosmosCalls()}, GET by id {byId.CosmosCalls()}, GET /me/cart {mine.CosmosCalls()}");
        (mine.CosmosCalls() - byId.CosmosCalls()).ShouldBe(1);
    }
}
