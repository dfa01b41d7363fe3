using System.Runtime.ExceptionServices;
using System.Text;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Tells the world about one change of an order (an <see cref="OrderChanged"/> message from the order-events queue):
/// every other part of the shop and third parties by an integration event <c>order.&lt;change&gt;</c> (e.g.
/// <c>order.paid</c>, <c>order.partially-refunded</c>), and the customer by email when the change matters to them.
/// </summary>
/// <remarks>
/// The two side effects are independent: each runs unless the order records it done (<see cref="Order.PublishedSequences"/>,
/// <see cref="Order.NotifiedSequences"/>), one failing does not stop the other, and what succeeded is recorded before the
/// failure is rethrown. The queue's redelivery then retries only what failed, so a SendGrid outage never holds back an
/// order's event, nor a Service Bus outage its email. A redelivery after both succeeded sends neither again. Only a crash
/// between a side effect and its record repeats it: the event then carries the same id (the message id), which the
/// topic's duplicate detection drops (bicep/modules/servicebus.bicep). Tests: NotifyOrderChangeSideEffectTests.
/// One message with recorded completion, rather than a queue per side effect, because a fanned-out message can be
/// redelivered too, so each side effect would need the same record anyway, plus two more queues to run.
/// Other capabilities' <see cref="IOrderChangeReaction"/>s (the points ledger) run here too, each as one more independent
/// side effect with no record on the order: a reaction is idempotent by itself, so running it on every redelivery is
/// harmless, and it costs no extra queue message or order read. A failing reaction is retried by redelivery without
/// holding back the email or the event.
/// Before it sends, a copy claims the email on the order (<see cref="Order.EmailClaims"/>, one more write per email), so
/// two copies of one message handled at once send it once.
/// </remarks>
public sealed class NotifyOrderChange(IOrderStore orders, IEmailSender email, IIntegrationEvents events, OrderSettings settings,
    TimeProvider clock, IEnumerable<IOrderChangeReaction>? reactions = null)
{
    private const int MaximumAttempts = 8;
    private const int SequencesKept = 50;

    /// <summary>What a claim holds beyond the email sender's longest send: the claim's own write and the record's.</summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a copy of the message holds an email it is sending (<see cref="Order.EmailClaims"/>): longer than the
    /// email sender can take (<see cref="IEmailSender.LongestSend"/>: 60 s for SendGrid, retries included; 5 s for the
    /// local mailbox), so a live sender is never overtaken; shorter than the queue hides a dead host's message (10
    /// minutes in Azure, 30 s on the local host), so its redelivery finds the claim run out, or nearly, and sends.
    /// </summary>
    public TimeSpan EmailClaimLease => email.LongestSend + ClaimMargin;

    private static readonly TimeSpan LongestClaimPoll = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(OrderChanged message, CancellationToken ct)
    {
        // An order that is not there (or an entry it does not have) was never saved: the message has nothing to tell.
        if (await orders.FindAsync(message.Number, ct) is not { } found) return;
        var order = found.Value;
        if (order.History.FirstOrDefault(h => h.Sequence == message.Sequence) is not { } entry) return;

        var failures = new List<Exception>();
        var published = !order.PublishedSequences.Contains(entry.Sequence) && await SucceedsAsync(
            () => events.PublishAsync(new IntegrationEvent(EventType(entry.Change), order.Number, OrderEvent.Of(order, entry), entry.At, message.MessageId), ct), failures);
        var emailed = false;
        if (!order.NotifiedSequences.Contains(entry.Sequence) && OrderEmails.For(order, entry, settings) is { } mail
            && await ClaimEmailAsync(found, entry.Sequence, ct) is { } claimed)
        {
            found = claimed;
            emailed = await SucceedsAsync(() => email.SendAsync(mail, ct), failures);
            // Handed back at once, so the queue's retry sends without waiting for the lease to run out.
            if (!emailed) await ReleaseClaimAsync(found, entry.Sequence, ct);
        }

        // Recorded before the reactions run, so a crash while they do (they read and write other documents) finds the
        // email and the event done and sends neither again (CrashMatrixTests: one confirmation email).
        if (published || emailed) await RememberAsync(found, entry.Sequence, published, emailed, ct);

        foreach (var reaction in reactions ?? [])
            await SucceedsAsync(() => reaction.ReactAsync(order, entry, ct), failures);
        if (failures.Count == 1) ExceptionDispatchInfo.Throw(failures[0]);
        if (failures.Count > 1) throw new AggregateException($"Neither the event nor the email of {message.MessageId} went out.", failures);
    }

    private static async Task<bool> SucceedsAsync(Func<Task> sideEffect, List<Exception> failures)
    {
        try
        {
            await sideEffect();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failures.Add(e);
            return false;
        }
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

    /// <summary>
    /// Makes this copy of the message the one that sends the entry's email, or returns null when another copy has sent
    /// and recorded it. Two copies of one message can be handled at once (a replayed command enqueues its entry's
    /// message again); without the claim both would find the email unsent and both would send it. A copy that finds
    /// another's claim still running waits, re-reading the order, until that copy records the email, hands the claim
    /// back, or its lease runs out (the copy died): waiting here rather than failing the message keeps its dequeue
    /// count, so a long lease never sends it to the poison queue. Tests: NotifyOrderChangeClaimTests.
    /// </summary>
    private async Task<Versioned<Order>?> ClaimEmailAsync(Versioned<Order> read, long sequence, CancellationToken ct)
    {
        var current = read;
        var poll = TimeSpan.FromMilliseconds(100);
        for (var conflicts = 0; ;)
        {
            var order = current.Value;
            if (order.NotifiedSequences.Contains(sequence)) return null;
            var now = clock.GetUtcNow();
            if (order.EmailClaims.FirstOrDefault(c => c.Sequence == sequence) is { } held && held.Until > now)
            {
                await Task.Delay(poll < held.Until - now ? poll : held.Until - now, clock, ct);
                poll = poll * 2 < LongestClaimPoll ? poll * 2 : LongestClaimPoll;
            }
            else
            {
                var claimed = order with { EmailClaims = [.. order.EmailClaims.Where(c => c.Sequence != sequence && c.Until > now), new EmailClaim(sequence, now + EmailClaimLease)] };
                try
                {
                    return new Versioned<Order>(claimed, await orders.SaveAsync(claimed, current.Version, ct));
                }
                catch (StaleVersionException) when (++conflicts < MaximumAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * conflicts)), ct);
                }
            }
            current = await orders.FindAsync(read.Value.Number, ct) ?? throw new ResourceNotFoundException("Order", read.Value.Number);
        }
    }

    private async Task ReleaseClaimAsync(Versioned<Order> claimed, long sequence, CancellationToken ct)
    {
        try
        {
            await UpdateAsync(claimed, order => order.EmailClaims.Any(c => c.Sequence == sequence)
                ? order with { EmailClaims = [.. order.EmailClaims.Where(c => c.Sequence != sequence)] }
                : null, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The send's failure is what the queue must hear about; an unreleased claim only delays the retry until its lease ends.
        }
    }

    private Task RememberAsync(Versioned<Order> read, long sequence, bool published, bool emailed, CancellationToken ct)
    {
        static IReadOnlyList<long> With(IReadOnlyList<long> sequences, long sequence) =>
            sequences.Contains(sequence) ? sequences : [.. sequences.TakeLast(SequencesKept - 1), sequence];

        return UpdateAsync(read, order =>
            (!published || order.PublishedSequences.Contains(sequence)) && (!emailed || order.NotifiedSequences.Contains(sequence))
                ? null
                : order with
                {
                    PublishedSequences = published ? With(order.PublishedSequences, sequence) : order.PublishedSequences,
                    NotifiedSequences = emailed ? With(order.NotifiedSequences, sequence) : order.NotifiedSequences,
                    EmailClaims = emailed ? [.. order.EmailClaims.Where(c => c.Sequence != sequence)] : order.EmailClaims,
                }, ct);
    }

    /// <summary>Writes what <paramref name="change"/> makes of the order (null: nothing to write) under its ETag, re-reading on a conflict.</summary>
    private async Task UpdateAsync(Versioned<Order> read, Func<Order, Order?> change, CancellationToken ct)
    {
        var current = read;
        for (var attempt = 1; ; attempt++)
        {
            if (change(current.Value) is not { } updated) return;
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

/// <summary>The data of an order's integration event: which order, what happened, and the money as it stands; <see cref="TrackingNumber"/> is the parcel the change is about (else the order's first).</summary>
public sealed record OrderEvent(
    string Number, long Sequence, OrderChange Change, OrderStatus Status, string? CustomerId, Money Total,
    Money Captured, Money Refunded, Money? Amount, string? Reference, string? TrackingNumber, DateTimeOffset At)
{
    public static OrderEvent Of(Order order, OrderHistoryEntry entry)
    {
        var zero = new Money(0m, order.Currency);
        return new(order.Number, entry.Sequence, entry.Change, entry.Status, order.CustomerId, order.Pricing.Total,
            order.Payment?.CapturedAmount ?? zero, order.Payment?.RefundedAmount ?? zero, entry.Amount, entry.Reference,
            entry.Parcel ?? order.AllParcels().FirstOrDefault()?.TrackingNumber, entry.At);
    }
}
