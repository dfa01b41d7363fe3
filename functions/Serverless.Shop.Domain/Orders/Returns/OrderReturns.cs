using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Returns of delivered orders: the customer asks within the return window, staff reject a request or record the parcel
/// back. Refunding a returned order is <see cref="ManageOrders.RefundAsync(string, RefundInput, Actor, string, CancellationToken)"/>.
/// Every command is idempotent and written like every order change (<see cref="OrderWrites"/>).
/// </summary>
public sealed class OrderReturns(IOrderStore orders, IWorkQueue queue, OrderSettings settings, TimeProvider clock)
{
    private readonly OrderWrites _writes = new(orders, queue);

    /// <summary>Until when the customer may ask to return a delivered order; null when the order is not delivered.</summary>
    public static DateTimeOffset? ReturnableUntil(Order order, OrderSettings settings) =>
        order.Status == OrderStatus.Delivered && order.DeliveredAt is { } delivered ? delivered.AddDays(settings.ReturnWindowDays) : null;

    /// <summary>
    /// The customer asks to send a delivered order back, within the return window (Orders:ReturnWindowDays after
    /// delivery). Someone else's order is 404. Support and admins may open a return for the customer, also later.
    /// </summary>
    public Task<Order> RequestReturnAsync(string number, string reason, Actor actor, CancellationToken ct)
    {
        ManageOrders.ValidateReason(reason);
        var staff = actor.IsInAnyRole(ManageOrders.StaffRoles);
        return _writes.ChangeAsync(ManageOrders.Normalised(number), order =>
        {
            if (!staff && (order.CustomerId is null || order.CustomerId != actor.Id)) throw new ResourceNotFoundException("Order", number);
            if (order.Status == OrderStatus.ReturnRequested) return OrderDecision.AlreadyDone(order, OrderChange.ReturnRequested);
            OrderTransitions.Ensure(order, OrderStatus.ReturnRequested, "have a return requested (only delivered orders can)");
            if (order.Returns.Any(r => r.Status != ReturnStatus.Rejected))
                throw new BusinessRuleViolationException($"Order {order.Number} has returns of some of its items; return the rest as items too.", "status");
            var now = clock.GetUtcNow();
            if (!staff && ReturnableUntil(order, settings) is { } until && now > until)
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} was delivered on {order.DeliveredAt:yyyy-MM-dd}; returns could be requested for {settings.ReturnWindowDays} days, until {until:yyyy-MM-dd}.", "status");
            return OrderDecision.Changed((order with { ReturnReason = reason.Trim() }).Record(OrderChange.ReturnRequested, OrderStatus.ReturnRequested, actor.Id, now, reason.Trim()));
        }, ct);
    }

    /// <summary>Staff refuse a requested return: the order is delivered again, and the customer is told why.</summary>
    public Task<Order> RejectReturnAsync(string number, string reason, Actor actor, CancellationToken ct)
    {
        ManageOrders.ValidateReason(reason);
        return _writes.ChangeAsync(ManageOrders.Normalised(number), order =>
        {
            if (order.Status == OrderStatus.Delivered && order.LastEntryOf(OrderChange.ReturnRejected) is { } rejected
                && rejected.Sequence > (order.LastEntryOf(OrderChange.ReturnRequested)?.Sequence ?? 0))
                return OrderDecision.AlreadyDone(order, OrderChange.ReturnRejected);
            if (order.Status != OrderStatus.ReturnRequested)
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; only a requested return can be rejected.", "status");
            return OrderDecision.Changed(order.Record(OrderChange.ReturnRejected, OrderStatus.Delivered, actor.Id, clock.GetUtcNow(), reason.Trim()));
        }, ct);
    }

    /// <summary>The parcel came back to the shop (a requested return, or one the carrier returned to the sender).</summary>
    public Task<Order> MarkReturnedAsync(string number, Actor actor, CancellationToken ct) =>
        _writes.ChangeAsync(ManageOrders.Normalised(number), order =>
        {
            if (order.Status == OrderStatus.Returned || (order.Status == OrderStatus.Refunded && order.LastEntryOf(OrderChange.Returned) is not null))
                return OrderDecision.AlreadyDone(order, OrderChange.Returned);
            OrderTransitions.Ensure(order, OrderStatus.Returned, "be marked returned");
            return OrderDecision.Changed(order.Record(OrderChange.Returned, OrderStatus.Returned, actor.Id, clock.GetUtcNow(), "The returned parcel arrived."));
        }, ct);
}
