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
/// Discount codes and ship-to on a cart over real HTTP.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CartCodesAndShipToApiTests(LocalShopFixture fixture)
{
    private readonly CartApiShopper _shop = new(fixture);

    [Fact]
    public async Task Unknown_codes_are_refused_known_codes_that_do_not_apply_stay_with_the_reason_and_a_sixth_is_refused()
    {
        var marketer = fixture.Client(ShopRoles.Marketer);
        async Task<string> CodeAsync(object? eligibility = null)
        {
            var code = TestCatalog.Unique("C").ToUpperInvariant().Replace("-", "", StringComparison.Ordinal);
            var response = await marketer.PostJsonAsync("api/promotions", new { name = "Test " + code, kind = "percentOff", percent = 10, code, eligibility });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, (await response.JsonAsync()).ToString());
            return code;
        }
        var mug = await _shop.ProductInStockAsync(10, price: 20.00m);
        var (id, token) = await _shop.NewGuestCartAsync();
        await OkAsync(AddAsync(_shop.Guest, id, token, mug, 1));
        var (_, etag) = await _shop.GetAsync(id, token);

        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = "NO-SUCH-CODE" }), HttpStatusCode.BadRequest, "code");
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = "BAD CODE!" }), HttpStatusCode.BadRequest, "code");
        (await _shop.GetAsync(id, token)).ETag.ShouldBe(etag);

        var applies = await CodeAsync();
        var cart = await OkAsync(SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = applies.ToLowerInvariant() }));
        cart.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ShouldBe([applies]);
        // Automatic promotions other tests left live have no code; only coded ones are compared.
        cart.GetProperty("pricing").GetProperty("promotions").EnumerateArray().Select(p => p.TryGetProperty("code", out var c) ? c.GetString() : null).ShouldContain(applies);

        var needsMore = await CodeAsync(new { minimumSubtotal = new { amount = 500m, currency = "EUR" } });
        cart = await OkAsync(SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = needsMore }));
        cart.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ShouldBe([applies, needsMore]);
        var rejection = cart.GetProperty("pricing").GetProperty("rejectedCodes").EnumerateArray().ShouldHaveSingleItem();
        rejection.GetProperty("code").GetString().ShouldBe(needsMore);
        rejection.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();

        foreach (var _ in Enumerable.Range(0, 3)) await OkAsync(SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = await CodeAsync() }));
        var sixth = await CodeAsync();
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = sixth }), HttpStatusCode.Conflict, "code");
        (await _shop.GetAsync(id, token)).Cart.GetProperty("codes").GetArrayLength().ShouldBe(5);

        cart = await OkAsync(SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/codes/{needsMore.ToLowerInvariant()}", token));
        cart.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ShouldNotContain(needsMore);
        cart.GetProperty("pricing").GetProperty("rejectedCodes").GetArrayLength().ShouldBe(0);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/codes/{needsMore}", token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Where_the_cart_ships_is_set_and_checked()
    {
        var (id, token) = await _shop.NewGuestCartAsync();

        var cart = await OkAsync(SendAsync(_shop.Guest, HttpMethod.Put, $"api/carts/{id}/ship-to", token, new { country = "de", region = "by" }));
        cart.GetProperty("shipTo").GetProperty("country").GetString().ShouldBe("DE");
        cart.GetProperty("shipTo").GetProperty("region").GetString().ShouldBe("BY");

        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Put, $"api/carts/{id}/ship-to", token, new { country = "Germany" }), HttpStatusCode.BadRequest, "country");
        await ShouldBeProblem(await _shop.Guest.PostJsonAsync("api/carts", new { shipTo = new { country = "X" } }), HttpStatusCode.BadRequest, "shipTo.country");
        (await _shop.GetAsync(id, token)).Cart.GetProperty("shipTo").GetProperty("country").GetString().ShouldBe("DE");

        var withPlace = await _shop.Guest.PostJsonAsync("api/carts", new { shipTo = new { country = "AT" } });
        withPlace.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await withPlace.JsonAsync()).GetProperty("shipTo").GetProperty("country").GetString().ShouldBe("AT");
    }
}
