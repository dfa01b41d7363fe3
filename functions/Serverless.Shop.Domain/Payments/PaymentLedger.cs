using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Payments;

/// <summary>What a ledger entry says happened to money at a provider.</summary>
public enum LedgerEntryKind
{
    /// <summary>Asked of the provider and not settled yet: waiting for 3-D Secure or a wallet approval. No money taken.</summary>
    Authorised,
    /// <summary>The money is taken.</summary>
    Captured,
    /// <summary>A pending payment was cancelled before it took money.</summary>
    Voided,
    /// <summary>Money went back to the customer.</summary>
    Refunded,
}

/// <summary>
/// One fact about money at a provider. <see cref="Key"/> makes recording it idempotent: the same fact told twice (a
/// webhook redelivered, a step replayed, the gateway's answer and the provider's webhook about one capture) has one key,
/// so the ledger holds it once. <see cref="LedgerKeys"/> makes the keys.
/// </summary>
/// <param name="Source">Who told the shop: a webhook event id, "checkout", a staff member's id.</param>
public sealed record LedgerEntry(
    string Key, string Provider, string PaymentId, LedgerEntryKind Kind, Money Amount, DateTimeOffset At, string? Source = null);

/// <summary>One provider payment as the ledger adds it up.</summary>
public sealed record LedgerPayment(string Provider, string PaymentId, Money Authorised, Money Captured, Money Voided, Money Refunded)
{
    /// <summary>Captured and not given back.</summary>
    public Money Unrefunded => Captured with { Amount = Captured.Amount - Refunded.Amount };
}

/// <summary>
/// The money of one order at its providers, kept on the order (read with it, written with its ETag): every
/// authorisation, capture, void and refund, once each. The orchestration, the webhooks, refunds and reconciliation all
/// read it, so no one of them is the only place that knows money arrived. docs/orders.md explains it.
/// </summary>
public sealed record PaymentLedger(IReadOnlyList<LedgerEntry> Entries)
{
    public static readonly PaymentLedger Empty = new([]);

    public bool Has(string key) => Entries.Any(e => e.Key == key);

    /// <summary>This ledger with the entry, or this very ledger when an entry with its key is there already.</summary>
    public PaymentLedger With(LedgerEntry entry) => Has(entry.Key) ? this : new PaymentLedger([.. Entries, entry]);

    public decimal Captured => Sum(LedgerEntryKind.Captured);

    public decimal Refunded => Sum(LedgerEntryKind.Refunded);

    /// <summary>Money the shop holds for this order: captured, less what went back.</summary>
    public decimal Unrefunded => Captured - Refunded;

    public bool HasCapture => Entries.Any(e => e.Kind == LedgerEntryKind.Captured);

    /// <summary>Per provider payment id, in the order they first appear.</summary>
    public IReadOnlyList<LedgerPayment> Payments(string currency)
    {
        var zero = new Money(0m, currency);
        return Entries.GroupBy(e => (e.Provider, e.PaymentId)).Select(g =>
        {
            Money Total(LedgerEntryKind kind) => zero with { Amount = g.Where(e => e.Kind == kind).Sum(e => e.Amount.Amount) };
            return new LedgerPayment(g.Key.Provider, g.Key.PaymentId,
                Total(LedgerEntryKind.Authorised), Total(LedgerEntryKind.Captured), Total(LedgerEntryKind.Voided), Total(LedgerEntryKind.Refunded));
        }).ToList();
    }

    /// <summary>The first capture recorded, which says which provider and payment took the money.</summary>
    public LedgerEntry? FirstCapture => Entries.FirstOrDefault(e => e.Kind == LedgerEntryKind.Captured);

    private decimal Sum(LedgerEntryKind kind) => Entries.Where(e => e.Kind == kind).Sum(e => e.Amount.Amount);
}

/// <summary>
/// The keys that make one fact one entry. A card or wallet payment is captured once by its nature (a PaymentIntent, a
/// wallet order), so its capture is keyed by the payment id: the gateway's synchronous answer and the provider's
/// webhook about the same capture are one entry. A bank transfer reference can be paid twice (a customer paying again),
/// so each transfer is keyed by the event that reported it. Refunds are keyed by the shop's refund idempotency key.
/// </summary>
public static class LedgerKeys
{
    public static string Authorised(string provider, string paymentId) => $"authorised:{provider}:{paymentId}";

    public static string Captured(string provider, string paymentId) => $"captured:{provider}:{paymentId}";

    public static string Transfer(string provider, string eventId) => $"transfer:{provider}:{eventId}";

    public static string Voided(string provider, string paymentId) => $"voided:{provider}:{paymentId}";

    public static string Refunded(string provider, string refundKey) => $"refunded:{provider}:{refundKey}";

    /// <summary>The entry a provider's event adds, or null for events that move no money (a failure, a refund notice).</summary>
    /// <remarks>
    /// Refund notices are left out: every refund the shop makes is recorded when it is made, keyed by its own idempotency
    /// key, and a notice of it would count it twice. A refund made outside the shop (in a provider's dashboard) is for
    /// staff to record.
    /// </remarks>
    public static LedgerEntry? For(PaymentEvent payment) => payment switch
    {
        { Type: PaymentEventType.PaymentSucceeded, PaymentId: { } id, Amount: { } amount } =>
            new LedgerEntry(Captured(payment.Provider, id), payment.Provider, id, LedgerEntryKind.Captured, amount, payment.OccurredAt, payment.EventId),
        { Type: PaymentEventType.TransferReceived, Amount: { } amount } =>
            new LedgerEntry(Transfer(payment.Provider, payment.EventId), payment.Provider, payment.PaymentId ?? payment.EventId, LedgerEntryKind.Captured, amount, payment.OccurredAt, payment.EventId),
        _ => null,
    };
}
