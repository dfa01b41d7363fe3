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

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// Carts over real HTTP on the local stack: guest carts with their token, customer carts, lines with stock checks, codes,
/// ship-to, merging at sign-in, expiry, prices always computed by the server, and bad input that leaves nothing behind.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CartApiTests(LocalShopFixture fixture, ITestOutputHelper output)
{
    private const string TokenHeader = "Cart-Token";
    private readonly TestCatalog _catalog = new(fixture);
    private readonly HttpClient _guest = fixture.Client();
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    private sealed record Variant(string ProductId, string Sku);

    private HttpClient Customer(string id)
    {
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return client;
    }

    private static string NewCustomerId() => TestCatalog.Unique("cust");

    private async Task<Variant> ProductInStockAsync(int units, decimal price = 19.90m, string status = "active")
    {
        var sku = TestCatalog.Unique("CART").ToUpperInvariant();
        var (id, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Cart Mug"), price, sku, status));
        if (units > 0) await StockAsync(sku, units);
        return new Variant(id, sku);
    }

    private async Task StockAsync(string sku, int units)
    {
        var response = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = units, reason = "count" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string? token, object? body = null, string? rawJson = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Add(TokenHeader, token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        if (rawJson is not null) request.Content = new StringContent(rawJson, Encoding.UTF8, "application/json");
        return client.SendAsync(request);
    }

    private async Task<(string Id, string Token)> NewGuestCartAsync()
    {
        var response = await _guest.PostAsync("api/carts", null);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("cartToken").GetString()!);
    }

    private async Task<string> NewCustomerCartAsync(HttpClient customer)
    {
        var response = await customer.PostAsync("api/carts", null);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> AddAsync(HttpClient client, string cartId, string? token, Variant variant, object? quantity, string? idempotencyKey = null) =>
        SendAsync(client, HttpMethod.Post, $"api/carts/{cartId}/lines", token, new { productId = variant.ProductId, sku = variant.Sku, quantity }, idempotencyKey: idempotencyKey);

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<(JsonElement Cart, string ETag)> GetAsync(string cartId, string? token, HttpClient? client = null)
    {
        var response = await SendAsync(client ?? _guest, HttpMethod.Get, $"api/carts/{cartId}", token);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return (body, response.Headers.ETag!.Tag);
    }

    private static List<(string Sku, int Quantity)> Lines(JsonElement cart) =>
        cart.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("sku").GetString()!, l.GetProperty("quantity").GetInt32())).ToList();

    private static decimal Amount(JsonElement money) => money.GetProperty("amount").GetDecimal();

    private Container CartsContainer => fixture.Shop.Services.GetRequiredService<ShopContainers>().Carts;

    [Fact]
    public async Task A_guest_fills_a_cart_and_every_answer_is_the_cart_priced_by_the_server()
    {
        var mug = await ProductInStockAsync(20, price: 19.90m);

        var created = await _guest.PostAsync("api/carts", null);
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

        var added = await OkAsync(AddAsync(_guest, id, token, mug, 2));
        Lines(added).ShouldBe([(mug.Sku, 2)]);
        var priced = added.GetProperty("pricing").GetProperty("lines")[0];
        Amount(priced.GetProperty("unitListPrice")).ShouldBe(19.90m);
        Amount(priced.GetProperty("listTotal")).ShouldBe(39.80m);
        priced.GetProperty("lineId").GetString().ShouldBe(added.GetProperty("lines")[0].GetProperty("lineId").GetString());

        var again = await OkAsync(AddAsync(_guest, id, token, mug, 1));
        Lines(again).ShouldBe([(mug.Sku, 3)]);
        Amount(again.GetProperty("pricing").GetProperty("lines")[0].GetProperty("listTotal")).ShouldBe(59.70m);

        var (read, _) = await GetAsync(id, token);
        Lines(read).ShouldBe([(mug.Sku, 3)]);
        read.TryGetProperty("cartToken", out _).ShouldBeFalse();
        var lineId = read.GetProperty("lines")[0].GetProperty("lineId").GetString()!;

        Lines(await OkAsync(SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 5 })))
            .ShouldBe([(mug.Sku, 5)]);
        (await OkAsync(SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 0 })))
            .GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_price_or_total_sent_by_the_client_is_ignored()
    {
        var mug = await ProductInStockAsync(10, price: 25.00m);
        var (id, token) = await NewGuestCartAsync();

        var tampered = await OkAsync(SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/lines", token, rawJson:
            $$"""{"productId":"{{mug.ProductId}}","sku":"{{mug.Sku}}","quantity":2,"price":{"amount":0.01,"currency":"EUR"},"unitPrice":0.01,"total":0.01,"pricing":{"total":{"amount":0.01,"currency":"EUR"} } }"""));
        var lineId = tampered.GetProperty("lines")[0].GetProperty("lineId").GetString()!;
        await OkAsync(SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, rawJson: """{"quantity":3,"price":0.01,"listTotal":{"amount":0.03,"currency":"EUR"}}"""));

        var (cart, _) = await GetAsync(id, token);
        var line = cart.GetProperty("pricing").GetProperty("lines")[0];
        Amount(line.GetProperty("unitListPrice")).ShouldBe(25.00m);
        Amount(line.GetProperty("listTotal")).ShouldBe(75.00m);
        Amount(cart.GetProperty("pricing").GetProperty("subtotal")).ShouldBeGreaterThanOrEqualTo(75.00m);
        var stored = (await CartsContainer.ReadItemAsync<JsonObject>(id, new PartitionKey(id))).Resource.ToJsonString();
        stored.ShouldNotContain("0.01");
    }

    [Fact]
    public async Task A_guest_without_the_cart_token_gets_401_and_with_a_wrong_token_404_as_for_a_cart_that_does_not_exist()
    {
        var mug = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        var (other, _) = await NewGuestCartAsync();
        var (_, etag) = await GetAsync(id, token);

        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, "api/carts/cart_doesnotexist", null), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await AddAsync(_guest, id, null, mug, 1), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{id}", "wrong-token"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, "api/carts/cart_doesnotexist", "wrong-token"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await AddAsync(_guest, id, "wrong-token", mug, 1), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/lines", "wrong-token"), HttpStatusCode.NotFound);
        // A token opens only its own cart.
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{other}", token), HttpStatusCode.NotFound);
        // A signed-in customer needs the token for a guest cart too.
        await ShouldBeProblem(await SendAsync(Customer(NewCustomerId()), HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.NotFound);

        (await GetAsync(id, token)).ETag.ShouldBe(etag);
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
        var mug = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        var (_, etag) = await GetAsync(id, token);

        var response = await SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/lines", token,
            rawJson: $$"""{"productId":"{{mug.ProductId}}","sku":"{{mug.Sku}}","quantity":{{quantity}}}""");

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "quantity");
        var (cart, after) = await GetAsync(id, token);
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
        var mug = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        var lineId = (await OkAsync(AddAsync(_guest, id, token, mug, 2))).GetProperty("lines")[0].GetProperty("lineId").GetString()!;

        var response = await SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, rawJson: $$"""{"quantity":{{quantity}}}""");

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "quantity");
        Lines((await GetAsync(id, token)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task An_unknown_sku_an_unknown_product_and_a_product_not_for_sale_are_refused_naming_the_field_and_nothing_is_written()
    {
        var mug = await ProductInStockAsync(10);
        var draft = await ProductInStockAsync(10, status: "draft");
        var (id, token) = await NewGuestCartAsync();
        var (_, etag) = await GetAsync(id, token);

        await ShouldBeProblem(await AddAsync(_guest, id, token, mug with { Sku = "NO-SUCH-SKU" }, 1), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await AddAsync(_guest, id, token, mug with { ProductId = "prod_nosuchproduct" }, 1), HttpStatusCode.BadRequest, "productId");
        await ShouldBeProblem(await AddAsync(_guest, id, token, draft, 1), HttpStatusCode.BadRequest, "productId");
        await ShouldBeProblem(await AddAsync(_guest, id, token, mug with { Sku = draft.Sku }, 1), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/lines", token, new { quantity = 1 }), HttpStatusCode.BadRequest, "sku");
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/lines", token, rawJson: "{\"sku\":"), HttpStatusCode.BadRequest);

        (await GetAsync(id, token)).ETag.ShouldBe(etag);
    }

    [Fact]
    public async Task Asking_for_more_than_is_in_stock_is_a_conflict_that_names_the_quantity_and_what_is_available()
    {
        var mug = await ProductInStockAsync(3);
        var soldOut = await ProductInStockAsync(0);
        var (id, token) = await NewGuestCartAsync();

        var tooMany = await ShouldBeProblem(await AddAsync(_guest, id, token, mug, 4), HttpStatusCode.Conflict, "quantity");
        tooMany.GetProperty("detail").GetString()!.ShouldContain("Only 3");
        await ShouldBeProblem(await AddAsync(_guest, id, token, soldOut, 1), HttpStatusCode.Conflict, "quantity");

        var lineId = (await OkAsync(AddAsync(_guest, id, token, mug, 2))).GetProperty("lines")[0].GetProperty("lineId").GetString()!;
        await ShouldBeProblem(await AddAsync(_guest, id, token, mug, 2), HttpStatusCode.Conflict, "quantity");
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 4 }), HttpStatusCode.Conflict, "quantity");

        Lines((await GetAsync(id, token)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task Removing_a_line_and_clearing_the_cart()
    {
        var red = await ProductInStockAsync(10);
        var blue = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        var redLine = (await OkAsync(AddAsync(_guest, id, token, red, 1))).GetProperty("lines")[0].GetProperty("lineId").GetString()!;
        await OkAsync(AddAsync(_guest, id, token, blue, 2));

        Lines(await OkAsync(SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/lines/{redLine}", token))).ShouldBe([(blue.Sku, 2)]);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/lines/{redLine}", token), HttpStatusCode.NotFound);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/line_nope", token, new { quantity = 1 }), HttpStatusCode.NotFound);
        (await OkAsync(SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/lines", token))).GetProperty("lines").GetArrayLength().ShouldBe(0);
        (await GetAsync(id, token)).Cart.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_customer_has_one_cart_that_only_they_can_open_and_support_can_read()
    {
        var mug = await ProductInStockAsync(10);
        var alice = Customer(NewCustomerId());
        var bob = Customer(NewCustomerId());

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
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{id}", null), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{id}", "any-token"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _guest.GetAsync("api/me/cart"), HttpStatusCode.Unauthorized);

        var support = fixture.Client(ShopRoles.Support);
        Lines((await GetAsync(id, null, support)).Cart).ShouldBe([(mug.Sku, 2)]);
        await ShouldBeProblem(await AddAsync(support, id, null, mug, 1), HttpStatusCode.NotFound);

        Lines((await GetAsync(id, null, alice)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task At_sign_in_the_guest_cart_is_merged_into_the_customers_and_deleted_and_merging_again_changes_nothing()
    {
        var red = await ProductInStockAsync(10);
        var blue = await ProductInStockAsync(10);
        var alice = Customer(NewCustomerId());
        var customerCart = await NewCustomerCartAsync(alice);
        await OkAsync(AddAsync(alice, customerCart, null, red, 1));
        var (guestCart, token) = await NewGuestCartAsync();
        await OkAsync(AddAsync(_guest, guestCart, token, red, 2));
        await OkAsync(AddAsync(_guest, guestCart, token, blue, 1));

        var merged = await OkAsync(alice.PostJsonAsync($"api/carts/{customerCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }));

        merged.GetProperty("id").GetString().ShouldBe(customerCart);
        Lines(merged).ShouldBe([(red.Sku, 3), (blue.Sku, 1)]);
        Amount(merged.GetProperty("pricing").GetProperty("lines")[0].GetProperty("listTotal")).ShouldBe(59.70m);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{guestCart}", token), HttpStatusCode.NotFound);

        var again = await OkAsync(alice.PostJsonAsync($"api/carts/{customerCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }));
        Lines(again).ShouldBe([(red.Sku, 3), (blue.Sku, 1)]);
    }

    [Fact]
    public async Task A_merge_with_a_wrong_token_or_into_someone_elses_cart_is_not_found_and_a_guest_cannot_merge()
    {
        var red = await ProductInStockAsync(10);
        var alice = Customer(NewCustomerId());
        var bob = Customer(NewCustomerId());
        var aliceCart = await NewCustomerCartAsync(alice);
        var (guestCart, token) = await NewGuestCartAsync();
        await OkAsync(AddAsync(_guest, guestCart, token, red, 2));

        await ShouldBeProblem(await alice.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart, sourceCartToken = "wrong" }), HttpStatusCode.NotFound);
        await ShouldBeProblem(await bob.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _guest.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart, sourceCartToken = token }), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await alice.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = guestCart }), HttpStatusCode.BadRequest, "sourceCartToken");
        await ShouldBeProblem(await alice.PostJsonAsync($"api/carts/{aliceCart}/merge", new { sourceCartId = aliceCart, sourceCartToken = token }), HttpStatusCode.BadRequest, "sourceCartId");

        Lines((await GetAsync(guestCart, token)).Cart).ShouldBe([(red.Sku, 2)]);
        (await GetAsync(aliceCart, null, alice)).Cart.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_cart_past_its_expiry_is_not_found_even_before_cosmos_db_removes_it()
    {
        var mug = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        await OkAsync(AddAsync(_guest, id, token, mug, 1));

        var stored = (await CartsContainer.ReadItemAsync<JsonObject>(id, new PartitionKey(id))).Resource;
        stored["ttl"]!.GetValue<int>().ShouldBe(30 * 24 * 3600);
        stored.ToJsonString().ShouldNotContain(token);
        stored["cart"]!["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        await CartsContainer.ReplaceItemAsync(stored, id, new PartitionKey(id));

        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Get, $"api/carts/{id}", token), HttpStatusCode.NotFound);
        await ShouldBeProblem(await AddAsync(_guest, id, token, mug, 1), HttpStatusCode.NotFound);
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
        var (productId, _, _) = await _catalog.CreateProductAsync(body);
        var extra = await ProductInStockAsync(5);
        foreach (var batch in variants.Chunk(10)) await Task.WhenAll(batch.Select(v => StockAsync(v.Sku, 5)));
        var (id, token) = await NewGuestCartAsync();
        foreach (var v in variants) await OkAsync(AddAsync(_guest, id, token, new Variant(productId, v.Sku), 1));

        await ShouldBeProblem(await AddAsync(_guest, id, token, extra, 1), HttpStatusCode.Conflict, "lines");

        var (cart, _) = await GetAsync(id, token);
        cart.GetProperty("lines").GetArrayLength().ShouldBe(100);
        Amount(cart.GetProperty("pricing").GetProperty("subtotal")).ShouldBe(100.00m);
        // A full cart still takes more units of a variant it has.
        Lines(await OkAsync(AddAsync(_guest, id, token, new Variant(productId, variants[0].Sku), 1)))[0].Quantity.ShouldBe(2);
    }

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
        var mug = await ProductInStockAsync(10, price: 20.00m);
        var (id, token) = await NewGuestCartAsync();
        await OkAsync(AddAsync(_guest, id, token, mug, 1));
        var (_, etag) = await GetAsync(id, token);

        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = "NO-SUCH-CODE" }), HttpStatusCode.BadRequest, "code");
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = "BAD CODE!" }), HttpStatusCode.BadRequest, "code");
        (await GetAsync(id, token)).ETag.ShouldBe(etag);

        var applies = await CodeAsync();
        var cart = await OkAsync(SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = applies.ToLowerInvariant() }));
        cart.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ShouldBe([applies]);
        // Automatic promotions other tests left live have no code; only coded ones are compared.
        cart.GetProperty("pricing").GetProperty("promotions").EnumerateArray().Select(p => p.TryGetProperty("code", out var c) ? c.GetString() : null).ShouldContain(applies);

        var needsMore = await CodeAsync(new { minimumSubtotal = new { amount = 500m, currency = "EUR" } });
        cart = await OkAsync(SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = needsMore }));
        cart.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ShouldBe([applies, needsMore]);
        var rejection = cart.GetProperty("pricing").GetProperty("rejectedCodes").EnumerateArray().ShouldHaveSingleItem();
        rejection.GetProperty("code").GetString().ShouldBe(needsMore);
        rejection.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();

        foreach (var _ in Enumerable.Range(0, 3)) await OkAsync(SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = await CodeAsync() }));
        var sixth = await CodeAsync();
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code = sixth }), HttpStatusCode.Conflict, "code");
        (await GetAsync(id, token)).Cart.GetProperty("codes").GetArrayLength().ShouldBe(5);

        cart = await OkAsync(SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/codes/{needsMore.ToLowerInvariant()}", token));
        cart.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ShouldNotContain(needsMore);
        cart.GetProperty("pricing").GetProperty("rejectedCodes").GetArrayLength().ShouldBe(0);
        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/codes/{needsMore}", token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Where_the_cart_ships_is_set_and_checked()
    {
        var (id, token) = await NewGuestCartAsync();

        var cart = await OkAsync(SendAsync(_guest, HttpMethod.Put, $"api/carts/{id}/ship-to", token, new { country = "de", region = "by" }));
        cart.GetProperty("shipTo").GetProperty("country").GetString().ShouldBe("DE");
        cart.GetProperty("shipTo").GetProperty("region").GetString().ShouldBe("BY");

        await ShouldBeProblem(await SendAsync(_guest, HttpMethod.Put, $"api/carts/{id}/ship-to", token, new { country = "Germany" }), HttpStatusCode.BadRequest, "country");
        await ShouldBeProblem(await _guest.PostJsonAsync("api/carts", new { shipTo = new { country = "X" } }), HttpStatusCode.BadRequest, "shipTo.country");
        (await GetAsync(id, token)).Cart.GetProperty("shipTo").GetProperty("country").GetString().ShouldBe("DE");

        var withPlace = await _guest.PostJsonAsync("api/carts", new { shipTo = new { country = "AT" } });
        withPlace.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await withPlace.JsonAsync()).GetProperty("shipTo").GetProperty("country").GetString().ShouldBe("AT");
    }

    [Fact]
    public async Task Adds_of_many_variants_at_once_all_land()
    {
        var variants = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ProductInStockAsync(10)));
        var (id, token) = await NewGuestCartAsync();

        var responses = await Task.WhenAll(variants.Select(v => AddAsync(_guest, id, token, v, 1)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        Lines((await GetAsync(id, token)).Cart).Select(l => l.Sku).Order().ShouldBe(variants.Select(v => v.Sku).Order());
    }

    [Fact]
    public async Task An_add_retried_with_its_idempotency_key_adds_once()
    {
        var mug = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        var key = Guid.NewGuid().ToString();

        await OkAsync(AddAsync(_guest, id, token, mug, 2, key));
        var retry = await AddAsync(_guest, id, token, mug, 2, key);

        retry.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        Lines((await GetAsync(id, token)).Cart).ShouldBe([(mug.Sku, 2)]);
    }

    [Fact]
    public async Task Each_cart_operation_costs_a_fixed_number_of_cosmos_db_calls_more_than_reading_the_cart()
    {
        var marketer = fixture.Client(ShopRoles.Marketer);
        var code = TestCatalog.Unique("B").ToUpperInvariant().Replace("-", "", StringComparison.Ordinal);
        (await marketer.PostJsonAsync("api/promotions", new { name = "Budget " + code, kind = "percentOff", percent = 5, code })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var red = await ProductInStockAsync(10);
        var blue = await ProductInStockAsync(10);
        var (id, token) = await NewGuestCartAsync();
        await OkAsync(AddAsync(_guest, id, token, red, 1));
        var lineId = (await GetAsync(id, token)).Cart.GetProperty("lines")[0].GetProperty("lineId").GetString()!;

        // Each operation against a read of the cart it leaves, so pricing's own reads (P) cancel out.
        async Task<(int Operation, int Read)> CostAsync(string name, Task<HttpResponseMessage> operation)
        {
            var done = await operation;
            done.StatusCode.ShouldBe(HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
            var read = await SendAsync(_guest, HttpMethod.Get, $"api/carts/{id}", token);
            output.WriteLine($"{name}: {done.CosmosCalls()} calls; reading the cart after it: {read.CosmosCalls()}");
            return (done.CosmosCalls(), read.CosmosCalls());
        }

        var add = await CostAsync("add a line", AddAsync(_guest, id, token, blue, 1));
        var update = await CostAsync("set a quantity", SendAsync(_guest, HttpMethod.Patch, $"api/carts/{id}/lines/{lineId}", token, new { quantity = 2 }));
        var shipTo = await CostAsync("set ship-to", SendAsync(_guest, HttpMethod.Put, $"api/carts/{id}/ship-to", token, new { country = "DE" }));
        var addCode = await CostAsync("add a code", SendAsync(_guest, HttpMethod.Post, $"api/carts/{id}/codes", token, new { code }));
        var remove = await CostAsync("remove a line", SendAsync(_guest, HttpMethod.Delete, $"api/carts/{id}/lines/{lineId}", token));

        // Reading: the cart, then pricing (P). Adding: cart, product, stock, write. Setting a quantity: cart, stock, write.
        (add.Operation - add.Read).ShouldBe(3);
        (update.Operation - update.Read).ShouldBe(2);
        (shipTo.Operation - shipTo.Read).ShouldBe(1);
        (addCode.Operation - addCode.Read).ShouldBe(2);
        (remove.Operation - remove.Read).ShouldBe(1);

        // A customer's cart: /me/cart first finds which cart is theirs (one point read).
        var alice = Customer(NewCustomerId());
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
