using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Money going back to customers: refunds staff ask for, the refunds of a cancellation and of money that arrived when
/// the order no longer wanted it, and the refunds a person must make by hand (bank transfers), which stay open tasks on
/// the order until staff confirm them. Every completed refund is recorded in the order's ledger.
/// </summary>
public sealed class OrderRefunds(IOrderStore orders, IWorkQueue queue, IEnumerable<IPaymentGateway> gateways, TimeProvider clock)
{
    /// <summary>The operation id of the refund a cancellation makes of what was captured.</summary>
    public const string CancellationRefund = "cancellation";

    /// <summary>The operation id prefix of refunds of money that arrived for an order that no longer wanted it (key: the ledger entry).</summary>
    public const string UnwantedPaymentRefund = "unwanted:";

    private readonly OrderWrites _writes = new(orders, queue);

    /// <summary>Refunds the shop starts by itself (not a staff request), which reconciliation may finish or try again.</summary>
    public static bool IsShopInitiated(string operationId) =>
        operationId.StartsWith(CancellationRefund, StringComparison.Ordinal) || operationId.StartsWith(UnwantedPaymentRefund, StringComparison.Ordinal)
        || operationId.StartsWith(OrderReturn.RefundPrefix, StringComparison.Ordinal);

    public static string RefundIdempotencyKey(string number, long sequence) => $"{number}-refund-{sequence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>See <see cref="ManageOrders.RefundAsync(string, Money, string, Actor, string, CancellationToken)"/>.</summary>
    public async Task<Order> RefundAsync(string number, Money amount, string reason, Actor actor, string operationId, CancellationToken ct)
    {
        var claimed = await _writes.ChangeAsync(number, order =>
        {
            var existing = order.Refunds.FirstOrDefault(r => r.OperationId == operationId);
            if (existing is { State: RefundState.Completed }) return new OrderDecision(order, order.History.LastOrDefault(h => h.Reference == existing.RefundId && h.Amount is not null));
            if (existing is { State: RefundState.Pending or RefundState.AwaitingStaff }) return new OrderDecision(order, null);

            var v = new Validator();
            Money.Validate(amount, "amount", v, order.Currency);
            v.ThrowIfInvalid();
            if (order.CapturedAmount == 0)
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and nothing was captured, so there is nothing to refund.", "amount");
            if (amount.Amount > order.RefundableAmount.Amount)
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; only {OrderEmails.Format(order.RefundableAmount)} of the {OrderEmails.Format(new Money(order.CapturedAmount, order.Currency))} captured can still be refunded.", "amount");
            GatewayFor(order, null);
            var now = clock.GetUtcNow();
            // A failed refund asked again keeps its sequence (and so its idempotency key): if the gateway did refund, it says so now.
            var refunds = existing is { State: RefundState.Failed }
                ? order.Refunds.Select(r => r == existing ? existing with { State = RefundState.Pending, Failure = null, Amount = amount } : r).ToList()
                : [.. order.Refunds, NewRefund(order, operationId, amount, reason, actor.Id, now, null, null)];
            return OrderDecision.Changed(order with { Refunds = refunds, UpdatedAt = now });
        }, ct);

        var refund = claimed.Refunds.Single(r => r.OperationId == operationId);
        return refund.State is RefundState.Completed or RefundState.AwaitingStaff ? claimed : await CompleteAsync(claimed.Number, operationId, ct);
    }

