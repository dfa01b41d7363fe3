using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Loyalty;

/// <summary>
/// What the purchase-history, tier and offer tests share: signed-in customers, products in a category of their own,
/// orders paid through the app's own <see cref="ManageOrders"/> (so the order-events queue runs the history), and reads
/// of <c>/api/me/purchase-history</c> and <c>/api/me/offers</c>.
/// </summary>
public sealed class LoyaltyShopper(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ManageOrders _orders = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    private readonly TestCatalog _catalog = new(fixture);

    public CheckoutShopper Checkout { get; } = new(fixture);

    public static Money Eur(decimal amount) => new(amount, "EUR");

    public (string Id, HttpClient Client) NewCustomer()
    {
        var id = "cust_" + Guid.NewGuid().ToString("N")[..12];
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return (id, client);
    }

    /// <summary>A product in a new category of its own, with stock, so an offer for that category touches nothing of other tests.</summary>
    public async Task<(string CategoryId, CheckoutShopper.Variant Product)> ProductInNewCategoryAsync(decimal price = 40.00m)
    {
        var category = await _catalog.CreateCategoryAsync("Loyalty");
        var sku = TestCatalog.Unique("LOY").ToUpperInvariant();
        var (id, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Loyalty Lamp"), price, sku, categoryIds: [category]));
        var stocked = await _catalog.Merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = 20, reason = "count" });
        stocked.StatusCode.ShouldBe(HttpStatusCode.OK, (await stocked.JsonAsync()).ToString());
        return (category, new CheckoutShopper.Variant(id, sku, price));
    }

    /// <summary>A paid order of <paramref name="amount"/> EUR for one unit of <paramref name="productId"/>.</summary>
    public async Task<Order> PaidOrderAsync(string customerId, decimal amount, string productId = "prod_none")
    {
        var total = Eur(amount);
        var line = new PricedLine("line_1", productId, "SKU-LOY", "Lamp", 1, total, null, total, [], Eur(0m), total, 0m, Eur(0m), total, null);
        var pricing = new PricedCart("EUR", [line], [], [], total, Eur(0m), Eur(0m), Eur(0m), Eur(0m), Eur(0m), total, total, true);
        var order = await _orders.PlaceAsync(new PlaceOrder(OrderNumbers.New(), customerId, $"buyer-{Guid.NewGuid():N}@example.com", pricing,
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null),
            new ShippingQuote("localpost", "standard", Eur(0m), 2, 4), PaymentMethod.Card, OrderAccessTokens.New()), Ct);
        return await _orders.MarkPaidAsync(order.Number, new OrderPayment(PaymentMethod.Card, "test-gateway", "pi_" + order.Number, PaymentOutcome.Captured, total, Eur(0m)), Actor.System("checkout"), Ct);
    }

    public static async Task<JsonElement> HistoryAsync(HttpClient customer, string query = "")
    {
        var response = await customer.GetAsync("api/me/purchase-history" + query);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public static Task<JsonElement> HistoryWhenAsync(HttpClient customer, Func<JsonElement, bool> done) =>
        HttpTestExtensions.EventuallyAsync(() => HistoryAsync(customer), done);

    public static string? Tier(JsonElement history) => history.GetProperty("summary").GetProperty("tier").GetString();

    public static async Task<JsonElement> OffersAsync(HttpClient customer)
    {
        var response = await customer.GetAsync("api/me/offers");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>Checks out <paramref name="cart"/> as <paramref name="customer"/> by card.</summary>
    public async Task<CheckoutShopper.Placed> CheckoutAsync(HttpClient customer, CheckoutShopper.Cart cart)
    {
        var response = await Checkout.SendAsync(HttpMethod.Post, "api/checkouts", cart.Token, new
        {
            cartId = cart.Id, email = $"{Guid.NewGuid():N}@example.com", shippingAddress = CheckoutShopper.Address(),
            paymentMethod = "card", paymentToken = CheckoutShopper.VisaToken,
        }, Guid.NewGuid().ToString(), customer);
        return new CheckoutShopper.Placed(response, await response.JsonAsync());
    }

    public static JsonElement? Promotion(JsonElement pricing, string code) =>
        // Automatic promotions (and other tests' live ones in the shared shop) have no code.
        pricing.GetProperty("promotions").EnumerateArray().Where(p => p.TryGetProperty("code", out var c) && c.GetString() == code).Cast<JsonElement?>().FirstOrDefault();

    /// <summary>
    /// What a percentage promotion with <paramref name="code"/> took off a one-line cart worth <paramref name="listTotal"/>:
    /// percent of what the promotions applied before it left (other tests' automatic promotions live in the shared shop
    /// apply too, and the engine applies them in turn on what remains).
    /// </summary>
    public static decimal ExpectedPercentOff(JsonElement pricing, string code, decimal listTotal, decimal percent)
    {
        var before = pricing.GetProperty("promotions").EnumerateArray()
            .TakeWhile(p => !(p.TryGetProperty("code", out var c) && c.GetString() == code))
            .Sum(p => p.GetProperty("discount").GetProperty("amount").GetDecimal());
        return Math.Round((listTotal - before) * percent / 100m, 2, MidpointRounding.AwayFromZero);
    }

    public static string? Rejection(JsonElement pricing, string code) =>
        pricing.GetProperty("rejectedCodes").EnumerateArray().Where(r => r.GetProperty("code").GetString() == code)
            .Select(r => r.GetProperty("reason").GetString()).FirstOrDefault();
}
