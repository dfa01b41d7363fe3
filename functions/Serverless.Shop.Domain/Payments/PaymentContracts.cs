using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Payments;

public enum PaymentMethod { Card, BankTransfer, EWallet }

/// <summary>
/// A charge the shop asks a gateway for. <see cref="IdempotencyKey"/> is the same on every retry of this charge, so the
/// provider never charges twice. <see cref="PaymentToken"/> is what the storefront got from the provider's client-side
/// SDK (a Stripe PaymentMethod id, a wallet account ...); card numbers never reach the shop.
/// </summary>
public sealed record PaymentRequest(
    string OrderId, Money Amount, PaymentMethod Method, string? PaymentToken, string? ReturnUrl, string CustomerEmail, string IdempotencyKey);

public enum PaymentOutcome
{
    /// <summary>The money is taken.</summary>
    Captured,
    /// <summary>The provider refused; <see cref="PaymentResult.DeclineCode"/> says why.</summary>
    Declined,
    /// <summary>The customer must act at <see cref="PaymentResult.RedirectUrl"/> (3-D Secure, wallet approval); a webhook tells the outcome.</summary>
    ActionRequired,
    /// <summary>Bank transfer: the customer pays with <see cref="PaymentResult.Transfer"/>; a bank webhook or an admin says when it arrived.</summary>
    AwaitingTransfer,
}

public sealed record BankTransferInstructions(string Iban, string Bic, string Beneficiary, string Reference, Money Amount, DateTimeOffset PayBy);

public sealed record PaymentResult(
    PaymentOutcome Outcome, string Provider, string? PaymentId, string? DeclineCode = null, string? Message = null,
    string? RedirectUrl = null, BankTransferInstructions? Transfer = null);

/// <param name="NeedsPerson">
/// The provider cannot send money back by itself (a bank transfer): <see cref="RefundId"/> names the instruction a person
/// must carry out, and no money has moved yet. The order keeps the refund as an open task for staff.
/// </param>
public sealed record RefundResult(string RefundId, Money Amount, bool NeedsPerson = false);

/// <summary>One payment provider for one method. A new gateway is one class implementing this.</summary>
public interface IPaymentGateway
{
    /// <summary>Stable provider name, used in webhook routes (/api/webhooks/payments/{provider}) and stored on orders.</summary>
    string Provider { get; }
    PaymentMethod Method { get; }

    Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct);

    /// <summary>Gives back <paramref name="amount"/> (all or part) of a captured payment, or cancels one still pending. Idempotent by key.</summary>
    Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct);
}

/// <summary>A payment a provider holds for an order, as its search found it.</summary>
/// <param name="Captured">The money is taken (a succeeded PaymentIntent); otherwise it is pending, failed or cancelled.</param>
public sealed record FoundPayment(string Provider, string PaymentId, string OrderId, Money Amount, bool Captured, DateTimeOffset CreatedAt);

/// <summary>
/// What the card gateways share beyond charging: finding the payments a provider holds for an order, by the order number
/// the shop put in the payment's metadata. Reconciliation asks it about checkouts stuck pending payment, so a charge
/// whose webhook never came (or whose checkout died before recording it) is found and recorded.
/// </summary>
public interface IPaymentSearch
{
    /// <summary>The provider searched, as on <see cref="IPaymentGateway.Provider"/>.</summary>
    string Provider { get; }

    Task<IReadOnlyList<FoundPayment>> FindByOrderAsync(string orderNumber, CancellationToken ct);
}

public enum PaymentEventType { PaymentSucceeded, PaymentFailed, TransferReceived, Refunded }

/// <summary>A fact a provider told the shop by webhook, after its signature was checked.</summary>
public sealed record PaymentEvent(
    string EventId, string Provider, PaymentEventType Type, string OrderId, string? PaymentId, Money? Amount, DateTimeOffset OccurredAt, string? Reason);

/// <summary>Checks a provider's webhook signature and reads the event. Throws <see cref="WebhookSignatureException"/> when the signature is wrong.</summary>
public interface IPaymentWebhookReader
{
    string Provider { get; }

    /// <returns>The event, or null for event types the shop does not act on (acknowledged and ignored).</returns>
    /// <remarks>Async because some providers verify by calling back (PayPal's verify-webhook-signature).</remarks>
    Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct);
}

/// <summary>The webhook's signature did not verify: answered 401, and nothing changes.</summary>
public sealed class WebhookSignatureException(string detail) : ShopException("Unauthorized.", detail);

/// <summary>
/// Remembers which webhook events were handled, so a provider's redelivery changes nothing. The handler runs at most
/// once per (source, event id) to completion; if it throws, the event is forgotten so the provider's retry can succeed.
/// </summary>
public interface IWebhookInbox
{
    /// <returns>True if the handler ran now; false if the event had already been handled.</returns>
    Task<bool> HandleOnceAsync(string source, string eventId, Func<CancellationToken, Task> handler, CancellationToken ct);
}
