using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;
using Stripe;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>
/// Reads Stripe webhooks: checks the <c>Stripe-Signature</c> header with Stripe.net's <see cref="EventUtility"/> (HMAC-SHA256
/// of <c>{timestamp}.{body}</c> with the endpoint's signing secret, at most 5 minutes old) and turns the events the shop
/// acts on into <see cref="PaymentEvent"/>s.
/// </summary>
/// <remarks>
/// The local card simulator signs its webhooks exactly like Stripe and sends Stripe-shaped events, so one instance of
/// this reader per provider name serves both (<c>stripe</c> and <c>local-card-simulator</c>, each with its own secret).
/// </remarks>
/// <remarks>A signing secret that is missing or an unresolved Key Vault reference refuses every webhook with 503 (<see cref="SecretSetting"/>).</remarks>
public sealed class StripeWebhookReader(string provider, SecretSetting signingSecret, TimeProvider clock) : IPaymentWebhookReader
{
    public StripeWebhookReader(string provider, string signingSecret, TimeProvider clock)
        : this(provider, SecretSetting.Of($"the {provider} webhook signing secret", signingSecret), clock)
    {
    }

    public const string SignatureHeader = "Stripe-Signature";

    /// <summary>Stripe's own default: an older signature may be a replay.</summary>
    public const long ToleranceSeconds = 300;

    /// <summary>The PaymentIntent metadata key the shop puts the order id under (Stripe copies it to the charge).</summary>
    public const string OrderIdMetadataKey = "order_id";

    public string Provider => provider;

    public Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        Verify(headers, body);
        return Task.FromResult(ToPaymentEvent(EventUtility.ParseEvent(body, throwOnApiVersionMismatch: false)));
    }

    /// <summary>The <c>Stripe-Signature</c> value Stripe sends for <paramref name="payload"/> at <paramref name="time"/>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset time)
    {
        var timestamp = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private void Verify(IReadOnlyDictionary<string, string> headers, string body)
    {
        // First: with no usable secret nothing can be verified, whatever the request says.
        var secret = signingSecret.Value;
        // Header names are case-insensitive in HTTP; the dictionary may not be.
        var signature = headers.FirstOrDefault(h => string.Equals(h.Key, SignatureHeader, StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrWhiteSpace(signature)) throw new WebhookSignatureException($"The {SignatureHeader} header is missing.");
        try
        {
            EventUtility.ValidateSignature(body, signature, secret, ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (Exception e) when (e is StripeException or FormatException or OverflowException or ArgumentException)
        {
            // Stripe's words ("...outside of the allowed tolerance", "...not present..."), never its exception.
            throw new WebhookSignatureException($"The {SignatureHeader} header does not verify: {e.Message}");
        }
    }

    private PaymentEvent? ToPaymentEvent(Event stripeEvent)
    {
        var occurredAt = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        switch (stripeEvent.Type, stripeEvent.Data?.Object)
        {
            case ("payment_intent.succeeded", PaymentIntent intent) when OrderId(intent.Metadata) is { } orderId:
                var received = intent.AmountReceived > 0 ? intent.AmountReceived : intent.Amount;
                return new PaymentEvent(stripeEvent.Id, provider, PaymentEventType.PaymentSucceeded, orderId, intent.Id,
                    StripeCardGateway.FromMinorUnits(received, intent.Currency), occurredAt, null);

            case ("payment_intent.payment_failed", PaymentIntent intent) when OrderId(intent.Metadata) is { } orderId:
                var error = intent.LastPaymentError;
                var reason = !string.IsNullOrWhiteSpace(error?.Message) ? error.Message : error?.DeclineCode ?? error?.Code ?? "The payment failed.";
                return new PaymentEvent(stripeEvent.Id, provider, PaymentEventType.PaymentFailed, orderId, intent.Id,
                    StripeCardGateway.FromMinorUnits(intent.Amount, intent.Currency), occurredAt, reason);

            case ("charge.refunded", Charge charge) when OrderId(charge.Metadata) is { } orderId:
                // The total refunded so far: refunds arrive as separate events, possibly out of order.
                return new PaymentEvent(stripeEvent.Id, provider, PaymentEventType.Refunded, orderId, charge.PaymentIntentId,
                    StripeCardGateway.FromMinorUnits(charge.AmountRefunded, charge.Currency), occurredAt, null);

            default:
                // Other types, and payments the shop did not create (no order id): acknowledged and ignored.
                return null;
        }
    }

    private static string? OrderId(Dictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(OrderIdMetadataKey, out var id) && !string.IsNullOrWhiteSpace(id) ? id : null;
}
