using System.Net;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions.Checkout;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>
/// No payment is lost between the provider and the order, whatever became of the checkout's orchestration: the money
/// is recorded on the order first, and the checkout (started again if it must be) marks the order paid, charging once
/// and refunding nothing. Each of these ended with a paid customer and a cancelled or forgotten order before the ledger.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class LostPaymentTests(LocalShopFixture fixture)
{
    private const string ThreeDSecureCard = "4000002500003155";
    private readonly CheckoutShopper _shop = new(fixture);
    private LocalCardPaymentSimulator Cards => fixture.Shop.Services.GetRequiredService<LocalCardPaymentSimulator>();

    [Fact]
    public async Task A_payment_webhook_while_the_orchestration_is_lost_resumes_the_checkout_and_the_order_is_paid_once()
    {
        var (number, payment) = await AwaitingAuthenticationAsync();
        await StopOrchestrationAsync(number, purge: true);

        var receipt = await SendAsync(await Cards.CompleteAuthenticationAsync(payment.Id, authenticated: true, CancellationToken.None));

        receipt.ShouldBe("checkoutResumed");
        await PaidExactlyOnceAsync(number);
    }

    [Fact]
    public async Task A_payment_webhook_while_the_orchestration_is_terminated_resumes_the_checkout_and_the_order_is_paid_once()
    {
        var (number, payment) = await AwaitingAuthenticationAsync();
        await StopOrchestrationAsync(number, purge: false);

        var receipt = await SendAsync(await Cards.CompleteAuthenticationAsync(payment.Id, authenticated: true, CancellationToken.None));

        receipt.ShouldBe("checkoutResumed");
        await PaidExactlyOnceAsync(number);
    }

    [Fact]
    public async Task A_payment_webhook_while_the_orchestration_has_failed_resumes_the_checkout_and_the_order_is_paid_once()
    {
        var (number, payment) = await AwaitingAuthenticationAsync();
        await StopOrchestrationAsync(number, purge: true);
        // An orchestration under the order's id that fails for good (its compensation cannot find its order either).
        await _shop.Durable.ScheduleNewOrchestrationInstanceAsync(CheckoutOrchestration.Name,
            new CheckoutProcess("SS-ZZZZ-ZZZZ", PaymentMethod.Card, null, null, null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)), new StartOrchestrationOptions(number));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            (await _shop.Durable.WaitForInstanceCompletionAsync(number, timeout.Token)).RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Failed);

        var receipt = await SendAsync(await Cards.CompleteAuthenticationAsync(payment.Id, authenticated: true, CancellationToken.None));

        receipt.ShouldBe("checkoutResumed");
        await PaidExactlyOnceAsync(number);
    }

    [Fact]
    public async Task A_payment_webhook_before_the_orchestration_started_is_kept_and_the_checkout_pays_the_order_with_it()
    {
        var (number, process, request) = await PlacedWithoutOrchestrationAsync(ThreeDSecureCard);
        // The charge (as the checkout makes it) and the customer's 3-D Secure happen before the orchestration exists.
        var charge = await Cards.ChargeAsync(request, CancellationToken.None);
        var receipt = await SendAsync(await Cards.CompleteAuthenticationAsync(charge.PaymentId!, authenticated: true, CancellationToken.None));

        // The order may already count as interrupted (the fixture's ResumeAfter is under a second): then the webhook started it.
        receipt.ShouldBeOneOf("handled", "checkoutResumed");
        if (await _shop.Durable.GetInstanceAsync(number) is null)
            await _shop.Durable.ScheduleNewOrchestrationInstanceAsync(CheckoutOrchestration.Name, process, new StartOrchestrationOptions(number));
        await PaidExactlyOnceAsync(number);
    }

    [Fact]
    public async Task A_charge_whose_webhook_never_arrives_is_found_by_reconciliation_and_the_order_is_paid_once()
    {
        var (number, payment) = await AwaitingAuthenticationAsync();
        // The customer passed 3-D Secure at the bank; the provider's webhook is lost.
        await Cards.CompleteAuthenticationAsync(payment.Id, authenticated: true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));

        await fixture.Shop.RunTimerAsync("ReconcilePayments");

        await PaidExactlyOnceAsync(number);
    }

    [Fact]
    public async Task A_card_checkout_killed_after_the_charge_and_before_paid_is_finished_by_the_resume_timer_as_paid_with_one_charge_and_no_refund()
    {
        var (number, _, request) = await PlacedWithoutOrchestrationAsync(CheckoutShopper.VisaToken);
        // The charge went through at the provider; the process died before anything recorded it, and its orchestration with it.
        (await Cards.ChargeAsync(request, CancellationToken.None)).Outcome.ShouldBe(PaymentOutcome.Captured);
        await Task.Delay(TimeSpan.FromSeconds(1));

        await fixture.Shop.RunTimerAsync("ResumeInterruptedCheckouts");

        await PaidExactlyOnceAsync(number);
    }

    private async Task<(string Number, SimulatedPayment Payment)> AwaitingAuthenticationAsync()
    {
        var mug = await _shop.ProductInStockAsync(units: 2);
        var placed = await _shop.PlaceAsync(await _shop.CartWithAsync(mug, 1), token: ThreeDSecureCard);
        await _shop.AwaitingPaymentAsync(placed);
        return (placed.Number, Cards.Payments.Single(p => p.OrderId == placed.Number));
    }

    // What StartCheckout's function does before it schedules the orchestration: the order exists, pending payment.
    private async Task<(string Number, CheckoutProcess Process, PaymentRequest Charge)> PlacedWithoutOrchestrationAsync(string card)
    {
        var mug = await _shop.ProductInStockAsync(units: 2);
        var cart = await _shop.CartWithAsync(mug, 1);
        const string returnUrl = "https://storefront.example/checkout/done";
        var email = $"{Guid.NewGuid():N}@example.com";
        var (started, process) = await fixture.Shop.Services.GetRequiredService<StartCheckout>().StartAsync(
            new CheckoutInput(cart.Id, email, new ShippingAddress("Ada Shopper", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null), PaymentMethod.Card, card, returnUrl),
            new CartAccess(Actor.Anonymous, cart.Token), CancellationToken.None);
        var charge = new PaymentRequest(started.OrderNumber, started.Pricing.Total, PaymentMethod.Card, card, returnUrl, email, CheckoutSteps.ChargeKey(started.OrderNumber));
        return (started.OrderNumber, process, charge);
    }

    // The process died: the orchestration stops (and, after a restart of the local host, its history is gone).
    private async Task StopOrchestrationAsync(string number, bool purge)
    {
        await _shop.Durable.TerminateInstanceAsync(number, "simulated crash");
        await _shop.Durable.WaitForInstanceCompletionAsync(number);
        if (purge) await _shop.Durable.PurgeInstanceAsync(number);
        // Older than Checkout:ResumeAfterMinutes, so the order counts as interrupted.
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private async Task<string> SendAsync(SimulatedWebhook webhook)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/payments/{LocalCardPaymentSimulator.ProviderName}")
        {
            Content = new StringContent(webhook.Body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", webhook.Signature);
        var response = await _shop.Guest.SendAsync(request);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("receipt").GetString()!;
    }

    private async Task PaidExactlyOnceAsync(string number)
    {
        await _shop.CompletedAsync(number);
        var order = await StaffViewAsync(number);
        order.GetProperty("status").GetString().ShouldBe("processing", order.ToString());
        order.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("change").GetString() == "paid").ShouldBe(1);
        var charge = Cards.Payments.Where(p => p.OrderId == number).ShouldHaveSingleItem();
        charge.Status.ShouldBe(SimulatedPaymentStatus.Succeeded);
        Cards.Refunds.Where(r => r.PaymentId == charge.Id).ShouldBeEmpty();
        var ledger = order.GetProperty("ledger").GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "captured").ShouldHaveSingleItem();
        ledger.GetProperty("paymentId").GetString().ShouldBe(charge.Id);
    }

    private async Task<JsonElement> StaffViewAsync(string number)
    {
        var response = await _shop.Admin.GetAsync($"api/orders/{number}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }
}
