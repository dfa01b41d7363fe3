namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Another capability's reaction to an order change (the customer's points, for one), run by
/// <see cref="NotifyOrderChange"/> for every message of the order-events queue, beside the email and the integration
/// event and independently of them. A reaction is given the order as it stands now and must be idempotent by itself:
/// it runs again whenever the message is redelivered, and messages can arrive in any order.
/// </summary>
public interface IOrderChangeReaction
{
    Task ReactAsync(Order order, OrderHistoryEntry entry, CancellationToken ct);
}
