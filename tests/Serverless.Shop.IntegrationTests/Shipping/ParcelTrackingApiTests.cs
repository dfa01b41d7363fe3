using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.IntegrationTests.Inventory;
using Serverless.Shop.IntegrationTests.Reviews;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// A signed-in customer in Hamburg buys a mug only the Utrecht warehouse (main) has and a kettle only the Hamburg one
/// (north) has: checkout buys two labels, one per warehouse, and each parcel is tracked on its own through the carrier
/// webhook route until the last delivery delivers the order; the customer's and the guest's order views show each
/// parcel's timeline, and every step sends its email and publishes its event.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ParcelTrackingApiTests(LocalShopFixture fixture)
{
    private const string North = "north";
    private const string WebhookRoute = "api/webhooks/carriers/local-carrier";
    private readonly CheckoutShopper _shop = new(fixture);
    private readonly HttpClient _customer = fixture.Client(ShopRoles.Customer);
    private LocalCarrierSimulator Carrier => fixture.Shop.Services.GetRequiredService<LocalCarrierSimulator>();

    private static readonly object Hamburg = new { name = "Alex Example", line1 = "Hauptstraße 1", city = "Hamburg", postalCode = "20095", country = "DE" };

    private async Task<CheckoutShopper.Variant> OnlyInNorthAsync()
    {
        var kettle = await _shop.ProductInStockAsync(units: 2);
        var merchandiser = fixture.Client(ShopRoles.Merchandiser);
        foreach (var (warehouse, quantity) in new[] { (North, 2), ("main", -2) })
        {
            var moved = await merchandiser.PostJsonAsync($"api/inventory/{kettle.Sku}/adjustments", new { warehouse, quantity, reason = "correction" });
            moved.StatusCode.ShouldBe(HttpStatusCode.OK, (await moved.JsonAsync()).ToString());
        }
        return kettle;
    }

    private async Task<(string Number, string Token, string Email)> CustomerBuysAsync(params CheckoutShopper.Variant[] variants)
    {
        var cart = (await (await _customer.PostAsync("api/carts", null)).JsonAsync()).GetProperty("id").GetString()!;
        foreach (var v in variants)
            (await _shop.SendAsync(HttpMethod.Post, $"api/carts/{cart}/lines", null, new { productId = v.ProductId, sku = v.Sku, quantity = 1 }, client: _customer))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
        var email = $"{TestCatalog.Unique("parcels")}@example.com";
        var response = await _shop.SendAsync(HttpMethod.Post, "api/checkouts", null, new
        {
            cartId = cart, email, shippingAddress = Hamburg, paymentMethod = "card", paymentToken = CheckoutShopper.VisaToken,
            returnUrl = "https://storefront.example/checkout/done",
        }, Guid.NewGuid().ToString(), _customer);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        var number = body.GetProperty("orderNumber").GetString()!;
        await _shop.CompletedAsync(number);
        return (number, body.GetProperty("orderToken").GetString()!, email);
    }

    private async Task<JsonElement> GetOkAsync(HttpClient client, string route)
    {
        var response = await client.GetAsync(route);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task ScanAsync(string trackingNumber, TrackingStatus status, string? description = null)
    {
        var webhook = await Carrier.CreateTrackingWebhookAsync(trackingNumber, status, description);
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookRoute) { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in webhook.Headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await _shop.Guest.SendAsync(request);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("receipt").GetString().ShouldBe("handled");
    }

    private readonly List<(string Type, string Subject)> _events = [];

    /// <summary>
    /// The types of the integration events published about the order so far: the local integration-events queue is
    /// read off (every event, of any capability, kept here) so that each call sees what arrived since.
    /// </summary>
    private async Task<List<string>> EventTypesAsync(string number)
    {
        var queue = new QueueServiceClient(fixture.Shop.Stack.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None })
            .GetQueueClient(LocalQueueIntegrationEvents.QueueName);
        if ((await queue.ExistsAsync()).Value)
            for (var messages = (await queue.ReceiveMessagesAsync(32)).Value; messages.Length > 0; messages = (await queue.ReceiveMessagesAsync(32)).Value)
                foreach (var message in messages)
                {
                    using var json = JsonDocument.Parse(message.Body.ToString());
                    string? Text(string name) => json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    _events.Add((Text("type") ?? "", Text("subject") ?? ""));
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
        return [.. _events.Where(e => e.Subject == number).Select(e => e.Type)];
    }

    private static string[] Timeline(JsonElement parcel) =>
        [.. parcel.GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("status").GetString()!)];

    [Fact]
    public async Task A_two_warehouse_order_gets_a_label_per_warehouse_and_each_parcel_is_tracked_to_delivery_with_its_timeline_emails_and_events()
    {
        await TestWarehouses.EnsureAsync(fixture, North);
        var mug = await _shop.ProductInStockAsync(units: 3);
        var kettle = await OnlyInNorthAsync();

        var (number, token, email) = await CustomerBuysAsync(mug, kettle);

        // Two labels, each from its warehouse with its own key and items.
        var staff = await GetOkAsync(_shop.Admin, $"api/orders/{number}");
        staff.GetProperty("status").GetString().ShouldBe("processing");
        var parcels = staff.GetProperty("parcels").EnumerateArray().ToList();
        parcels.Select(p => p.GetProperty("warehouseId").GetString()).ShouldBe(["main", North], ignoreOrder: true);
        var tracking = parcels.ToDictionary(p => p.GetProperty("warehouseId").GetString()!, p => p.GetProperty("trackingNumber").GetString()!);
        tracking["main"].ShouldNotBe(tracking[North]);
        var northLabel = (await Carrier.FindAsync(tracking[North], CancellationToken.None)).ShouldNotBeNull();
        northLabel.IdempotencyKey.ShouldBe($"{number}-shipment-{North}");
        northLabel.Items.Select(i => (i.Sku, i.Quantity)).ShouldBe([(kettle.Sku, 1)]);
        (await Carrier.FindAsync(tracking["main"], CancellationToken.None))!.Items.Select(i => i.Sku).ShouldBe([mug.Sku]);

        // The first parcel to leave ships the order; the last delivery delivers it.
        await ScanAsync(tracking["main"], TrackingStatus.InTransit, "Left Utrecht");
        (await GetOkAsync(_customer, $"api/me/orders/{number}")).GetProperty("status").GetString().ShouldBe("shipped");
        await ScanAsync(tracking[North], TrackingStatus.InTransit);
        await ScanAsync(tracking["main"], TrackingStatus.Delivered);
        (await GetOkAsync(_customer, $"api/me/orders/{number}")).GetProperty("status").GetString().ShouldBe("shipped");
        await ScanAsync(tracking[North], TrackingStatus.OutForDelivery);
        await ScanAsync(tracking[North], TrackingStatus.Delivered);

        // The customer's view (and the guest's, with the order's token): every parcel with its timeline and tracking URL.
        var mine = await GetOkAsync(_customer, $"api/me/orders/{number}");
        mine.GetProperty("status").GetString().ShouldBe("delivered");
        var views = mine.GetProperty("parcels").EnumerateArray().ToDictionary(p => p.GetProperty("trackingNumber").GetString()!);
        Timeline(views[tracking["main"]]).ShouldBe(["inTransit", "delivered"]);
        Timeline(views[tracking[North]]).ShouldBe(["inTransit", "outForDelivery", "delivered"]);
        views[tracking["main"]].GetProperty("timeline")[0].GetProperty("description").GetString().ShouldBe("Left Utrecht");
        views[tracking["main"]].GetProperty("timeline")[0].TryGetProperty("at", out _).ShouldBeTrue();
        views[tracking[North]].GetProperty("trackingUrl").GetString().ShouldBe(Carrier.TrackingUrl(tracking[North]));
        views[tracking[North]].GetProperty("items")[0].GetProperty("sku").GetString().ShouldBe(kettle.Sku);
        var asGuest = new HttpRequestMessage(HttpMethod.Get, $"api/orders/{number}/status");
        asGuest.Headers.Add(CheckoutShopper.OrderTokenHeader, token);
        var guest = await (await _shop.Guest.SendAsync(asGuest)).JsonAsync();
        guest.GetProperty("parcels").EnumerateArray().Select(p => string.Join(",", Timeline(p)))
            .ShouldBe(views.Values.Select(p => string.Join(",", Timeline(p))), ignoreOrder: true);

        // An email per step the customer cares about, naming the parcel.
        var first = views[tracking["main"]].GetProperty("parcel").GetInt32();
        var second = views[tracking[North]].GetProperty("parcel").GetInt32();
        var mail = new ReviewShopper(fixture);
        (await mail.MailAsync(email, $"parcel {first} of 2 is on its way")).ShouldContain(tracking["main"]);
        (await mail.MailAsync(email, $"parcel {second} of 2 is on its way")).ShouldContain(tracking[North]);
        await mail.MailAsync(email, $"parcel {first} of 2 was delivered");
        await mail.MailAsync(email, $"parcel {second} of 2 is out for delivery today");
        (await mail.MailAsync(email, $"Order {number} was delivered")).ShouldContain("The last parcel of your order was delivered.");

        // And an integration event per history entry.
        string[] expected = ["order.shipment-created", "order.shipped", "order.parcel-shipped", "order.parcel-delivered", "order.out-for-delivery", "order.delivered"];
        var types = await HttpTestExtensions.EventuallyAsync(() => EventTypesAsync(number), seen => expected.All(seen.Contains) && seen.Count(t => t == "order.shipment-created") == 2,
            TimeSpan.FromSeconds(60));
        types.Count(t => t == "order.shipped").ShouldBe(1);
        types.Count(t => t == "order.delivered").ShouldBe(1);
    }

    [Fact]
    public async Task The_tracking_poll_runs_in_the_shop_and_leaves_parcels_of_carriers_with_webhooks_alone()
    {
        var mug = await _shop.ProductInStockAsync(units: 1);
        var (number, _, _) = await CustomerBuysAsync(mug);
        var before = await GetOkAsync(_shop.Admin, $"api/orders/{number}");

        await fixture.Shop.RunTimerAsync("PollParcelTracking");

        var after = await GetOkAsync(_shop.Admin, $"api/orders/{number}");
        after.GetProperty("history").GetArrayLength().ShouldBe(before.GetProperty("history").GetArrayLength());
        after.GetProperty("status").GetString().ShouldBe("processing");
    }
}
