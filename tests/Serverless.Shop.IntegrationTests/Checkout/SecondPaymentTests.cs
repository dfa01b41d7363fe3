using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>
/// A payment webhook after the checkout completed: the money is recorded, and money the order does not want goes back.
/// A bank transfer cannot be refunded by the shop, so it becomes a task staff list and confirm with their reference.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class SecondPaymentTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    [Fact]
    public async Task A_transfer_paid_twice_after_the_checkout_completed_becomes_a_refund_task_that_staff_list_and_confirm()
    {
        var mug = await _shop.ProductInStockAsync(units: 2, price: 31.00m);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), method: "bankTransfer", token: null);
        var transfer = (await _shop.AwaitingPaymentAsync(placed)).GetProperty("payment").GetProperty("transfer");
        var reference = transfer.GetProperty("reference").GetString()!;
        var amount = transfer.GetProperty("amount").GetProperty("amount").GetDecimal();
        (await SendBankTransferAsync(reference, amount)).ShouldBe("handled");
        await _shop.CompletedAsync(placed.Number);

        // The customer pays again; the orchestration is long done.
        (await SendBankTransferAsync(reference, amount)).ShouldBe("latePaymentRefunded");

        var order = await StaffViewAsync(placed.Number);
        order.GetProperty("status").GetString().ShouldBe("processing");
        var task = order.GetProperty("refunds").EnumerateArray().ShouldHaveSingleItem();
        task.GetProperty("state").GetString().ShouldBe("awaitingStaff");
        task.GetProperty("amount").GetProperty("amount").GetDecimal().ShouldBe(amount);
        (await TaskNumbersAsync(_shop.Admin)).ShouldContain(placed.Number);
        (await fixture.Client().GetAsync("api/orders/refund-tasks")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.Client(ShopRoles.Customer).GetAsync("api/orders/refund-tasks")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var sequence = task.GetProperty("sequence").GetInt64();
        var missing = await fixture.Client(ShopRoles.Support).PostJsonAsync($"api/orders/{placed.Number}/refunds/{sequence}/paid", new { });
        await ProblemAssertions.ShouldBeProblem(missing, HttpStatusCode.BadRequest, "reference");
        var confirmed = await fixture.Client(ShopRoles.Support).PostJsonAsync($"api/orders/{placed.Number}/refunds/{sequence}/paid", new { reference = "NL-STATEMENT-0042" });
        var body = await confirmed.JsonAsync();
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("refunds")[0].GetProperty("state").GetString().ShouldBe("completed");
        body.GetProperty("refunds")[0].GetProperty("refundId").GetString().ShouldBe("NL-STATEMENT-0042");
        body.GetProperty("status").GetString().ShouldBe("processing", "the goods are on their way: only the second payment went back");
        (await TaskNumbersAsync(_shop.Admin)).ShouldNotContain(placed.Number);
    }

    private static async Task<List<string>> TaskNumbersAsync(HttpClient client)
    {
        var response = await client.GetAsync("api/orders/refund-tasks?pageSize=100");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("number").GetString()!).ToList();
    }

    private async Task<JsonElement> StaffViewAsync(string number)
    {
        var response = await _shop.Admin.GetAsync($"api/orders/{number}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    // What the bank's statement integration sends when a transfer arrives (a new event each time money arrives).
    private async Task<string> SendBankTransferAsync(string reference, decimal amount)
    {
        var bank = fixture.Shop.Services.GetRequiredService<BankTransferOptions>();
        var body = JsonSerializer.Serialize(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"), type = BankWebhookReader.TransferReceived, reference, amount, currency = "EUR", occurredAt = DateTimeOffset.UtcNow,
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/payments/bank-transfer") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(BankWebhookReader.SignatureHeader, HmacWebhookSignature.Sign(body, bank.WebhookSecret, DateTimeOffset.UtcNow));
        var response = await _shop.Guest.SendAsync(request);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json.GetProperty("receipt").GetString()!;
    }
}
