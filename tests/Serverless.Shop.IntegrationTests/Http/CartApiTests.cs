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
/// Carts over real HTTP on the local stack: guest carts with their token, lines with stock checks, expiry, prices always
/// computed by the server, concurrent and retried adds, and bad input that leaves nothing behind.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CartApiTests(LocalShopFixture fixture)
{
    private readonly CartApiShopper _shop = new(fixture);

    [Fact]
    public async Task A_guest_fills_a_cart_and_every_answer_is_the_cart_priced_by_the_server()
    {
        var mug = await _shop.ProductInStockAsync(20, price: 19.90m);

        var created = await _shop.Guest.PostAsync("api/carts", null);
        var cart = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, cart.ToString());
        var id = cart.GetProperty("id").GetString()!;
        var token = cart.GetProperty("cartToken").GetString()!;
        created.Headers.Location!.ToString().ShouldBe($"/api/carts/{id}");
        created.Headers.ETag.ShouldNotBeNull();
        id.ShouldStartWith("cart_");
        cart.GetProperty("lines").GetArrayLength().ShouldBe(0);
        cart.GetProperty("currency").GetString().ShouldBe("EUR");
        cart.TryGetProperty("tokenHash", out _).ShouldBeFalse();
        cart.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(DateTimeOffset.UtcNow.AddDays(30), TimeSpan.FromMinutes(5));
        Amount(cart.GetProperty("pricing").GetProperty("total")).ShouldBe(0m);

        var added = await OkAsync(AddAsync(_shop.Guest, id, token, mug, 2));
        Lines(added).ShouldBe([(mug.Sku, 2)]);
        var priced = added.GetProperty("pricing").GetProperty("lines")[0];
        Amount(priced.GetProperty("unitListPrice")).ShouldBe(19.90m);
        Amount(priced.GetProperty("listTotal")).ShouldBe(39.80m);
        priced.GetProperty("lineId").GetString().ShouldBe(added.GetProperty("lines")[0].GetProperty("lineId").GetString());

        var again = await OkAsync(AddAsync(_shop.Guest, id, token, mug, 1));
        Lines(again).ShouldBe([(mug.Sku, 3)]);
        Amount(again.GetProperty("pricing").GetProperty("lines")[0].GetProperty("listTotal")).ShouldBe(59.70m);

        var (read, _) = await _shop.GetAsync(id, token);
        Lines(read).ShouldBe([(mug.Sku, 3)]);
        read.TryGetProperty("cartToken", out _).ShouldBeFalse();
        var lineId = read.GetProperty("lines")[0].GetProperty("lineId").GetString()!;

        Lines(await OkAsync(SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 5 })))
            .ShouldBe([(mug.Sku, 5)]);
        (await OkAsync(SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 0 })))
            .GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_price_or_total_sent_by_the_client_is_ignored()
    {
        var mug = await _shop.ProductInStockAsync(10, price: 25.00m);
        var (id, token) = await _shop.NewGuestCartAsync();

        var tampered = await OkAsync(SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/lines", token, rawJson:
            $$"""{"productId":"{{mug.ProductId}}","sku":"{{mug.Sku}}","quantity":2,"price":{"amount":0.01,"currency":"EUR"},"unitPrice":0.01,"total":0.01,"pricing":{"total":{"amount":0.01,"currency":"EUR"} } }"""));
        var lineId = tampered.GetProperty("lines")[0].GetProperty("lineId").GetString()!;
        await OkAsync(SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, rawJson: """{"quantity":3,"price":0.01,"listTotal":{"amount":0.03,"currency":"EUR"}}"""));

        var (cart, _) = await _shop.GetAsync(id, token);
        var line = cart.GetProperty("pricing").GetProperty("lines")[0];
        Amount(line.GetProperty("unitListPrice")).ShouldBe(25.00m);
        Amount(line.GetProperty("listTotal")).ShouldBe(75.00m);
        Amount(cart.GetProperty("pricing").GetProperty("subtotal")).ShouldBeGreaterThanOrEqualTo(75.00m);
        var stored = (await _shop.CartsContainer.ReadItemAsync<JsonObject>(id, new PartitionKey(id))).Resource.ToJsonString();
        stored.ShouldNotContain("0.01");
    }

    [Fact]
    public async Task A_guest_without_the_cart_token_gets_401_and_with_a_wrong_token_404_as_for_a_cart_that_does_not_exist()
    {
        var mug = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        var (other, _) = await _shop.NewGuestCartAsync();
        var (_, etag) = await _shop.GetAsync(id, token);

        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, "api/carts/cart_doesnotexist", null), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, null, mug, 1), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{id}", "wrong-token"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, "api/carts/cart_doesnotexist", "wrong-token"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, "wrong-token", mug, 1), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/lines", "wrong-token"), HttpStatusCode.NotFound);
        // A token opens only its own cart.
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{other}", token), HttpStatusCode.NotFound);
        // A signed-in customer needs the token for a guest cart too.
        await ShouldBeProblem(await SendAsync(_shop.Customer(NewCustomerId()), HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.NotFound);

        (await _shop.GetAsync(id, token)).ETag.ShouldBe(etag);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000")]
    [InlineData("2147483648")]
    [InlineData("\"abc\"")]
    [InlineData("1.5")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task A_quantity_that_is_not_a_whole_number_from_1_to_999_is_refused_naming_the_quantity_and_changes_nothing(string quantity)
    {
        var mug = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        var (_, etag) = await _shop.GetAsync(id, token);

        var response = await SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/lines", token,
            rawJson: $$"""{"productId":"{{mug.ProductId}}","sku":"{{mug.Sku}}","quantity":{{quantity}}}""");

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "quantity");
        var (cart, after) = await _shop.GetAsync(id, token);
        cart.GetProperty("lines").GetArrayLength().ShouldBe(0);
        after.ShouldBe(etag);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1000")]
    [InlineData("\"many\"")]
    [InlineData("0.5")]
    public async Task Updating_a_line_to_a_bad_quantity_is_refused_and_the_line_keeps_its_quantity(string quantity)
    {
        var mug = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        var lineId = (await OkAsync(AddAsync(_shop.Guest, id, token, mug, 2))).GetProperty("lines")[0].GetProperty("lineId").GetString()!;

        var response = await SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, rawJson: $$"""{"quantity":{{quantity}}}""");

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "quantity");
        Lines((await _shop.GetAsync(id, token)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task An_unknown_sku_an_unknown_product_and_a_product_not_for_sale_are_refused_naming_the_field_and_nothing_is_written()
    {
        var mug = await _shop.ProductInStockAsync(10);
        var draft = await _shop.ProductInStockAsync(10, status: "draft");
        var (id, token) = await _shop.NewGuestCartAsync();
        var (_, etag) = await _shop.GetAsync(id, token);

        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, mug with { Sku = "NO-SUCH-SKU" }, 1), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, mug with { ProductId = "prod_nosuchproduct" }, 1), HttpStatusCode.BadRequest, "productId");
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, draft, 1), HttpStatusCode.BadRequest, "productId");
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, mug with { Sku = draft.Sku }, 1), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/lines", token, new { quantity = 1 }), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Post, $"api/carts/{id}/lines", token, rawJson: "{\"sku\":"), HttpStatusCode.BadRequest);

        (await _shop.GetAsync(id, token)).ETag.ShouldBe(etag);
    }

    [Fact]
    public async Task Asking_for_more_than_is_in_stock_is_a_conflict_that_names_the_quantity_and_what_is_available()
    {
        var mug = await _shop.ProductInStockAsync(3);
        var soldOut = await _shop.ProductInStockAsync(0);
        var (id, token) = await _shop.NewGuestCartAsync();

        var tooMany = await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, mug, 4), HttpStatusCode.Conflict, "quantity");
        tooMany.GetProperty("detail").GetString()!.ShouldContain("Only 3");
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, soldOut, 1), HttpStatusCode.Conflict, "quantity");

        var lineId = (await OkAsync(AddAsync(_shop.Guest, id, token, mug, 2))).GetProperty("lines")[0].GetProperty("lineId").GetString()!;
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, mug, 2), HttpStatusCode.Conflict, "quantity");
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 4 }), HttpStatusCode.Conflict, "quantity");

        Lines((await _shop.GetAsync(id, token)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task Removing_a_line_and_clearing_the_cart()
    {
        var red = await _shop.ProductInStockAsync(10);
        var blue = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        var redLine = (await OkAsync(AddAsync(_shop.Guest, id, token, red, 1))).GetProperty("lines")[0].GetProperty("lineId").GetString()!;
        await OkAsync(AddAsync(_shop.Guest, id, token, blue, 2));

        Lines(await OkAsync(SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/lines/{redLine}", token))).ShouldBe([(blue.Sku, 2)]);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/lines/{redLine}", token), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Patch, $"api/carts/{id}/lines/line_nope", token, new { quantity = 1 }), HttpStatusCode.NotFound);
        (await OkAsync(SendAsync(_shop.Guest, HttpMethod.Delete, $"api/carts/{id}/lines", token))).GetProperty("lines").GetArrayLength().ShouldBe(0);
        (await _shop.GetAsync(id, token)).Cart.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_cart_past_its_expiry_is_not_found_even_before_cosmos_db_removes_it()
    {
        var mug = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        await OkAsync(AddAsync(_shop.Guest, id, token, mug, 1));

        var stored = (await _shop.CartsContainer.ReadItemAsync<JsonObject>(id, new PartitionKey(id))).Resource;
        stored["ttl"]!.GetValue<int>().ShouldBe(30 * 24 * 3600);
        stored.ToJsonString().ShouldNotContain(token);
        stored["cart"]!["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        await _shop.CartsContainer.ReplaceItemAsync(stored, id, new PartitionKey(id));

        await ShouldBeProblem(await SendAsync(_shop.Guest, HttpMethod.Get, $"api/carts/{id}", token), HttpStatusCode.NotFound);
        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, mug, 1), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cart_holds_at_most_100_lines()
    {
        var variants = Enumerable.Range(1, 100).Select(i => (Sku: TestCatalog.Unique("L").ToUpperInvariant() + "-" + i, Size: $"S{i}")).ToList();
        var body = new
        {
            name = TestCatalog.Unique("Hundred Variants"),
            status = "active",
            description = new { format = "markdown", content = "Many sizes." },
            attributes = Array.Empty<object>(),
            variants = variants.Select(v => new { sku = v.Sku, options = new Dictionary<string, string> { ["size"] = v.Size }, price = new { amount = 1.00m, currency = "EUR" } }).ToArray(),
            categoryIds = Array.Empty<string>(),
            tags = Array.Empty<string>(),
        };
        var (productId, _, _) = await _shop.Catalog.CreateProductAsync(body);
        var extra = await _shop.ProductInStockAsync(5);
        foreach (var batch in variants.Chunk(10)) await Task.WhenAll(batch.Select(v => _shop.StockAsync(v.Sku, 5)));
        var (id, token) = await _shop.NewGuestCartAsync();
        foreach (var v in variants) await OkAsync(AddAsync(_shop.Guest, id, token, new Variant(productId, v.Sku), 1));

        await ShouldBeProblem(await AddAsync(_shop.Guest, id, token, extra, 1), HttpStatusCode.Conflict, "lines");

        var (cart, _) = await _shop.GetAsync(id, token);
        cart.GetProperty("lines").GetArrayLength().ShouldBe(100);
        Amount(cart.GetProperty("pricing").GetProperty("subtotal")).ShouldBe(100.00m);
        // A full cart still takes more units of a variant it has.
        Lines(await OkAsync(AddAsync(_shop.Guest, id, token, new Variant(productId, variants[0].Sku), 1)))[0].Quantity.ShouldBe(2);
    }

    [Fact]
    public async Task Adds_of_many_variants_at_once_all_land()
    {
        var variants = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _shop.ProductInStockAsync(10)));
        var (id, token) = await _shop.NewGuestCartAsync();

        var responses = await Task.WhenAll(variants.Select(v => AddAsync(_shop.Guest, id, token, v, 1)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        Lines((await _shop.GetAsync(id, token)).Cart).Select(l => l.Sku).Order().ShouldBe(variants.Select(v => v.Sku).Order());
    }

    [Fact]
    public async Task An_add_retried_with_its_idempotency_key_adds_once()
    {
        var mug = await _shop.ProductInStockAsync(10);
        var (id, token) = await _shop.NewGuestCartAsync();
        var key = Guid.NewGuid().ToString();

        await OkAsync(AddAsync(_shop.Guest, id, token, mug, 2, key));
        var retry = await AddAsync(_shop.Guest, id, token, mug, 2, key);

        retry.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        Lines((await _shop.GetAsync(id, token)).Cart).ShouldBe([(mug.Sku, 2)]);
    }
}
