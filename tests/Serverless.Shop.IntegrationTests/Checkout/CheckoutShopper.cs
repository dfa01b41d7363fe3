using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>What a storefront does to buy something, through the API: products in stock, a cart, a checkout, and waiting for it.</summary>
public sealed class CheckoutShopper(LocalShopFixture fixture)
{
    public const string CartTokenHeader = "Cart-Token";
    public const string OrderTokenHeader = "Order-Token";
    public const string VisaToken = "pm_card_visa";

    private readonly TestCatalog _catalog = new(fixture);
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);

    public HttpClient Guest { get; } = fixture.Client();
    public HttpClient Admin { get; } = fixture.Client(ShopRoles.Admin);

    public DurableTaskClient Durable => fixture.Shop.Services.GetRequiredService<LocalDurableTaskHost>().Client;

    public sealed record Variant(string ProductId, string Sku, decimal Price);

    public sealed record Cart(string Id, string Token);

    public sealed record Placed(HttpResponseMessage Response, JsonElement Body)
    {
        public string Number => Body.GetProperty("orderNumber").GetString()!;
        public string Token => Body.GetProperty("orderToken").GetString()!;
    }

    public static object Address(string country = "NL", string line1 = "Damrak 1", string postalCode = "1012 LG", string city = "Amsterdam") =>
        new { name = "Ada Shopper", line1, city, postalCode, country };

    /// <param name="warehouse">Where the units are (null: the default warehouse, <c>main</c>).</param>
    public async Task<Variant> ProductInStockAsync(int units, decimal price = 20.00m, string? warehouse = null)
    {
        var sku = TestCatalog.Unique("CHK").ToUpperInvariant();
        var (id, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Checkout Mug"), price, sku));
        var response = await _merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = units, reason = "count", warehouse });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, (await response.JsonAsync()).ToString());
        return new Variant(id, sku, price);
    }

    public async Task<Cart> CartWithAsync(Variant variant, int quantity, string? code = null)
    {
        var created = await Guest.PostAsync("api/carts", null);
        var body = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        var cart = new Cart(body.GetProperty("id").GetString()!, body.GetProperty("cartToken").GetString()!);
        var added = await SendAsync(HttpMethod.Post, $"api/carts/{cart.Id}/lines", cart.Token, new { productId = variant.ProductId, sku = variant.Sku, quantity });
        added.StatusCode.ShouldBe(HttpStatusCode.OK, (await added.JsonAsync()).ToString());
        if (code is not null)
        {
            var coded = await SendAsync(HttpMethod.Post, $"api/carts/{cart.Id}/codes", cart.Token, new { code });
            coded.StatusCode.ShouldBe(HttpStatusCode.OK, (await coded.JsonAsync()).ToString());
        }
        return cart;
    }

    public static object Checkout(Cart cart, string method = "card", string? token = VisaToken, object? address = null, string? email = null) =>
        new { cartId = cart.Id, email = email ?? $"{TestCatalog.Unique("buyer")}@example.com", shippingAddress = address ?? Address(), paymentMethod = method, paymentToken = token, returnUrl = "https://storefront.example/checkout/done" };

    public async Task<Placed> CheckoutAsync(Cart cart, object body, string? idempotencyKey = null)
    {
        var response = await SendAsync(HttpMethod.Post, "api/checkouts", cart.Token, body, idempotencyKey ?? Guid.NewGuid().ToString());
        return new Placed(response, await response.JsonAsync());
    }

    public async Task<Placed> PlaceAsync(Cart cart, string method = "card", string? token = VisaToken, object? address = null)
    {
        var placed = await CheckoutAsync(cart, Checkout(cart, method, token, address));
        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        return placed;
    }

    /// <summary>Waits until the checkout orchestration has finished and returns its outcome.</summary>
    public async Task<OrchestrationMetadata> FinishedAsync(string number)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await Durable.WaitForInstanceCompletionAsync(number, getInputsAndOutputs: true, timeout.Token);
        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString());
        return done;
    }

    /// <summary>Waits for the checkout and checks that it completed, saying why when it did not.</summary>
    public async Task<CheckoutOutcome> CompletedAsync(string number)
    {
        var outcome = (await FinishedAsync(number)).ReadOutputAs<CheckoutOutcome>()!;
        outcome.Result.ShouldBe(CheckoutResult.Completed, outcome.Reason);
        return outcome;
    }

    /// <summary>Waits until the orchestration has reached the point where it waits for the payment provider.</summary>
    public async Task<JsonElement> AwaitingPaymentAsync(Placed placed)
    {
        var order = await HttpTestExtensions.EventuallyAsync(() => OrderAsync(placed), o => o.TryGetProperty("payment", out _), TimeSpan.FromSeconds(90));
        order.TryGetProperty("payment", out _).ShouldBeTrue($"the checkout of {placed.Number} never got to the payment: {order}");
        return order;
    }

    public async Task<JsonElement> OrderAsync(Placed placed)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/orders/{placed.Number}/status");
        request.Headers.Add(OrderTokenHeader, placed.Token);
        var response = await Guest.SendAsync(request);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<JsonElement> StockAsync(string sku)
    {
        var response = await _merchandiser.GetAsync($"api/inventory/{sku}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? cartToken, object? body = null, string? idempotencyKey = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (cartToken is not null) request.Headers.Add(CartTokenHeader, cartToken);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        return (client ?? Guest).SendAsync(request);
    }
}
