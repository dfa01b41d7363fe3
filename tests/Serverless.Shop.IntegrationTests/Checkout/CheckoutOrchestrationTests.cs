using Serverless.Shop.Infrastructure.Common;
using System.Net;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>
/// The checkout orchestration, in process on the local host, for every payment method and every way it can fail:
/// the happy paths end processing (paid, stock committed, parcel registered); failures undo what was done and tell
/// the customer why; nothing is ever charged, reserved or redeemed twice.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CheckoutOrchestrationTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);
    private LocalCardPaymentSimulator Cards => fixture.Shop.Services.GetRequiredService<LocalCardPaymentSimulator>();

    private static string Status(JsonElement order) => order.GetProperty("status").GetString()!;

    [Fact]
    public async Task A_card_checkout_charges_once_commits_the_stock_registers_the_parcel_and_closes_the_cart()
    {
        var mug = await _shop.ProductInStockAsync(units: 5, price: 20.00m);
        var cart = await _shop.CartWithAsync(mug, 2);

        var placed = await _shop.PlaceAsync(cart);
        placed.Body.GetProperty("status").GetString().ShouldBe("pendingPayment");
        await _shop.CompletedAsync(placed.Number);

        var order = await _shop.OrderAsync(placed);
        Status(order).ShouldBe("processing");
        order.GetProperty("tracking").GetProperty("trackingNumber").GetString().ShouldNotBeNullOrEmpty();
        var total = order.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal();
        Cards.Payments.Where(p => p.OrderId == placed.Number).ShouldHaveSingleItem().Amount.Amount.ShouldBe(total);
        var stock = await _shop.StockAsync(mug.Sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(3);
        stock.GetProperty("reserved").GetInt32().ShouldBe(0);
        (await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("4000000000000002", "declined")]
    [InlineData("4000000000009995", "insufficient")]
    public async Task A_declined_card_cancels_the_order_with_the_reason_and_gives_the_stock_back(string card, string reasonPart)
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), token: card);

        var outcome = (await _shop.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!;

        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        var order = await _shop.OrderAsync(placed);
        Status(order).ShouldBe("cancelled");
        order.GetProperty("cancellationReason").GetString()!.ToLowerInvariant().ShouldContain(reasonPart);
        var stock = await _shop.StockAsync(mug.Sku);
        stock.GetProperty("available").GetInt32().ShouldBe(3);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task A_card_that_needs_authentication_waits_for_the_webhook_and_is_paid_once_however_often_it_is_delivered()
    {
        var mug = await _shop.ProductInStockAsync(units: 2);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), token: "4000002500003155");
        var pending = await _shop.AwaitingPaymentAsync(placed);
        pending.GetProperty("payment").GetProperty("redirectUrl").GetString().ShouldNotBeNullOrEmpty();

        var payment = Cards.Payments.Single(p => p.OrderId == placed.Number);
        var webhook = await Cards.CompleteAuthenticationAsync(payment.Id, authenticated: true, CancellationToken.None);
        var receipts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/payments/{LocalCardPaymentSimulator.ProviderName}") { Content = new StringContent(webhook.Body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Stripe-Signature", webhook.Signature);
            var response = await _shop.Guest.SendAsync(request);
            var body = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
            receipts.Add(body.GetProperty("receipt").GetString()!);
        }

        receipts.ShouldBe(["handled", "duplicate", "duplicate"]);
        await _shop.CompletedAsync(placed.Number);
        var order = await _shop.OrderAsync(placed);
        Status(order).ShouldBe("processing");
        order.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("change").GetString() == "paid").ShouldBe(1);
        Cards.Payments.Count(p => p.OrderId == placed.Number).ShouldBe(1);
    }

    [Fact]
    public async Task A_webhook_with_a_bad_signature_is_refused_with_401_and_changes_nothing()
    {
        var mug = await _shop.ProductInStockAsync(units: 2);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), token: "4000002500003155");
        await _shop.AwaitingPaymentAsync(placed);
        var payment = Cards.Payments.Single(p => p.OrderId == placed.Number);
        var webhook = await Cards.CompleteAuthenticationAsync(payment.Id, authenticated: true, CancellationToken.None);

        var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/payments/{LocalCardPaymentSimulator.ProviderName}") { Content = new StringContent(webhook.Body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", webhook.Signature.Replace("v1=", "v1=00", StringComparison.Ordinal));
        var response = await _shop.Guest.SendAsync(request);

        (await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.Unauthorized)).GetProperty("type").GetString()!.ShouldEndWith("/bad-signature");
        await Task.Delay(500);
        Status(await _shop.OrderAsync(placed)).ShouldBe("pendingPayment");
        await _shop.Durable.TerminateInstanceAsync(placed.Number, "test over");
    }

    [Fact]
    public async Task A_card_authentication_never_completed_times_out_and_the_checkout_is_undone()
    {
        // The fixture gives customers seconds, not minutes, to finish 3-D Secure (Checkout:PaymentActionMinutes).
        var mug = await _shop.ProductInStockAsync(units: 2);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 2), token: "4000002500003155");

        var outcome = (await _shop.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!;

        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        outcome.Reason!.ShouldContain("not completed in time");
        Cards.Payments.Single(p => p.OrderId == placed.Number).Status.ShouldBe(SimulatedPaymentStatus.Canceled);
        (await _shop.StockAsync(mug.Sku)).GetProperty("available").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task A_bank_transfer_waits_for_the_bank_and_a_signed_bank_webhook_pays_the_order()
    {
        var mug = await _shop.ProductInStockAsync(units: 2, price: 35.00m);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), method: "bankTransfer", token: null);
        var pending = await _shop.AwaitingPaymentAsync(placed);
        var transfer = pending.GetProperty("payment").GetProperty("transfer");
        (await _shop.StockAsync(mug.Sku)).GetProperty("reserved").GetInt32().ShouldBe(1);

        (await SendBankTransferAsync(transfer.GetProperty("reference").GetString()!, transfer.GetProperty("amount").GetProperty("amount").GetDecimal()))
            .GetProperty("receipt").GetString().ShouldBe("handled");

        await _shop.CompletedAsync(placed.Number);
        Status(await _shop.OrderAsync(placed)).ShouldBe("processing");
        (await _shop.StockAsync(mug.Sku)).GetProperty("totalOnHand").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_bank_transfer_never_paid_is_cancelled_when_it_is_due_and_its_stock_released()
    {
        // The fixture gives a transfer about a minute (Payments:BankTransfer:DaysToPay); the durable timer waits for it.
        var mug = await _shop.ProductInStockAsync(units: 2);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 2), method: "bankTransfer", token: null);
        await _shop.AwaitingPaymentAsync(placed);
        (await _shop.StockAsync(mug.Sku)).GetProperty("available").GetInt32().ShouldBe(0);

        var outcome = (await _shop.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!;

        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        outcome.Reason!.ShouldContain("not completed in time");
        var cancelled = await _shop.OrderAsync(placed);
        Status(cancelled).ShouldBe("cancelled");
        (await _shop.StockAsync(mug.Sku)).GetProperty("available").GetInt32().ShouldBe(2);

        // The money arrives after all: the cancelled order stays cancelled and the payment goes back.
        var transfer = cancelled.GetProperty("payment").GetProperty("transfer");
        var late = await SendBankTransferAsync(transfer.GetProperty("reference").GetString()!, transfer.GetProperty("amount").GetProperty("amount").GetDecimal());
        late.GetProperty("receipt").GetString().ShouldBe("latePaymentRefunded");
        Status(await _shop.OrderAsync(placed)).ShouldBe("cancelled");
    }

    [Fact]
    public async Task An_admin_can_mark_a_bank_transfer_received_and_a_second_time_is_refused()
    {
        var mug = await _shop.ProductInStockAsync(units: 2, price: 12.50m);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), method: "bankTransfer", token: null);
        var pending = await _shop.AwaitingPaymentAsync(placed);
        var total = pending.GetProperty("pricing").GetProperty("total");

        var wrong = await _shop.Admin.PostJsonAsync($"api/orders/{placed.Number}/bank-transfer/received", new { amount = new { amount = 1.00m, currency = "EUR" } });
        await ProblemAssertions.ShouldBeProblem(wrong, HttpStatusCode.BadRequest, "amount.amount");
        var forbidden = await _shop.Guest.PostJsonAsync($"api/orders/{placed.Number}/bank-transfer/received", new { amount = total });
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var marked = await _shop.Admin.PostJsonAsync($"api/orders/{placed.Number}/bank-transfer/received", new { amount = total, reference = "statement 2026-11-27" });
        marked.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await marked.JsonAsync()).ToString());
        await _shop.CompletedAsync(placed.Number);

        var again = await _shop.Admin.PostJsonAsync($"api/orders/{placed.Number}/bank-transfer/received", new { amount = total });
        await ProblemAssertions.ShouldBeProblem(again, HttpStatusCode.Conflict, "status");
    }

    [Fact]
    public async Task An_e_wallet_checkout_redirects_to_the_wallet_and_its_approval_webhook_pays_the_order()
    {
        var mug = await _shop.ProductInStockAsync(units: 2);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), method: "eWallet", token: null);
        var pending = await _shop.AwaitingPaymentAsync(placed);
        var redirect = new Uri(pending.GetProperty("payment").GetProperty("redirectUrl").GetString()!);

        var wallet = fixture.Shop.Services.GetRequiredService<LocalWalletSimulator>();
        var approval = wallet.Approve(redirect.Segments[^1]);
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/payments/{LocalWalletSimulator.ProviderName}") { Content = new StringContent(approval.Body, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in approval.Headers) request.Headers.TryAddWithoutValidation(name, value);
        (await _shop.Guest.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await _shop.CompletedAsync(placed.Number);
        Status(await _shop.OrderAsync(placed)).ShouldBe("processing");
    }

    [Fact]
    public async Task When_the_carrier_is_down_the_payment_is_refunded_the_stock_released_and_the_order_cancelled_in_that_order()
    {
        var mug = await _shop.ProductInStockAsync(units: 4, price: 15.00m);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 2), address: CheckoutShopper.Address(line1: $"{LocalCarrierSimulator.DownMarker} street 1"));

        var outcome = (await _shop.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!;

        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        var order = await _shop.OrderAsync(placed);
        Status(order).ShouldBe("cancelled");
        var charged = Cards.Payments.Single(p => p.OrderId == placed.Number);
        Cards.Refunds.Where(r => r.PaymentId == charged.Id).Sum(r => r.Amount.Amount).ShouldBe(charged.Amount.Amount);
        order.GetProperty("payment").GetProperty("refundedAmount").GetProperty("amount").GetDecimal().ShouldBe(charged.Amount.Amount);
        var stock = await _shop.StockAsync(mug.Sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(4);
        stock.GetProperty("available").GetInt32().ShouldBe(4);
        var changes = order.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("change").GetString()).ToList();
        changes.ShouldBe(["placed", "paid", "cancelled", "refunded"], ignoreOrder: false);
    }

    [Fact]
    public async Task A_checkout_whose_orchestration_was_lost_is_resumed_by_the_timer_and_finishes_without_doing_anything_twice()
    {
        var mug = await _shop.ProductInStockAsync(units: 3, price: 9.00m);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), method: "bankTransfer", token: null);
        var pending = await _shop.AwaitingPaymentAsync(placed);

        // The process dies: the orchestration's history is gone, the order (in Cosmos DB) is not.
        await _shop.Durable.TerminateInstanceAsync(placed.Number, "simulated crash");
        await _shop.Durable.WaitForInstanceCompletionAsync(placed.Number);
        await _shop.Durable.PurgeInstanceAsync(placed.Number);
        await Task.Delay(TimeSpan.FromSeconds(1));
        (await fixture.Shop.Services.GetRequiredService<FindInterruptedCheckouts>().ListAsync(default)).ShouldContain(placed.Number);
        await fixture.Shop.RunTimerAsync("ResumeInterruptedCheckouts");
        var resumed = await HttpTestExtensions.EventuallyAsync(async () => await _shop.Durable.GetInstanceAsync(placed.Number, getInputsAndOutputs: true), i => i is { RuntimeStatus: OrchestrationRuntimeStatus.Running });
        resumed.ShouldNotBeNull("the timer did not start the checkout again").RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running, resumed.FailureDetails?.ToString());

        var total = pending.GetProperty("pricing").GetProperty("total");
        var marked = await _shop.Admin.PostJsonAsync($"api/orders/{placed.Number}/bank-transfer/received", new { amount = total });
        marked.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await marked.JsonAsync()).ToString());
        await _shop.CompletedAsync(placed.Number);

        var order = await _shop.OrderAsync(placed);
        Status(order).ShouldBe("processing");
        order.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("change").GetString() == "paymentPending").ShouldBe(1);
        var stock = await _shop.StockAsync(mug.Sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(2);
        stock.GetProperty("reserved").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Replaying_every_step_of_a_finished_checkout_charges_reserves_commits_and_ships_nothing_more()
    {
        var mug = await _shop.ProductInStockAsync(units: 3);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1));
        await _shop.FinishedAsync(placed.Number);
        var stockBefore = await _shop.StockAsync(mug.Sku);
        var orderBefore = await _shop.OrderAsync(placed);

        var steps = fixture.Shop.Services.GetRequiredService<CheckoutSteps>();
        var process = new CheckoutProcess(placed.Number, Domain.Payments.PaymentMethod.Card, CheckoutShopper.VisaToken, null, null, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));
        await steps.HoldPromotionsAsync(placed.Number, default);
        await steps.ReserveStockAsync(new ReserveStockStep(placed.Number, DateTimeOffset.UtcNow.AddMinutes(5)), default);
        var payment = await steps.TakePaymentAsync(process, default);
        await steps.MarkPaidAsync(new MarkPaidStep(placed.Number, payment), default);
        await steps.CreateShipmentAsync(placed.Number, default);
        await steps.CommitStockAsync(placed.Number, default);
        await steps.RedeemPromotionsAsync(placed.Number, default);

        Cards.Payments.Count(p => p.OrderId == placed.Number).ShouldBe(1);
        var stockAfter = await _shop.StockAsync(mug.Sku);
        stockAfter.GetProperty("totalOnHand").GetInt32().ShouldBe(stockBefore.GetProperty("totalOnHand").GetInt32());
        stockAfter.GetProperty("reserved").GetInt32().ShouldBe(0);
        var orderAfter = await _shop.OrderAsync(placed);
        orderAfter.GetProperty("history").GetArrayLength().ShouldBe(orderBefore.GetProperty("history").GetArrayLength());
        orderAfter.GetProperty("tracking").GetProperty("trackingNumber").GetString().ShouldBe(orderBefore.GetProperty("tracking").GetProperty("trackingNumber").GetString());
    }

    // What the bank's statement integration sends when a transfer arrives, signed with the shop's bank webhook secret.
    private async Task<JsonElement> SendBankTransferAsync(string reference, decimal amount)
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
        return json;
    }
}
