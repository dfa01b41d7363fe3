using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Loyalty;

/// <summary>
/// Points over HTTP: orders changed through the app's own <see cref="ManageOrders"/> on the emulators, the order-events
/// queue function applying each change to the customer's points in Cosmos DB, and <c>GET /api/me/points</c> showing them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PointsApiTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ManageOrders _orders = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    private readonly OrderReturns _returns = fixture.Shop.Services.GetRequiredService<OrderReturns>();

    private static Money Eur(decimal amount) => new(amount, "EUR");

    private (string Id, HttpClient Client) NewCustomer()
    {
        var id = "cust_" + Guid.NewGuid().ToString("N")[..12];
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return (id, client);
    }

    /// <summary>A paid order of 26.50 EUR (26 points at the default rate), delivered at <paramref name="deliveredAt"/> unless null.</summary>
    private async Task<Order> PaidOrderAsync(string customerId, DateTimeOffset? deliveredAt = null)
    {
        var line = new PricedLine("line_1", "prod_mug", "MUG-BLUE", "Blue mug", 2, Eur(12m), null, Eur(24m), [], Eur(0m), Eur(17.82m), 0.19m, Eur(3.38m), Eur(21.60m), null);
        var pricing = new PricedCart("EUR", [line], [], [], Eur(24m), Eur(0m), Eur(4.90m), Eur(0m), Eur(0.78m), Eur(4.23m), Eur(22.27m), Eur(26.50m), true);
        var order = await _orders.PlaceAsync(new PlaceOrder(OrderNumbers.New(), customerId, $"buyer-{Guid.NewGuid():N}@example.com", pricing,
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null),
            new ShippingQuote("localpost", "standard", Eur(4.90m), 2, 4), PaymentMethod.Card, OrderAccessTokens.New()), Ct);
        order = await _orders.MarkPaidAsync(order.Number, new OrderPayment(PaymentMethod.Card, "test-gateway", "pi_" + order.Number, PaymentOutcome.Captured, Eur(26.50m), Eur(0m)), Actor.System("checkout"), Ct);
        if (deliveredAt is not { } at) return order;
        var n = order.Number;
        await _orders.AttachShipmentAsync(n, new Shipment("localpost", "shp_" + n, "TRK" + n, "https://track.example/" + n, null), Ct);
        await _orders.ApplyTrackingAsync(new TrackingEvent("evt_1_" + n, "localpost", "TRK" + n, n, TrackingStatus.InTransit, at.AddHours(-2), null), Ct);
        return await _orders.ApplyTrackingAsync(new TrackingEvent("evt_2_" + n, "localpost", "TRK" + n, n, TrackingStatus.Delivered, at, null), Ct);
    }

    private static async Task<JsonElement> PointsAsync(HttpClient client)
    {
        var response = await client.GetAsync("api/me/points");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static Task<JsonElement> PointsWhenAsync(HttpClient client, Func<JsonElement, bool> done) =>
        HttpTestExtensions.EventuallyAsync(() => PointsAsync(client), done);

    private static int Available(JsonElement points) => points.GetProperty("available").GetInt32();
    private static int Pending(JsonElement points) => points.GetProperty("pending").GetInt32();
    private static string[] Kinds(JsonElement points) => [.. points.GetProperty("movements").EnumerateArray().Select(m => m.GetProperty("kind").GetString()!)];

    [Fact]
    public async Task A_paid_order_earns_pending_points_that_become_available_once_the_return_window_after_delivery_has_passed()
    {
        var (customerId, client) = NewCustomer();
        var order = await PaidOrderAsync(customerId);

        var pending = await PointsWhenAsync(client, p => Pending(p) > 0);
        Pending(pending).ShouldBe(26);
        Available(pending).ShouldBe(0);

        // Delivered 31 days ago: the 30-day return window has passed, so the delivery's event releases the points at once.
        var n = order.Number;
        await _orders.AttachShipmentAsync(n, new Shipment("localpost", "shp_" + n, "TRK" + n, "https://track.example/" + n, null), Ct);
        await _orders.ApplyTrackingAsync(new TrackingEvent("evt_d_" + n, "localpost", "TRK" + n, n, TrackingStatus.Delivered, DateTimeOffset.UtcNow.AddDays(-31), null), Ct);

        var available = await PointsWhenAsync(client, p => Available(p) > 0);
        Available(available).ShouldBe(26);
        Pending(available).ShouldBe(0);
        Kinds(available).ShouldBe(["released", "earned"], "newest first, each once although every change of the order ran the ledger");
    }

    [Fact]
    public async Task A_returned_order_loses_its_pending_points()
    {
        var (customerId, client) = NewCustomer();
        var order = await PaidOrderAsync(customerId, deliveredAt: DateTimeOffset.UtcNow.AddHours(-1));
        await PointsWhenAsync(client, p => Pending(p) == 26);

        await _returns.RequestReturnAsync(order.Number, "Too small", new Actor(customerId, [ShopRoles.Customer]), Ct);
        await _returns.MarkReturnedAsync(order.Number, Actor.System("test"), Ct);

        var after = await PointsWhenAsync(client, p => Pending(p) == 0);
        Pending(after).ShouldBe(0);
        Available(after).ShouldBe(0);
        Kinds(after).ShouldBe(["reversed", "earned"]);
        after.GetProperty("movements")[0].GetProperty("points").GetInt32().ShouldBe(-26);
    }

    [Fact]
    public async Task The_timer_releases_points_whose_window_has_passed_and_expires_points_past_their_date()
    {
        var (customerId, client) = NewCustomer();
        var store = fixture.Shop.Services.GetRequiredService<IPointsAccountStore>();
        var now = DateTimeOffset.UtcNow;
        // Written as the ledger leaves them: one order's points pending with its window passed, another's available and expired.
        await store.SaveAsync(new PointsAccount(customerId,
            [
                new OrderPoints("SS-TEST-0001", 40, 0, Available: false, OnHold: false, now.AddDays(-40), AvailableAt: now.AddMinutes(-1), ExpiresAt: null),
                new OrderPoints("SS-TEST-0002", 15, 0, Available: true, OnHold: false, now.AddDays(-400), now.AddDays(-366), ExpiresAt: now.AddMinutes(-1)),
                new OrderPoints("SS-TEST-0003", 7, 0, Available: true, OnHold: false, now.AddDays(-40), now.AddDays(-10), ExpiresAt: now.AddDays(355)),
            ], [], ["SS-TEST-0001", "SS-TEST-0002", "SS-TEST-0003"]), null, Ct);

        await fixture.Shop.RunTimerAsync("ReleaseAndExpirePoints", Ct);

        var points = await PointsAsync(client);
        Available(points).ShouldBe(47, "40 released and 7 still valid; the 15 expired");
        Pending(points).ShouldBe(0);
        Kinds(points).ShouldBe(["expired", "released"]);
    }

    [Fact]
    public async Task A_customer_sees_only_their_own_points_and_only_a_customer_may_ask()
    {
        var (owner, _) = NewCustomer();
        await PaidOrderAsync(owner);
        var (_, someoneElse) = NewCustomer();

        var theirs = await PointsAsync(someoneElse);
        Available(theirs).ShouldBe(0);
        Pending(theirs).ShouldBe(0);
        theirs.GetProperty("movements").GetArrayLength().ShouldBe(0);

        await ShouldBeProblem(await fixture.Client().GetAsync("api/me/points"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Merchandiser).GetAsync("api/me/points"), HttpStatusCode.Forbidden);
    }
}
