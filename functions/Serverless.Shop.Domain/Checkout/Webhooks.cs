using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Checkout;

/// <summary>Tells a checkout what a payment provider said, or starts it again. Implemented over the Durable Functions client.</summary>
public interface ICheckoutSignals
{
    /// <returns>False when no checkout of that order is waiting (it finished, failed, was terminated, or never existed).</returns>
    Task<bool> SignalPaymentAsync(PaymentEvent payment, CancellationToken ct);

    /// <summary>Starts the order's checkout again (same instance id) unless one is running, pending or suspended.</summary>
    /// <returns>True when it was started again; false when one was still there.</returns>
    Task<bool> RestartAsync(CheckoutProcess process, CancellationToken ct);
}

/// <summary>
/// A payment provider's webhook: signature checked by the provider's reader (401 when wrong, and nothing changes),
/// handled once per event id however often it is delivered. Money it reports is recorded in the order's ledger first
/// (<see cref="RecordPayments"/>), whatever state the checkout is in; then the event goes to the order's checkout.
/// When no checkout is waiting for it: a payment for an order that no longer wants it was refunded by the recording
/// (<see cref="WebhookReceipt.LatePaymentRefunded"/>); a payment for an order still pending payment whose checkout is
/// gone (lost, failed, terminated) starts the checkout again, which finds the money in the ledger and marks the order paid
/// (<see cref="WebhookReceipt.CheckoutResumed"/>). A checkout not yet started finds the money when it starts.
/// </summary>
public sealed class ReceivePaymentWebhook(PaymentGateways gateways, IWebhookInbox inbox, RecordPayments payments, FindInterruptedCheckouts interrupted)
{
    public async Task<WebhookReceipt> HandleAsync(string provider, IReadOnlyDictionary<string, string> headers, string body, ICheckoutSignals signals, CancellationToken ct)
    {
        var reader = gateways.WebhookReader(provider);
        var payment = await reader.ReadAsync(headers, body, ct);
        if (payment is null) return WebhookReceipt.Ignored;
        var receipt = WebhookReceipt.Handled;
        var handled = await inbox.HandleOnceAsync($"payment:{reader.Provider}", payment.EventId, async token =>
        {
            RecordedPayment? recorded = null;
            if (LedgerKeys.For(payment) is { } entry)
            {
                try { recorded = await payments.RecordAsync(payment.OrderId, entry, token); }
                // Not an order of this shop (another shop on the same provider account): nothing to record or tell.
                catch (ResourceNotFoundException) { receipt = WebhookReceipt.Ignored; return; }
            }
            if (await signals.SignalPaymentAsync(payment, token)) return;
            if (recorded is { Refunding: true }) receipt = WebhookReceipt.LatePaymentRefunded;
            else if (recorded?.Order is { Status: OrderStatus.PendingPayment } pending && await interrupted.ResumeIfInterruptedAsync(pending, signals, token))
                receipt = WebhookReceipt.CheckoutResumed;
        }, ct);
        return handled ? receipt : WebhookReceipt.Duplicate;
    }
}

/// <summary>
/// A carrier's tracking webhook: checked, handled once per event id, applied to the order (out-of-order updates never
/// move it back). An update for an order this shop does not have (another shop's parcel on the same carrier account, or
/// a parcel nobody knows) is acknowledged as ignored and changes nothing, so the carrier stops retrying it
/// (CarrierWebhookTests).
/// </summary>
public sealed class ReceiveTrackingWebhook(IEnumerable<ITrackingWebhookReader> readers, IWebhookInbox inbox, ManageOrders orders)
{
    public async Task<WebhookReceipt> HandleAsync(string carrier, IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        var reader = readers.FirstOrDefault(r => string.Equals(r.Carrier, carrier, StringComparison.Ordinal))
            ?? throw new ResourceNotFoundException("carrier", carrier);
        var tracking = await reader.ReadAsync(headers, body, ct);
        if (tracking is null) return WebhookReceipt.Ignored;
        return await ApplyOnceAsync(tracking with { Carrier = reader.Carrier }, ct);
    }

    /// <summary>
    /// Applies one tracking update once per carrier and event id, whether a webhook brought it or the poll of a carrier
    /// without webhooks found it (<see cref="PollParcelTracking"/>): both go through here.
    /// </summary>
    public async Task<WebhookReceipt> ApplyOnceAsync(TrackingEvent tracking, CancellationToken ct)
    {
        var receipt = WebhookReceipt.Handled;
        var handled = await inbox.HandleOnceAsync($"carrier:{tracking.Carrier}", tracking.EventId, async token =>
        {
            try { await orders.ApplyTrackingAsync(tracking, token); }
            catch (ResourceNotFoundException) { receipt = WebhookReceipt.Ignored; }
        }, ct);
        return handled ? receipt : WebhookReceipt.Duplicate;
    }
}

