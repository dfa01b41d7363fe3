using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.LocalHost.Simulators;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// Real signed tracking webhooks posted over HTTP to /api/webhooks/carriers/local-carrier, as a carrier sends them:
/// redelivered, out of order, forged, for a parcel nobody knows and for another shop's order.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CarrierWebhookTests(LocalShopFixture fixture)
{
    private const string Route = "api/webhooks/carriers/local-carrier";
    private readonly CheckoutShopper _shopper = new(fixture);
    private LocalCarrierSimulator Carrier => fixture.Shop.Services.GetRequiredService<LocalCarrierSimulator>();

    private async Task<(CheckoutShopper.Placed Placed, string TrackingNumber)> ShippedOrderAsync()
    {
        var variant = await _shopper.ProductInStockAsync(3);
        var placed = await _shopper.PlaceAsync(await _shopper.CartWithAsync(variant, 1));
        await _shopper.CompletedAsync(placed.Number);
        var order = await _shopper.OrderAsync(placed);
        return (placed, order.GetProperty("tracking").GetProperty("trackingNumber").GetString()!);
    }

    private Task<HttpResponseMessage> PostAsync(SignedTrackingWebhook webhook)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
        return _shopper.Guest.SendAsync(request);
    }

    private static async Task<string> ReceiptAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("receipt").GetString()!;
    }

    private async Task<JsonElement> StaffOrderAsync(string number)
    {
        var response = await _shopper.Admin.GetAsync($"api/orders/{number}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<int> HistoryCountAsync(CheckoutShopper.Placed placed) =>
        (await StaffOrderAsync(placed.Number)).GetProperty("history").GetArrayLength();

    private static string Body(string eventId, string trackingNumber, string orderId, string status, DateTimeOffset at) =>
        JsonSerializer.Serialize(new HmacTrackingWebhookReader.TrackingWebhookBody(eventId, trackingNumber, orderId, status, at, null), ShopJson.Options);

    [Fact]
    public async Task A_redelivered_webhook_is_acknowledged_as_a_duplicate_and_changes_nothing()
    {
        var (placed, tracking) = await ShippedOrderAsync();
        var webhook = await Carrier.CreateTrackingWebhookAsync(tracking, TrackingStatus.InTransit);

        var first = await ReceiptAsync(await PostAsync(webhook));
        var entries = await HistoryCountAsync(placed);
        var again = await ReceiptAsync(await PostAsync(webhook));

        first.ShouldBe("handled");
        again.ShouldBe("duplicate");
        (await HistoryCountAsync(placed)).ShouldBe(entries);
        (await _shopper.OrderAsync(placed)).GetProperty("status").GetString().ShouldBe("shipped");
    }

    [Fact]
    public async Task An_update_that_happened_before_the_last_one_applied_is_noted_and_never_moves_the_order_back()
    {
        var (placed, tracking) = await ShippedOrderAsync();
        var delivered = await Carrier.CreateTrackingWebhookAsync(tracking, TrackingStatus.Delivered);
        var lateScan = await Carrier.CreateTrackingWebhookAsync(tracking, TrackingStatus.InTransit, occurredAt: DateTimeOffset.UtcNow.AddHours(-6));

        (await ReceiptAsync(await PostAsync(delivered))).ShouldBe("handled");
        (await ReceiptAsync(await PostAsync(lateScan))).ShouldBe("handled");

        var order = await StaffOrderAsync(placed.Number);
        order.GetProperty("status").GetString().ShouldBe("delivered");
        var last = order.GetProperty("history").EnumerateArray().Last();
        last.GetProperty("change").GetString().ShouldBe("trackingUpdated");
        last.GetProperty("status").GetString().ShouldBe("delivered");
    }

    [Fact]
    public async Task A_webhook_with_a_bad_signature_is_refused_with_401_and_changes_nothing()
    {
        var (placed, tracking) = await ShippedOrderAsync();
        var genuine = await Carrier.CreateTrackingWebhookAsync(tracking, TrackingStatus.Delivered);
        var entries = await HistoryCountAsync(placed);

        var tampered = await PostAsync(genuine with { Body = genuine.Body.Replace("delivered", "returnedToSender", StringComparison.Ordinal) });
        var forged = await PostAsync(new SignedTrackingWebhook(genuine.Body, new Dictionary<string, string>
        {
            [HmacTrackingWebhookReader.SignatureHeader] = HmacWebhookSignature.Sign(genuine.Body, "a-secret-the-shop-does-not-hold", DateTimeOffset.UtcNow),
        }));
        var unsigned = await PostAsync(new SignedTrackingWebhook(genuine.Body, new Dictionary<string, string>()));

        await ShouldBeProblem(tampered, HttpStatusCode.Unauthorized);
        await ShouldBeProblem(forged, HttpStatusCode.Unauthorized);
        await ShouldBeProblem(unsigned, HttpStatusCode.Unauthorized);
        (await HistoryCountAsync(placed)).ShouldBe(entries);
        (await _shopper.OrderAsync(placed)).GetProperty("status").GetString().ShouldBe("processing");
    }

    [Fact]
    public async Task A_webhook_for_a_parcel_of_no_order_of_this_shop_is_acknowledged_and_ignored()
    {
        // Signed with this shop's secret but naming an order this shop never had: another shop's parcel on the same
        // carrier account, or a parcel nobody knows. Acknowledged, so the carrier stops retrying; nothing is written.
        var body = Body("lcevt_" + Guid.NewGuid().ToString("N"), "LC0000000000000000000000", "ord_" + Guid.NewGuid().ToString("N")[..16], "delivered", DateTimeOffset.UtcNow);

        (await ReceiptAsync(await PostAsync(Carrier.Sign(body)))).ShouldBe("ignored");
    }

    [Fact]
    public async Task A_webhook_naming_this_shop_s_order_with_another_parcel_is_refused_with_409_and_changes_nothing()
    {
        var (placed, _) = await ShippedOrderAsync();
        var entries = await HistoryCountAsync(placed);
        var body = Body("lcevt_" + Guid.NewGuid().ToString("N"), "LC9999999999999999999999", placed.Number, "delivered", DateTimeOffset.UtcNow);

        await ShouldBeProblem(await PostAsync(Carrier.Sign(body)), HttpStatusCode.Conflict, "trackingNumber");

        (await HistoryCountAsync(placed)).ShouldBe(entries);
    }

    [Fact]
    public async Task A_webhook_for_a_carrier_the_shop_does_not_have_is_not_found()
    {
        var response = await _shopper.Guest.PostAsync("api/webhooks/carriers/no-such-carrier", new StringContent("{}", Encoding.UTF8, "application/json"));

        await ShouldBeProblem(response, HttpStatusCode.NotFound);
    }
}