    /// <summary>
    /// <paramref name="order"/> with refunds claimed for all the money its ledger holds that no refund is giving back yet:
    /// one per provider payment, operation id <paramref name="operationId"/> (and ":2", ":3"... for further payments).
    /// An order stored before the ledger existed gets one refund of its payment's refundable amount.
    /// </summary>
    internal static Order ClaimEverything(Order order, string operationId, string reason, string actor, DateTimeOffset now)
    {
        var next = order;
        var claims = new List<(string? Provider, string? PaymentId, decimal Amount)>();
        if (order.Books.Entries.Count == 0)
            claims.Add((null, null, order.RefundableAmount.Amount));
        else
            foreach (var payment in order.Books.Payments(order.Currency))
            {
                var open = order.Refunds.Where(r => r.State != RefundState.Completed && (r.PaymentId ?? order.Payment?.PaymentId) == payment.PaymentId).Sum(r => r.Amount.Amount);
                claims.Add((payment.Provider, payment.PaymentId, payment.Unrefunded.Amount - open));
            }
        foreach (var (provider, paymentId, amount) in claims.Where(c => c.Amount > 0))
        {
            var id = next.Refunds.Any(r => r.OperationId == operationId) ? $"{operationId}:{next.Refunds.Count + 1}" : operationId;
            next = next with { Refunds = [.. next.Refunds, NewRefund(next, id, new Money(amount, order.Currency), reason, actor, now, provider, paymentId)], UpdatedAt = now };
        }
        return next;
    }

    /// <summary>Makes every refund of the order whose operation id starts with <paramref name="operationPrefix"/> and is not made yet (claimed, or failed before).</summary>
    public async Task<Order> CompleteOpenAsync(string number, string operationPrefix, CancellationToken ct)
    {
        var order = (await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("Order", number)).Value;
        foreach (var refund in order.Refunds.Where(r => r.State is RefundState.Pending or RefundState.Failed && r.OperationId.StartsWith(operationPrefix, StringComparison.Ordinal)).ToList())
            order = await CompleteAsync(number, refund.OperationId, ct);
        return order;
    }

    /// <summary>Orders with a refund a person must make, oldest first by the order (support's work list).</summary>
    public Task<Page<OrderSummary>> ListOpenTasksAsync(PageRequest page, CancellationToken ct) => orders.ListWithOpenRefundTasksAsync(page, ct);

