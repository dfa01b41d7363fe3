using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Carts;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Checkout;

/// <summary>Starting a checkout, the webhooks that move it on, and the safety net that resumes interrupted ones.</summary>
public sealed class CheckoutFunctions(
    StartCheckout startCheckout, ReceivePaymentWebhook paymentWebhooks, ReceiveTrackingWebhook trackingWebhooks,
    MarkTransferReceived markTransferReceived, FindInterruptedCheckouts interrupted, ReconcilePayments reconciliation, ILogger<CheckoutFunctions> logger,
    Domain.Analytics.Reports.IBusinessMetrics metrics)
{
    private const int MaximumWebhookBytes = 64 * 1024;

    [Function("StartCheckout")]
    [PublicEndpoint(Guard = "the cart's Cart-Token, or the signed-in customer who owns the cart")]
    [ApiDoc("Checkout", "Check out a cart (send an Idempotency-Key): 202 with the order, pending payment, and its Order-Token; the checkout orchestration reserves stock, takes payment and ships. Follow it at /api/orders/{number}/status",
        Request = typeof(CheckoutInput), Response = typeof(CheckoutStarted), SuccessStatus = 202)]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "checkouts")] HttpRequest req, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var (started, process) = await startCheckout.StartAsync(await req.ReadJsonAsync<CheckoutInput>(), CartFunctions.Access(req), ct);
        // The order exists before its orchestration: if the process stops in between, ResumeInterruptedCheckouts starts it.
        await durable.ScheduleNewOrchestrationInstanceAsync(CheckoutOrchestration.Name, process, new StartOrchestrationOptions(process.OrderNumber), ct);
        metrics.CheckoutStarted();
        return Api.Accepted(started).WithHeader("Location", $"/api/orders/{started.OrderNumber}/status");
    }

    [Function("ReceivePaymentWebhook")]
    [MaximumBodyBytes(MaximumWebhookBytes)]
    [PublicEndpoint(Guard = "the provider's signature over the body (401 when it does not verify)")]
    [ApiDoc("Checkout", "Webhooks of payment providers (stripe, local-card-simulator, bank-transfer, paypal, local-wallet). The signature is the authentication: 401 when it does not verify. A redelivered event is acknowledged and changes nothing")]
    public async Task<IActionResult> PaymentWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/payments/{provider}")] HttpRequest req, string provider,
        [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var receipt = await paymentWebhooks.HandleAsync(provider, Headers(req), await RawBodyAsync(req), new DurableCheckoutSignals(durable), ct);
        if (receipt == WebhookReceipt.LatePaymentRefunded)
            logger.LogWarning("A payment from {Provider} arrived for an order that no longer wanted it; it was refunded (a bank transfer refund is a task for staff).", provider);
        else if (receipt == WebhookReceipt.CheckoutResumed)
            logger.LogWarning("A payment from {Provider} arrived while its checkout was not running; the checkout was started again.", provider);
        return Api.Ok(new { receipt });
    }

    [Function("ReceiveCarrierWebhook")]
    [MaximumBodyBytes(MaximumWebhookBytes)]
    [PublicEndpoint(Guard = "the carrier's signature over the body (401 when it does not verify)")]
    [ApiDoc("Checkout", "Tracking webhooks of carriers (local-carrier): signature checked (401), duplicates ignored, updates applied to the order in the order they happened")]
    public async Task<IActionResult> CarrierWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/carriers/{carrier}")] HttpRequest req, string carrier, CancellationToken ct) =>
        Api.Ok(new { receipt = await trackingWebhooks.HandleAsync(carrier, Headers(req), await RawBodyAsync(req), ct) });

    [Function("MarkBankTransferReceived")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Checkout", "An admin saw the bank transfer of a pending order arrive: the checkout goes on as if the bank had said so", Request = typeof(TransferReceivedInput))]
    public async Task<IActionResult> TransferReceived(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{number}/bank-transfer/received")] HttpRequest req, string number,
        [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var payment = await markTransferReceived.ToEventAsync(number, await req.ReadJsonAsync<TransferReceivedInput>(), req.OperationId("transfer"), ct);
        if (!await new DurableCheckoutSignals(durable).SignalPaymentAsync(payment, ct))
            throw new BusinessRuleViolationException($"No checkout of order {number} is waiting for its transfer.", "status");
        return Api.Accepted(new { orderNumber = payment.OrderId, payment.Type });
    }

    /// <summary>
    /// Every five minutes: checkouts whose orchestration is gone (a local host restarted; in Azure, one that failed)
    /// start again under the same instance id. Their steps are idempotent, so nothing is done twice.
    /// </summary>
    [Function("ResumeInterruptedCheckouts")]
    public async Task Resume([TimerTrigger("0 */5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var signals = new DurableCheckoutSignals(durable);
        foreach (var number in await interrupted.ListAsync(ct))
        {
            // Read before the order is: most pending orders are transfers whose checkout is waiting, as it should.
            var instance = await durable.GetInstanceAsync(number, ct);
            if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended }) continue;
            if (await signals.RestartAsync(await interrupted.ProcessForAsync(number, ct), ct))
                logger.LogWarning("Resumed the checkout of order {Order}: its orchestration was {Status}.", number, instance?.RuntimeStatus.ToString() ?? "missing");
        }
    }

    /// <summary>
    /// Every five minutes (offset from the resume timer): orders whose payment ledger and status disagree, and card orders
    /// stuck pending payment, are fixed (ReconcilePayments: signal or restart the checkout, refund, ask the provider).
    /// </summary>
    [Function("ReconcilePayments")]
    public async Task Reconcile([TimerTrigger("0 2-59/5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        foreach (var order in await reconciliation.RunAsync(new DurableCheckoutSignals(durable), ct))
        {
            if (order.Action == ReconcileAction.FlaggedForStaff)
                logger.LogError("Reconciling the payments of order {Order} failed: {Detail}. It stays flagged and is tried again.", order.Number, order.Detail);
            else if (order.Action != ReconcileAction.Waiting)
                logger.LogWarning("Reconciled the payments of order {Order}: {Action} ({Detail}).", order.Number, order.Action, order.Detail);
        }
    }

    private static Dictionary<string, string> Headers(HttpRequest req) =>
        req.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    // Signatures are computed over the exact bytes sent, so the body is read raw, not as JSON.
    private static async Task<string> RawBodyAsync(HttpRequest req)
    {
        if (req.ContentLength > MaximumWebhookBytes) throw new InputTooLargeException($"A webhook body may be at most {MaximumWebhookBytes / 1024} KB.");
        using var reader = new StreamReader(req.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(req.HttpContext.RequestAborted);
        return body.Length > MaximumWebhookBytes ? throw new InputTooLargeException($"A webhook body may be at most {MaximumWebhookBytes / 1024} KB.") : body;
    }
}
