using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.IntegrationTests.Reviews;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// The walkthrough of docs/shipping.http, request by request, as a new user does it on the local host: a second warehouse
/// stocked by a transfer; an order to an address near it, allocated there with a fee from there; the parcel delivered
/// by the carrier simulator with its tracking timeline and the emails; one item returned, restocked and refunded.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ShippingWalkthroughTests(LocalShopFixture fixture)
{
    private static readonly object Hamburg = new { name = "Alex Example", line1 = "Mönckebergstraße 7", city = "Hamburg", postalCode = "20095", country = "DE" };

    private readonly CheckoutShopper _shop = new(fixture);
    private readonly HttpClient _merchandiser = fixture.Client(ShopRoles.Merchandiser);
    private readonly HttpClient _support = fixture.Client(ShopRoles.Support);

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> sending, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await sending;
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(status, body.ToString());
        return body;
    }

    private async Task<JsonElement> GuestViewAsync(string number, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/orders/{number}/status");
        request.Headers.Add(CheckoutShopper.OrderTokenHeader, token);
        return await OkAsync(_shop.Guest.SendAsync(request));
    }

    [Fact]
    public async Task A_new_user_stocks_a_second_warehouse_buys_near_it_watches_the_parcel_arrive_and_returns_an_item()
    {
        // 1. A second warehouse, in Hamburg, and three shirts moved to it from main with a transfer.
        var warehouse = "hh-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(_merchandiser.PostJsonAsync("api/warehouses", new
        {
            id = warehouse,
            name = $"Hamburg {warehouse}",
            address = new { line1 = "Am Sandtorkai 1", city = "Hamburg", postalCode = "20457", country = "DE" },
            location = new { latitude = 53.5437, longitude = 9.9870 },
            shipsTo = new[] { "DE", "NL" },
            priority = 10,
            dispatch = new { cutOff = "14:00", timeZone = "Europe/Berlin" },
        }), HttpStatusCode.Created);
        var shirt = await _shop.ProductInStockAsync(units: 10, price: 19.90m);
        var transfer = await OkAsync(_merchandiser.PostJsonAsync($"api/inventory/{shirt.Sku}/transfers",
            new { from = "main", to = warehouse, quantity = 3, note = "stock Hamburg" }, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        var received = await OkAsync(_merchandiser.PostAsync($"api/inventory/{shirt.Sku}/transfers/{transfer.GetProperty("transferId").GetString()}/receipt", null));
        received.GetProperty("onHand").GetProperty(warehouse).GetInt32().ShouldBe(3);

        // 2. What shipping two shirts to Hamburg costs, then the order: it ships from the Hamburg warehouse, priced from there.
        var options = await OkAsync(_shop.Guest.PostJsonAsync("api/shipping/options", new
        {
            address = Hamburg,
            items = new[] { new { productId = shirt.ProductId, sku = shirt.Sku, quantity = 2 } },
            subtotal = new { amount = 2 * shirt.Price, currency = "EUR" },
        }));
        // The quote leaves from the nearest warehouse that ships there, stock aside: in this shared test shop another
        // test's warehouse may stand in Hamburg too, so only its distance is certain. Checkout's allocation (below) is
        // the one that looks at stock.
        options.GetProperty("distanceKm").GetDouble().ShouldBeLessThan(10);
        var standardFee = options.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString() == "standard")
            .GetProperty("fee").GetProperty("amount").GetDecimal();
        var cart = await _shop.CartWithAsync(shirt, 2);
        var email = $"{TestCatalog.Unique("walkthrough")}@example.com";
        var placed = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart, address: Hamburg, email: email));
        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        placed.Body.GetProperty("shipping").GetProperty("fee").GetProperty("amount").GetDecimal().ShouldBe(standardFee);
        (await _shop.CompletedAsync(placed.Number)).Result.ShouldBe(Domain.Checkout.CheckoutResult.Completed);
        var staffView = await OkAsync(_shop.Admin.GetAsync($"api/orders/{placed.Number}"));
        staffView.GetProperty("allocation").GetProperty("parcels").EnumerateArray().Select(p => p.GetProperty("warehouseId").GetString()).ShouldBe([warehouse]);

        // 3. The carrier simulator delivers the parcel (the schedule would, step by step; "deliver now" sends the rest at
        //    once), each step a signed webhook; the order shows the timeline, and the customer got the emails.
        var tracking = (await GuestViewAsync(placed.Number, placed.Token)).GetProperty("parcels")[0].GetProperty("trackingNumber").GetString()!;
        await OkAsync(_shop.Guest.PostAsync($"simulators/carrier/{tracking}/deliver-now", null));
        var delivered = await GuestViewAsync(placed.Number, placed.Token);
        delivered.GetProperty("status").GetString().ShouldBe("delivered");
        delivered.GetProperty("parcels")[0].GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("status").GetString())
            .ShouldBe(["inTransit", "outForDelivery", "delivered"]);
        var mail = new ReviewShopper(fixture);
        (await mail.MailAsync(email, "is on its way")).ShouldContain(tracking);
        await mail.MailAsync(email, "is out for delivery");
        await mail.MailAsync(email, "was delivered");

        // 4. One shirt comes back: support opens the return (approved with a return label), the parcel arrives, the shirt
        //    goes back on Hamburg's shelf, and the customer is refunded what that shirt cost.
        var opened = await OkAsync(_support.PostJsonAsync($"api/orders/{placed.Number}/returns",
            new { reason = "changedMind", lines = new[] { new { sku = shirt.Sku, quantity = 1 } } }, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        opened.GetProperty("returns")[0].GetProperty("status").GetString().ShouldBe("approved");
        opened.GetProperty("returns")[0].GetProperty("label").GetProperty("trackingNumber").GetString().ShouldNotBe(tracking);
        var back = await OkAsync(_support.PostJsonAsync($"api/orders/{placed.Number}/returns/R1/receipt",
            new { lines = new[] { new { sku = shirt.Sku, quantity = 1, disposition = "restock", warehouse } } }));
        var oneShirt = opened.GetProperty("pricing").GetProperty("lines")[0].GetProperty("total").GetProperty("amount").GetDecimal() / 2;
        back.GetProperty("returns")[0].GetProperty("refundAmount").GetProperty("amount").GetDecimal().ShouldBe(oneShirt, tolerance: 0.005m);
        back.GetProperty("payment").GetProperty("refundedAmount").GetProperty("amount").GetDecimal().ShouldBe(oneShirt, tolerance: 0.005m);
        (await _shop.StockAsync(shirt.Sku)).GetProperty("onHand").GetProperty(warehouse).GetInt32().ShouldBe(3 - 2 + 1);
        (await GuestViewAsync(placed.Number, placed.Token)).GetProperty("returns")[0].GetProperty("refundState").GetString().ShouldBe("completed");
    }
}