/// <summary>What the shop did with a payment webhook (docs/checkout.md).</summary>
public enum WebhookReceipt { Handled, Duplicate, Ignored, LatePaymentRefunded, CheckoutResumed }

/// <summary>An admin saw the bank transfer arrive (on a statement the bank does not send by webhook).</summary>
public sealed record TransferReceivedInput(Money? Amount, string? Reference);

/// <summary>Turns an admin's "the transfer arrived" into the same payment event a bank webhook would raise.</summary>
public sealed class MarkTransferReceived(OrderQueries orders, TimeProvider clock)
{
    public async Task<PaymentEvent> ToEventAsync(string number, TransferReceivedInput input, string operationId, CancellationToken ct)
    {
        var order = (await orders.GetAsync(number, ct)).Value;
        var v = new Validator();
        if (v.Required(input.Amount, "amount"))
        {
            v.Check(input.Amount!.Currency == order.Currency, "amount.currency", $"must be the order's currency, {order.Currency}.");
            v.Check(input.Amount.Amount == order.Pricing.Total.Amount, "amount.amount", $"must be the order total, {OrderEmails.Format(order.Pricing.Total)}; a different amount needs a person to sort it out with the customer.");
        }
        v.MaxLength(input.Reference, 140, "reference");
        v.ThrowIfInvalid();
        if (order.PaymentMethod != PaymentMethod.BankTransfer)
            throw new BusinessRuleViolationException($"Order {order.Number} is paid by {order.PaymentMethod}, not bank transfer.", "paymentMethod");
        if (order.Status != OrderStatus.PendingPayment)
            throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)}, not waiting for a transfer.", "status");
        return new PaymentEvent(operationId, order.Payment?.Provider ?? "bank-transfer", PaymentEventType.TransferReceived, order.Number,
            order.Payment?.PaymentId, input.Amount, clock.GetUtcNow(), input.Reference);
    }
}

/// <summary>
/// Finds checkouts that may have lost their orchestration: orders still pending payment a while after they were
/// placed. The caller restarts those whose orchestration is gone or failed; the steps are idempotent, so a restart
/// finishes the work without doing any of it twice. Listing reads only order summaries (most of those orders are
/// bank transfers whose checkout is waiting, as it should); an order is read only when its checkout is restarted.
/// </summary>
public sealed class FindInterruptedCheckouts(IOrderStore orders, CheckoutSettings settings, TimeProvider clock)
{
    public const int MaximumPages = 10;

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        var numbers = new List<string>();
        string? token = null;
        for (var page = 0; page < MaximumPages; page++)
        {
            var found = await orders.SearchAsync(new OrderSearch(Status: OrderStatus.PendingPayment, CreatedTo: clock.GetUtcNow() - settings.ResumeAfter), new PageRequest(100, token), ct);
            numbers.AddRange(found.Items.Select(o => o.Number));
            if ((token = found.ContinuationToken) is null) break;
        }
        return numbers;
    }

    /// <summary>The orchestration input to restart the order's checkout with: as it was started (<see cref="Order.CheckoutInputs"/>).</summary>
    public async Task<CheckoutProcess> ProcessForAsync(string number, CancellationToken ct)
    {
        var order = (await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("order", number)).Value;
        return ProcessFor(order);
    }

    public CheckoutProcess ProcessFor(Order order) =>
        new(order.Number, order.PaymentMethod, order.CheckoutInputs?.PaymentToken, order.CheckoutInputs?.ReturnUrl, order.CheckoutInputs?.CartId,
            settings.HoldFor(order.PaymentMethod), settings.PaymentActionTimeout);

    /// <summary>
    /// Whether the order's checkout counts as interrupted: still pending payment <see cref="CheckoutSettings.ResumeAfter"/>
    /// after it was placed. A younger order's orchestration may simply not have started yet: starting one here too would race it.
    /// </summary>
    public bool MayBeInterrupted(Order order) => order.Status == OrderStatus.PendingPayment && order.CreatedAt <= clock.GetUtcNow() - settings.ResumeAfter;

    /// <summary>
    /// The one way a checkout is started again (the resume timer, the webhook, reconciliation): when the order may be
    /// interrupted and no orchestration of it is running, pending or suspended.
    /// </summary>
    /// <returns>True when it was started again.</returns>
    public async Task<bool> ResumeIfInterruptedAsync(Order order, ICheckoutSignals signals, CancellationToken ct) =>
        MayBeInterrupted(order) && await signals.RestartAsync(ProcessFor(order), ct);
}
