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

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// What the order API tests share: orders placed, paid and delivered through the app's own <see cref="ManageOrders"/> on
/// the emulators, read back through <see cref="OrderQueries"/>, a customer of each test's own, and clients per role.
/// </summary>
public sealed class OrderApiShopper(LocalShopFixture fixture)
{
    public const string Provider = "test-gateway";
    public static readonly CancellationToken Ct = CancellationToken.None;

    public ManageOrders Orders { get; } = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    public OrderQueries Queries { get; } = fixture.Shop.Services.GetRequiredService<OrderQueries>();
    public HttpClient Support { get; } = fixture.Client(ShopRoles.Support);
    public HttpClient Admin { get; } = fixture.Client(ShopRoles.Admin);
    public HttpClient Anonymous { get; } = fixture.Client();

    public static Money Eur(decimal amount) => new(amount, "EUR");

    /// <summary>A customer of their own, so tests sharing the shop never see each other's orders.</summary>
    public (string Id, HttpClient Client) NewCustomer()
    {
        var id = "cust_" + Guid.NewGuid().ToString("N")[..12];
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return (id, client);
    }

    public static string NewEmail() => $"buyer-{Guid.NewGuid():N}@example.com";

    public static PricedCart Breakdown()
    {
        var line = new PricedLine("line_1", "prod_mug", "MUG-BLUE", "Blue mug", 2, Eur(12m), null, Eur(24m),
            [new AppliedDiscount("promo_spring", "Spring sale", null, Eur(2.40m))], Eur(2.40m), Eur(18.15m), 0.19m, Eur(3.45m), Eur(21.60m), null);
        return new PricedCart("EUR", [line], [new AppliedPromotion("promo_spring", "Spring sale", null, Eur(2.40m))], [],
            Eur(24m), Eur(2.40m), Eur(4.90m), Eur(0m), Eur(0.78m), Eur(4.23m), Eur(22.27m), Eur(26.50m), true);
    }

    public async Task<(Order Order, string Token)> PlaceAsync(string? customerId, string? email = null, PaymentMethod method = PaymentMethod.Card)
    {
        var token = OrderAccessTokens.New();
        var order = await Orders.PlaceAsync(new PlaceOrder(OrderNumbers.New(), customerId, email ?? NewEmail(), Breakdown(),
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null),
            new ShippingQuote("localpost", "standard", Eur(4.90m), 2, 4), method, token), Ct);
        return (order, token);
    }

    public Task<Order> PayAsync(Order order) =>
        Orders.MarkPaidAsync(order.Number, new OrderPayment(PaymentMethod.Card, Provider, "pi_" + order.Number, PaymentOutcome.Captured, Eur(26.50m), Eur(0m)), Actor.System("checkout"), Ct);

    public async Task<Order> DeliveredAsync(string? customerId, string? email = null)
    {
        var (order, _) = await PlaceAsync(customerId, email);
        await PayAsync(order);
        await Orders.AttachShipmentAsync(order.Number, new Shipment("localpost", "shp_" + order.Number, "TRK" + order.Number, "https://track.example/" + order.Number, null), Ct);
        await Orders.ApplyTrackingAsync(new TrackingEvent("evt_1_" + order.Number, "localpost", "TRK" + order.Number, order.Number, TrackingStatus.InTransit, DateTimeOffset.UtcNow.AddHours(-2), "Left the depot"), Ct);
        return await Orders.ApplyTrackingAsync(new TrackingEvent("evt_2_" + order.Number, "localpost", "TRK" + order.Number, order.Number, TrackingStatus.Delivered, DateTimeOffset.UtcNow.AddHours(-1), null), Ct);
    }

    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<Versioned<Order>> StoredAsync(string number) => await Queries.GetAsync(number, Ct);

    /// <summary>
    /// Nothing happened to the order since <paramref name="before"/>: no history entry, no refund, same status. (Its ETag
    /// may change meanwhile: the queue function notes which changes it emailed the customer about.)
    /// </summary>
    public async Task ShouldBeUnchangedAsync(Versioned<Order> before)
    {
        var after = (await StoredAsync(before.Value.Number)).Value;
        after.Status.ShouldBe(before.Value.Status);
        after.History.Count.ShouldBe(before.Value.History.Count);
        after.Refunds.Count.ShouldBe(before.Value.Refunds.Count);
        after.Payment?.RefundedAmount.ShouldBe(before.Value.Payment?.RefundedAmount);
    }

    public static HttpRequestMessage WithToken(string url, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Add("Order-Token", token);
        return request;
    }
}
