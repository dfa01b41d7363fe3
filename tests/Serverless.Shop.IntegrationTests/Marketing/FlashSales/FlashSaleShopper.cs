using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Checkout;

namespace Serverless.Shop.IntegrationTests.Marketing.FlashSales;

/// <summary>A marketer running flash sales, and shoppers buying in them, through the API of the local shop.</summary>
public sealed class FlashSaleShopper(LocalShopFixture fixture)
{
    public CheckoutShopper Checkout { get; } = new(fixture);
    public HttpClient Marketer { get; } = fixture.Client(ShopRoles.Marketer);
    public HttpClient Guest { get; } = fixture.Client();

    public static object Body(CheckoutShopper.Variant variant, decimal salePrice, int cap, int perCustomerLimit = 5,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, string name = "Midnight mugs") => new
    {
        name, startsAt, endsAt = endsAt ?? DateTimeOffset.UtcNow.AddHours(1), perCustomerLimit,
        items = new[] { new { productId = variant.ProductId, sku = variant.Sku, salePrice = new { amount = salePrice, currency = "EUR" }, cap } },
    };

    public Task<HttpResponseMessage> CreateAsync(object body) => Marketer.PostJsonAsync("api/flash-sales", body);

    /// <summary>A sale created and answered 201: its id.</summary>
    public async Task<string> SaleAsync(object body)
    {
        var response = await CreateAsync(body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetString()!;
    }

    public async Task<(HttpResponseMessage Response, JsonElement Product)> ProductAsync(string productId, HttpClient? client = null)
    {
        var response = await (client ?? Guest).GetAsync($"api/products/{productId}");
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return (response, json);
    }

    public async Task<JsonElement> ResultsAsync(string saleId)
    {
        var response = await Marketer.GetAsync($"api/flash-sales/{saleId}/results");
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    /// <summary>The cart's priced lines as the cart API answers them.</summary>
    public async Task<JsonElement> CartAsync(CheckoutShopper.Cart cart)
    {
        var response = await Checkout.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }
}
