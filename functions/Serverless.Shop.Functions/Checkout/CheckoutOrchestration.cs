using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Functions.Checkout;

/// <summary>
/// The checkout, as a saga that reads like the business process. Each step is an activity (CheckoutActivities) that is
/// idempotent by the order number, so a retried or replayed step never charges, reserves or redeems twice. When a step
/// fails for good, what was done is undone in reverse order and the order is cancelled with a reason the customer reads.
/// The orchestration's instance id is the order number: one checkout per order, never two.
/// </summary>
public static class CheckoutOrchestration
{
    public const string Name = "Checkout";

    /// <summary>The external event a payment webhook (or an admin marking a transfer received) raises.</summary>
    public const string PaymentEvent = "PaymentEvent";

    // Transient failures (a Cosmos DB throttle, a carrier timeout) are retried with backoff; a broken business rule
    // (sold out, code used up, card declined) is final at once.
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(20))
    {
        HandleFailure = failure => !failure.IsCausedBy<ShopException>(),
    });

    [Function(Name)]
    public static async Task<CheckoutOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var input = context.GetInput<CheckoutProcess>()!;
        var order = input.OrderNumber;
        var undo = new Stack<string>();
        try
        {
            await context.CallActivityAsync(CheckoutActivities.ConfirmPrice, order, Retry);

            await context.CallActivityAsync(CheckoutActivities.HoldPromotions, order, Retry);
            undo.Push(CheckoutActivities.ReleasePromotions);

            var holdUntil = context.CurrentUtcDateTime + input.ReservationHold;
            await context.CallActivityAsync(CheckoutActivities.ReserveStock, new ReserveStockStep(order, holdUntil), Retry);
            undo.Push(CheckoutActivities.ReleaseStock);

            var payment = await context.CallActivityAsync<PaymentStepResult>(CheckoutActivities.TakePayment, input, Retry);
            if (payment.Outcome is PaymentOutcome.ActionRequired or PaymentOutcome.AwaitingTransfer)
            {
                // Nothing is taken yet, but an authorisation may be pending at the provider: cancel it if we give up.
                undo.Push(CheckoutActivities.VoidPayment);
                var deadline = payment.Outcome == PaymentOutcome.AwaitingTransfer && payment.PayBy is { } payBy
                    ? payBy.UtcDateTime
                    : context.CurrentUtcDateTime + input.PaymentActionTimeout;
                payment = await WaitForPaymentAsync(context, order, deadline);
                if (payment.Outcome == PaymentOutcome.Captured) undo.Pop();
            }
            if (payment.Outcome != PaymentOutcome.Captured)
                throw new CheckoutStopped(payment.Reason ?? "The payment did not go through.");
            // Cancelling a paid order refunds it in full, once: that is the payment's compensation.
            undo.Push(CheckoutActivities.CancelOrder);

            await context.CallActivityAsync(CheckoutActivities.MarkPaid, new MarkPaidStep(order, payment), Retry);
            await context.CallActivityAsync(CheckoutActivities.CreateShipment, order, Retry);

            // From here on only transient failures are expected; if one outlasts its retries, the checkout is undone as above.
            await context.CallActivityAsync(CheckoutActivities.CommitStock, order, Retry);
            await context.CallActivityAsync(CheckoutActivities.RedeemPromotions, order, Retry);
            await context.CallActivityAsync(CheckoutActivities.CloseCart, input.CartId, Retry);
            return new CheckoutOutcome(order, CheckoutResult.Completed, null);
        }
        catch (Exception e) when (e is TaskFailedException or CheckoutStopped)
        {
            var reason = CustomerReason(e);
            var step = new CompensationStep(order, reason);
            while (undo.TryPop(out var compensation))
                await context.CallActivityAsync(compensation, step, Retry);
            await context.CallActivityAsync(CheckoutActivities.CancelOrder, step, Retry);
            return new CheckoutOutcome(order, CheckoutResult.Cancelled, reason);
        }
    }

    // Waits for the provider's verdict. Other events (a duplicate, a refund notice) do not end the wait; the deadline does.
    private static async Task<PaymentStepResult> WaitForPaymentAsync(TaskOrchestrationContext context, string order, DateTime deadline)
    {
        using var cancelTimer = new CancellationTokenSource();
        var timeout = context.CreateTimer(deadline, cancelTimer.Token);
        // Bounded so the history stays small: no genuine payment sends this many unrelated events before its verdict.
        for (var received = 0; received < MaximumPaymentEvents; received++)
        {
            var next = context.WaitForExternalEvent<PaymentEvent>(PaymentEvent);
            if (await Task.WhenAny(next, timeout) == timeout)
                return new PaymentStepResult(PaymentOutcome.Declined, null, "The payment was not completed in time.", null);
            var payment = next.Result;
            if (payment.OrderId != order) continue;
            switch (payment.Type)
            {
                case PaymentEventType.PaymentSucceeded or PaymentEventType.TransferReceived:
                    cancelTimer.Cancel();
                    return new PaymentStepResult(PaymentOutcome.Captured, payment.PaymentId, null, null, payment.Amount, payment.Provider, LedgerKeys.For(payment)?.Key);
                case PaymentEventType.PaymentFailed:
                    cancelTimer.Cancel();
                    return new PaymentStepResult(PaymentOutcome.Declined, payment.PaymentId, payment.Reason ?? "The payment was declined.", null);
            }
        }
        cancelTimer.Cancel();
        return new PaymentStepResult(PaymentOutcome.Declined, null, "The payment provider sent no verdict we could use.", null);
    }

    private const int MaximumPaymentEvents = 20;

    // Rule violations were written for customers ("Only 2 left of ..."); anything else is ours to apologise for.
    private static string CustomerReason(Exception e) => e switch
    {
        CheckoutStopped stopped => stopped.Message,
        TaskFailedException { FailureDetails: var f } when f.IsCausedBy<ShopException>() => f.ErrorMessage,
        _ => "We could not complete your order because of a problem on our side. Nothing was charged, or it was refunded.",
    };

    private sealed class CheckoutStopped(string reason) : Exception(reason);
}