    /// <summary>
    /// Staff paid a refund back by hand (a bank transfer): the task is done, the ledger records the refund with the
    /// bank's <paramref name="reference"/>, and the order is refunded if that was all of it. Confirming twice changes nothing.
    /// </summary>
    public Task<Order> ConfirmManualRefundAsync(string number, long sequence, string? reference, Actor actor, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Required(reference, "reference")) v.MaxLength(reference, 140, "reference");
        v.ThrowIfInvalid();
        return _writes.ChangeAsync(OrderNumbers.Normalise(number) ?? throw new ResourceNotFoundException("Order", number), order =>
        {
            var refund = order.Refunds.FirstOrDefault(r => r.Sequence == sequence) ?? throw new ResourceNotFoundException("Refund", sequence.ToString(CultureInfo.InvariantCulture));
            if (refund.State == RefundState.Completed && refund.RefundId == reference!.Trim()) return new OrderDecision(order, null);
            if (refund.State != RefundState.AwaitingStaff)
                throw new BusinessRuleViolationException($"Refund {sequence} of order {order.Number} is {refund.State.ToString().ToLowerInvariant()}, not waiting for staff.", "status");
            return Completed(order, refund, new RefundResult(reference!.Trim(), refund.Amount), actor.Id);
        }, ct);
    }

    /// <summary>Calls the gateway for a claimed refund and records what it did. Safe to call again: the idempotency key is the refund's.</summary>
    internal async Task<Order> CompleteAsync(string number, string operationId, CancellationToken ct)
    {
        var order = (await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("Order", number)).Value;
        var refund = order.Refunds.Single(r => r.OperationId == operationId);
        if (refund.State is RefundState.Completed or RefundState.AwaitingStaff) return order;

        RefundResult result;
        try
        {
            result = await GatewayFor(order, refund).RefundAsync(
                refund.PaymentId ?? order.Payment?.PaymentId ?? order.Number, refund.Amount, RefundIdempotencyKey(order.Number, refund.Sequence), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The amount is free again; asking again with the same operation id retries with the same idempotency key.
            await _writes.ChangeAsync(number, o => o.Refunds.Single(r => r.OperationId == operationId) is { State: RefundState.Pending } pending
                ? OrderDecision.Changed(o with { Refunds = Replace(o.Refunds, pending, pending with { State = RefundState.Failed, Failure = e.Message }), UpdatedAt = clock.GetUtcNow() })
                : new OrderDecision(o, null), CancellationToken.None);
            throw;
        }

        return await _writes.ChangeAsync(number, o =>
        {
            var pending = o.Refunds.Single(r => r.OperationId == operationId);
            if (pending.State == RefundState.Completed) return new OrderDecision(o, o.History.LastOrDefault(h => h.Reference == pending.RefundId && h.Amount is not null));
            if (pending.State == RefundState.AwaitingStaff) return new OrderDecision(o, null);
            // The provider cannot send the money itself: the refund stays open, as a task for staff, until they confirm it.
            if (result.NeedsPerson)
                return OrderDecision.Changed(o with { Refunds = Replace(o.Refunds, pending, pending with { State = RefundState.AwaitingStaff, Instruction = result.RefundId, Failure = null }), UpdatedAt = clock.GetUtcNow() });
            return Completed(o, pending, result, pending.Actor);
        }, CancellationToken.None);
    }

    private OrderDecision Completed(Order o, OrderRefund refund, RefundResult result, string actor)
    {
        var now = clock.GetUtcNow();
        var provider = refund.Provider ?? o.Payment?.Provider ?? "unknown";
        var entry = new LedgerEntry(LedgerKeys.Refunded(provider, RefundIdempotencyKey(o.Number, refund.Sequence)), provider,
            refund.PaymentId ?? o.Payment?.PaymentId ?? o.Number, LedgerEntryKind.Refunded, refund.Amount, now, actor);
        var next = o with
        {
            Refunds = Replace(o.Refunds, refund, refund with { State = RefundState.Completed, RefundId = result.RefundId, CompletedAt = now, Failure = null }),
            Payment = o.Payment is { } p ? p with { RefundedAmount = new Money(p.RefundedAmount.Amount + refund.Amount.Amount, o.Currency) } : null,
            Ledger = o.Books.With(entry),
        };
        var everything = next.RefundedAmount >= next.CapturedAmount && !OrderPaymentRules.HasOpenRefundTask(next);
        var status = everything && OrderTransitions.IsAllowed(o.Status, OrderStatus.Refunded) ? OrderStatus.Refunded : o.Status;
        return OrderDecision.Changed(next.Record(everything ? OrderChange.Refunded : OrderChange.PartiallyRefunded, status, actor, now,
            $"Refund of {OrderEmails.Format(refund.Amount)}.", refund.Reason, refund.Amount, result.RefundId));
    }

    private IPaymentGateway GatewayFor(Order order, OrderRefund? refund)
    {
        var provider = refund?.Provider ?? order.Payment?.Provider ?? order.Books.FirstCapture?.Provider;
        return gateways.FirstOrDefault(g => g.Provider == provider)
            ?? throw new BusinessRuleViolationException($"Order {order.Number} was paid through '{provider}', which is not configured here, so it cannot be refunded through the shop.", "amount");
    }

    internal static OrderRefund NewRefund(Order order, string operationId, Money amount, string reason, string actor, DateTimeOffset at, string? provider, string? paymentId) =>
        new(order.Refunds.Count + 1, operationId, amount, reason, actor, at, RefundState.Pending, Provider: provider, PaymentId: paymentId);

    private static List<OrderRefund> Replace(IReadOnlyList<OrderRefund> refunds, OrderRefund old, OrderRefund updated) =>
        refunds.Select(r => r == old ? updated : r).ToList();
}

/// <summary>Staff confirm a refund they paid by hand, with the reference of their bank transfer.</summary>
public sealed record ManualRefundInput(string? Reference);
