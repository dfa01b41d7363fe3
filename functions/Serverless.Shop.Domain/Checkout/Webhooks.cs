using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Checkout;

/// <summary>Tells a running checkout what a payment provider said. Implemented over the Durable Functions client.</summary>
public interface ICheckoutSignals
{
    /// <returns>False when no checkout of that order is waiting (it finished, or never existed).</returns>
    Task<bool> SignalPaymentAsync(PaymentEvent payment, CancellationToken ct);
}

/// <summary>
/// A payment provider's webhook: signature checked by the provider's reader (401 when wrong, and nothing changes),
/// handled once per event id however often it is delivered, then passed to the order's checkout. Events may come in
/// any order: the checkout acts on the first verdict and ignores what follows.
/// </summary>
public sealed class ReceivePaymentWebhook(PaymentGateways gateways, IWebhookInbox inbox, ManageOrders orders)
{
    public async Task<WebhookReceipt> HandleAsync(string provider, IReadOnlyDictionary<string, string> headers, string body, ICheckoutSignals signals, CancellationToken ct)
    {
        var reader = gateways.WebhookReader(provider);
        var payment = await reader.ReadAsync(headers, body, ct);
        if (payment is null) return WebhookReceipt.Ignored;
        var receipt = WebhookReceipt.Handled;
        var handled = await inbox.HandleOnceAsync($"payment:{reader.Provider}", payment.EventId, async token =>
        {
            if (!await signals.SignalPaymentAsync(payment, token) && await RefundLatePaymentAsync(payment, token))
                receipt = WebhookReceipt.LatePaymentRefunded;
        }, ct);
        return handled ? receipt : WebhookReceipt.Duplicate;
    }

    // Money that arrives after its checkout gave up (a wallet approved, or a transfer paid, after the deadline) belongs
    // to an order the shop cancelled: it goes back, once (the key is the event's). Bank refunds are instructions for a person.
    private async Task<bool> RefundLatePaymentAsync(PaymentEvent payment, CancellationToken ct)
    {
        if (payment.Type is not (PaymentEventType.PaymentSucceeded or PaymentEventType.TransferReceived) || payment is not { PaymentId: { } paymentId, Amount: { } amount })
            return false;
        Orders.Order order;
        try { order = (await orders.GetAsync(payment.OrderId, ct)).Value; }
        catch (ResourceNotFoundException) { return false; }
        if (order.Status != OrderStatus.Cancelled) return false;
        await gateways.ByProvider(payment.Provider).RefundAsync(paymentId, amount, $"{order.Number}-late-{payment.EventId}", ct);
        return true;
    }
}

/// <summary>A carrier's tracking webhook: checked, handled once per event id, applied to the order (out-of-order updates never move it back).</summary>
public sealed class ReceiveTrackingWebhook(IEnumerable<ITrackingWebhookReader> readers, IWebhookInbox inbox, ManageOrders orders)
{
    public async Task<WebhookReceipt> HandleAsync(string carrier, IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        var reader = readers.FirstOrDefault(r => string.Equals(r.Carrier, carrier, StringComparison.Ordinal))
            ?? throw new ResourceNotFoundException("carrier", carrier);
        var tracking = await reader.ReadAsync(headers, body, ct);
        if (tracking is null) return WebhookReceipt.Ignored;
        var handled = await inbox.HandleOnceAsync($"carrier:{reader.Carrier}", tracking.EventId, token => orders.ApplyTrackingAsync(tracking, token), ct);
        return handled ? WebhookReceipt.Handled : WebhookReceipt.Duplicate;
    }
}

public enum WebhookReceipt { Handled, Duplicate, Ignored, LatePaymentRefunded }

/// <summary>An admin saw the bank transfer arrive (on a statement the bank does not send by webhook).</summary>
public sealed record TransferReceivedInput(Money? Amount, string? Reference);

/// <summary>Turns an admin's "the transfer arrived" into the same payment event a bank webhook would raise.</summary>
public sealed class MarkTransferReceived(ManageOrders orders, TimeProvider clock)
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

    /// <summary>The orchestration input to restart the order's checkout with. The card token is not kept, so it is absent.</summary>
    public async Task<CheckoutProcess> ProcessForAsync(string number, CancellationToken ct)
    {
        var order = (await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("order", number)).Value;
        return new CheckoutProcess(order.Number, order.PaymentMethod, null, null, null, settings.HoldFor(order.PaymentMethod), settings.PaymentActionTimeout);
    }
}
