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
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Reviews;

/// <summary>
/// Products made through the API, orders of them placed, paid and delivered through the app's own <see cref="ManageOrders"/>
/// (as checkout and the carrier's webhook do) on the emulators, and the review routes called over HTTP.
/// </summary>
public sealed class ReviewShopper(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ManageOrders _orders = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    private readonly TestCatalog _catalog = new(fixture);

    public HttpClient Merchandiser { get; } = fixture.Client(ShopRoles.Merchandiser);
    public HttpClient Support { get; } = fixture.Client(ShopRoles.Support);
    public HttpClient Anonymous { get; } = fixture.Client();

    public static string NewCustomerId() => TestCatalog.Unique("cust");

    public HttpClient Customer(string id)
    {
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return client;
    }

    public async Task<string> ProductAsync() => (await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Reviewed mug")))).Id;

    private static Money Eur(decimal amount) => new(amount, "EUR");

    /// <summary>A paid order of the product for the customer (null: a guest, with <paramref name="email"/>), delivered unless said otherwise.</summary>
    public async Task<Order> OrderAsync(string productId, string? customerId, bool delivered = true, string? email = null, string recipient = "Ada Lovelace")
    {
        var line = new PricedLine("line_1", productId, "SKU-1", "Reviewed mug", 1, Eur(19.90m), null, Eur(19.90m), [], Eur(0m), Eur(16.72m), 0.19m, Eur(3.18m), Eur(19.90m), null);
        var pricing = new PricedCart("EUR", [line], [], [], Eur(19.90m), Eur(0m), Eur(0m), Eur(0m), Eur(0m), Eur(3.18m), Eur(16.72m), Eur(19.90m), true);
        var order = await _orders.PlaceAsync(new PlaceOrder(OrderNumbers.New(), customerId, email ?? $"buyer-{Guid.NewGuid():N}@example.com", pricing,
            new ShippingAddress(recipient, "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null),
            new ShippingQuote("localpost", "standard", Eur(0m), 2, 4), PaymentMethod.Card, OrderAccessTokens.New()), Ct);
        order = await _orders.MarkPaidAsync(order.Number, new OrderPayment(PaymentMethod.Card, "test-gateway", "pi_" + order.Number, PaymentOutcome.Captured, Eur(19.90m), Eur(0m)), Actor.System("checkout"), Ct);
        if (!delivered) return order;
        var n = order.Number;
        await _orders.AttachShipmentAsync(n, new Shipment("localpost", "shp_" + n, "TRK" + n, "https://track.example/" + n, null), Ct);
        return await _orders.ApplyTrackingAsync(new TrackingEvent("evt_d_" + n, "localpost", "TRK" + n, n, TrackingStatus.Delivered, DateTimeOffset.UtcNow.AddHours(-1), null), Ct);
    }

    public static object Review(int rating = 5, string name = "Ada L.", string title = "Lovely mug", string text = "Keeps my tea warm and the glaze is beautiful.") =>
        new { rating, title, text, displayName = name };

    public async Task<JsonElement> CreatedReviewAsync(HttpClient customer, string productId, object? body = null)
    {
        var response = await customer.PostJsonAsync($"api/products/{productId}/reviews", body ?? Review());
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return json;
    }

    public async Task<JsonElement> DecideAsync(string productId, string reviewId, string decision, string? reason = null, HttpClient? staff = null)
    {
        var response = await (staff ?? Merchandiser).PostJsonAsync($"api/products/{productId}/reviews/{reviewId}/{decision}", new { reason });
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    public async Task<(JsonElement Product, int CosmosCalls)> ProductReadAsync(string productId)
    {
        var response = await Anonymous.GetAsync($"api/products/{productId}");
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return (json, response.CosmosCalls());
    }

    public async Task<JsonElement> ListingAsync(string productId, string query = "")
    {
        var response = await Anonymous.GetAsync($"api/products/{productId}/reviews{query}");
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    /// <summary>The newest email to this address with this subject in the local mailbox (waits for it a little).</summary>
    public Task<string> MailAsync(string to, string subjectPart) => new Hosting.TestMailbox(fixture).MailAsync(to, subjectPart);
}
