using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.IntegrationTests.Reviews;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// The daily ExpireOverdueReturns timer in the local shop (Cosmos DB emulator, local carrier, local mailbox): an
/// approved return whose parcel never set off is closed, the order stays delivered and the customer is emailed.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ReturnExpiryTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ManageOrders _orders = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    private readonly OrderQueries _queries = fixture.Shop.Services.GetRequiredService<OrderQueries>();
    private readonly IOrderStore _store = fixture.Shop.Services.GetRequiredService<IOrderStore>();
    private readonly HttpClient _support = fixture.Client(ShopRoles.Support);

    private static Money Eur(decimal amount) => new(amount, "EUR");

    private async Task<JsonElement> OrderAsync(string number)
    {
        var response = await _support.GetAsync($"api/orders/{number}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Fact]
    public async Task The_timer_expires_an_approved_return_whose_parcel_never_set_off_and_emails_the_customer()
    {
        var order = await DeliveredOrders.TwoMugsAsync(_orders, _queries, null, TimeSpan.FromHours(1));
        var opened = await _support.PostJsonAsync($"api/orders/{order.Number}/returns",
            new { reason = "changedMind", lines = new[] { new { sku = "MUG-BLUE", quantity = 1 } } }, Guid.NewGuid().ToString());
        opened.StatusCode.ShouldBe(HttpStatusCode.Created, (await opened.JsonAsync()).ToString());
        var fresh = await _store.FindAsync(order.Number, Ct);
        fresh!.Value.Returns.Single().Status.ShouldBe(ReturnStatus.Approved);
        fresh.Value.Returns.Single().Label.ShouldNotBeNull();

        // A return approved yesterday is not due yet.
        await fixture.Shop.RunTimerAsync("ExpireOverdueReturns", Ct);
        (await OrderAsync(order.Number)).GetProperty("returns")[0].GetProperty("status").GetString().ShouldBe("approved");

        // Its approval put 15 days back (the default limit is 14), written with the order's ETag like any change; read
        // again when the shop's order events (the return's emails) wrote the order in between.
        for (var attempt = 1; ; attempt++)
        {
            var read = (await _store.FindAsync(order.Number, Ct))!;
            var ret = read.Value.Returns.Single();
            try
            {
                await _store.SaveAsync(read.Value with { Returns = [ret with { DecidedAt = ret.DecidedAt!.Value.AddDays(-15) }] }, read.Version, Ct);
                break;
            }
            catch (StaleVersionException) when (attempt < 10)
            {
                await Task.Delay(100);
            }
        }

        await fixture.Shop.RunTimerAsync("ExpireOverdueReturns", Ct);

        var after = await OrderAsync(order.Number);
        after.GetProperty("status").GetString().ShouldBe("delivered");
        after.GetProperty("returns")[0].GetProperty("status").GetString().ShouldBe("expired");
        after.GetProperty("history").EnumerateArray().Last().GetProperty("change").GetString().ShouldBe("returnExpired");
        var mail = await new ReviewShopper(fixture).MailAsync(order.Email, $"Return R1 for order {order.Number} was closed");
        mail.ShouldContain("we did not receive the parcel within 14 days");
    }
}
