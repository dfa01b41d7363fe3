using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Records what happened to an order's money in its ledger (<see cref="PaymentLedger"/>), before anything else acts on
/// it, whatever state the checkout is in. Idempotent by the entry's key: a fact recorded again changes nothing.
/// <para>
/// Money the order no longer wants is claimed for refund in the same write and then refunded (once: the refund's key is
/// the entry's): a capture for an order that is cancelled or refunded, or a capture beyond the total of an order already
/// paid (a second payment). A bank transfer's refund becomes a task for staff.
/// </para>
/// </summary>
public sealed class RecordPayments(IOrderStore orders, IWorkQueue queue, IEnumerable<IPaymentGateway> gateways, TimeProvider clock)
{
    public const string Actor = "payments";

    private readonly OrderWrites _writes = new(orders, queue);
    private readonly OrderRefunds _refunds = new(orders, queue, gateways, clock);

    /// <returns>The order after the entry, and whether the entry's money is being given back.</returns>
    /// <exception cref="ResourceNotFoundException">No such order.</exception>
    /// <param name="lastRead">The order as the caller has just read it, if it has (OrderWrites).</param>
    public async Task<RecordedPayment> RecordAsync(string number, LedgerEntry entry, CancellationToken ct, Versioned<Order>? lastRead = null)
    {
        var normalised = OrderNumbers.Normalise(number) ?? throw new ResourceNotFoundException("Order", number);
        var unwanted = OrderRefunds.UnwantedPaymentRefund + entry.Key;
        var order = await _writes.ChangeAsync(normalised, order =>
        {
            if (order.Books.Has(entry.Key)) return new OrderDecision(order, null);
            if (entry.Amount.Currency != order.Currency)
                throw new BusinessRuleViolationException($"A payment of {entry.Amount} was reported for order {order.Number}, which is in {order.Currency}.", "amount");
            var now = clock.GetUtcNow();
            var next = order with { Ledger = order.Books.With(entry), UpdatedAt = now };
            if (entry.Kind == LedgerEntryKind.Captured) next = ClaimUnwanted(next, entry, unwanted, now);
            return OrderDecision.Changed(next);
        }, ct, lastRead);

        var refunding = order.Refunds.Any(r => r.OperationId.StartsWith(unwanted, StringComparison.Ordinal));
        if (refunding) order = await _refunds.CompleteOpenAsync(order.Number, unwanted, ct);
        return new RecordedPayment(order, refunding);
    }

    private static Order ClaimUnwanted(Order order, LedgerEntry capture, string operationId, DateTimeOffset now)
    {
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Refunded)
            return OrderRefunds.ClaimEverything(order, operationId,
                $"The payment {capture.PaymentId} arrived after the order was {OrderTransitions.Describe(order.Status)}.", Actor, now);
        if (order.Status == OrderStatus.PendingPayment) return order;
        // Paid (or further on): anything beyond the total is a second payment, which goes back.
        var alreadyGoingBack = order.Refunds.Where(r => r.OperationId.StartsWith(OrderRefunds.UnwantedPaymentRefund, StringComparison.Ordinal)).Sum(r => r.Amount.Amount);
        var excess = Math.Min(capture.Amount.Amount, order.CapturedAmount - order.Pricing.Total.Amount - alreadyGoingBack);
        if (excess <= 0) return order;
        var refund = OrderRefunds.NewRefund(order, operationId, new Money(excess, order.Currency),
            $"A second payment ({capture.PaymentId}) arrived for an order already paid.", Actor, now, capture.Provider, capture.PaymentId);
        return order with { Refunds = [.. order.Refunds, refund] };
    }
}

/// <param name="Refunding">The money recorded is not wanted (a late or second payment) and is being given back.</param>
public sealed record RecordedPayment(Order Order, bool Refunding);
