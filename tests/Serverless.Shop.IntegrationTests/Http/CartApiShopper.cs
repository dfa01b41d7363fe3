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

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>What the cart API tests share: products in stock, guest and customer carts, and calls with a cart token.</summary>
public sealed class CartApiShopper(LocalShopFixture fixture)
{
    public const string TokenHeader = "Cart-Token";
    public TestCatalog Catalog { get; } = new(fixture);
    public HttpClient Guest { get; } = fixture.Client();
    public HttpClient Merchandiser { get; } = fixture.Client(ShopRoles.Merchandiser);

    public sealed record Variant(string ProductId, string Sku);

    public HttpClient Customer(string id)
    {
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return client;
    }

    public static string NewCustomerId() => TestCatalog.Unique("cust");

    public async Task<Variant> ProductInStockAsync(int units, decimal price = 19.90m, string status = "active")
    {
        var sku = TestCatalog.Unique("CART").ToUpperInvariant();
        var (id, _, _) = await Catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Cart Mug"), price, sku, status));
        if (units > 0) await StockAsync(sku, units);
        return new Variant(id, sku);
    }

    public async Task StockAsync(string sku, int units)
    {
        var response = await Merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = units, reason = "count" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string? token, object? body = null, string? rawJson = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Add(TokenHeader, token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        if (rawJson is not null) request.Content = new StringContent(rawJson, Encoding.UTF8, "application/json");
        return client.SendAsync(request);
    }

    public async Task<(string Id, string Token)> NewGuestCartAsync()
    {
        var response = await Guest.PostAsync("api/carts", null);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("cartToken").GetString()!);
    }

    public async Task<string> NewCustomerCartAsync(HttpClient customer)
    {
        var response = await customer.PostAsync("api/carts", null);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> AddAsync(HttpClient client, string cartId, string? token, Variant variant, object? quantity, string? idempotencyKey = null) =>
        SendAsync(client, HttpMethod.Post, $"api/carts/{cartId}/lines", token, new { productId = variant.ProductId, sku = variant.Sku, quantity }, idempotencyKey: idempotencyKey);

    public static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<(JsonElement Cart, string ETag)> GetAsync(string cartId, string? token, HttpClient? client = null)
    {
        var response = await SendAsync(client ?? Guest, HttpMethod.Get, $"api/carts/{cartId}", token);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return (body, response.Headers.ETag!.Tag);
    }

    public static List<(string Sku, int Quantity)> Lines(JsonElement cart) =>
        cart.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("sku").GetString()!, l.GetProperty("quantity").GetInt32())).ToList();

    public static decimal Amount(JsonElement money) => money.GetProperty("amount").GetDecimal();

    public Container CartsContainer => fixture.Shop.Services.GetRequiredService<ShopContainers>().Carts;
}
