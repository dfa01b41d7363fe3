using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// What a command decided: the order after it, or the same order when the change was applied before; then
/// <see cref="Replayed"/> is the entry that change made, whose message is sent again.
/// </summary>
internal readonly record struct OrderDecision(Order Order, OrderHistoryEntry? Replayed)
{
    public static OrderDecision Changed(Order order) => new(order, null);

    public static OrderDecision AlreadyDone(Order order, OrderChange change) => new(order, order.LastEntryOf(change));
}

/// <summary>
/// The one way an order is written: read, decide, write with the ETag, read again on a conflict (up to 8 times), then
/// publish the new history entries. A caller that has just read the order passes it as <c>lastRead</c>, and the first
/// attempt decides on it instead of reading it again (a Cosmos DB call saved); if it has changed since, the write's
/// ETag check fails and the next attempt reads it as usual. Every write passes <see cref="OrderPaymentRules.EnsureMoneyAccountedFor"/> first,
/// so no order is saved cancelled or refunded with captured money that nothing is giving back.
/// </summary>
internal sealed class OrderWrites(IOrderStore orders, IWorkQueue queue)
{
    private const int MaximumAttempts = 8;

    public async Task<Order> ChangeAsync(string number, Func<Order, OrderDecision> decide, CancellationToken ct, Versioned<Order>? lastRead = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = attempt == 1 && lastRead is { } known && known.Value.Number == number
                ? known
                : await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("Order", number);
            var decision = decide(current.Value);
            if (ReferenceEquals(decision.Order, current.Value))
            {
                if (decision.Replayed is { } entry) await PublishAsync(current.Value, [entry], ct);
                return current.Value;
            }
            OrderPaymentRules.EnsureMoneyAccountedFor(decision.Order);
            try
            {
                await orders.SaveAsync(decision.Order, current.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
                continue;
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Order");
            }
            await PublishAsync(decision.Order, decision.Order.History.Where(h => h.Sequence > current.Value.LastSequence), ct);
            return decision.Order;
        }
    }

    public async Task PublishAsync(Order order, IEnumerable<OrderHistoryEntry> entries, CancellationToken ct)
    {
        foreach (var entry in entries)
            await queue.EnqueueAsync(WorkQueues.OrderEvents, OrderChanged.For(order, entry), ct);
    }
}
