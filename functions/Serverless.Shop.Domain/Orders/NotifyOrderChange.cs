using System.Text;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Tells the world about one change of an order (an <see cref="OrderChanged"/> message from the order-events queue):
/// the customer by email when the change matters to them, and every other part of the shop and third parties by an
/// integration event <c>order.&lt;change&gt;</c> (e.g. <c>order.paid</c>, <c>order.partially-refunded</c>).
/// Messages come at least once: the order remembers which entries were emailed, and the event's id is the message
/// id, so a redelivery sends no second email and subscribers drop the repeated event.
/// </summary>
public sealed class NotifyOrderChange(IOrderStore orders, IEmailSender email, IIntegrationEvents events, OrderSettings settings)
{
    private const int MaximumAttempts = 8;
    private const int NotifiedSequencesKept = 50;

    public async Task HandleAsync(OrderChanged message, CancellationToken ct)
    {
        // An order that is not there (or an entry it does not have) was never saved: the message has nothing to tell.
        if (await orders.FindAsync(message.Number, ct) is not { } found) return;
        var order = found.Value;
        if (order.History.FirstOrDefault(h => h.Sequence == message.Sequence) is not { } entry) return;

        if (!order.NotifiedSequences.Contains(entry.Sequence) && OrderEmails.For(order, entry, settings) is { } mail)
        {
            await email.SendAsync(mail, ct);
            await RememberEmailedAsync(found, entry.Sequence, ct);
        }

        await events.PublishAsync(new IntegrationEvent(EventType(entry.Change), order.Number, OrderEvent.Of(order, entry), entry.At, message.MessageId), ct);
    }

    /// <summary>"order.paid", "order.return-requested": the change in kebab case.</summary>
    public static string EventType(OrderChange change)
    {
        var name = change.ToString();
        var kebab = new StringBuilder("order.");
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) kebab.Append('-');
            kebab.Append(char.ToLowerInvariant(name[i]));
        }
        return kebab.ToString();
    }

    private async Task RememberEmailedAsync(Versioned<Order> read, long sequence, CancellationToken ct)
    {
        var current = read;
        for (var attempt = 1; ; attempt++)
        {
            if (current.Value.NotifiedSequences.Contains(sequence)) return;
            var updated = current.Value with { NotifiedSequences = [.. current.Value.NotifiedSequences.TakeLast(NotifiedSequencesKept - 1), sequence] };
            try
            {
                await orders.SaveAsync(updated, current.Version, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
                current = await orders.FindAsync(read.Value.Number, ct) ?? throw new ResourceNotFoundException("Order", read.Value.Number);
            }
        }
    }
}

/// <summary>The data of an order's integration event: which order, what happened, and the money as it stands.</summary>
public sealed record OrderEvent(
    string Number, long Sequence, OrderChange Change, OrderStatus Status, string? CustomerId, Money Total,
    Money Captured, Money Refunded, Money? Amount, string? Reference, string? TrackingNumber, DateTimeOffset At)
{
    public static OrderEvent Of(Order order, OrderHistoryEntry entry)
    {
        var zero = new Money(0m, order.Currency);
        return new(order.Number, entry.Sequence, entry.Change, entry.Status, order.CustomerId, order.Pricing.Total,
            order.Payment?.CapturedAmount ?? zero, order.Payment?.RefundedAmount ?? zero, entry.Amount, entry.Reference,
            order.Shipment?.TrackingNumber, entry.At);
    }
}
