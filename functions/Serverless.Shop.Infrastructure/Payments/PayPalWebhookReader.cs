using Serverless.Shop.Infrastructure.Common;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>
/// Reads PayPal's webhooks after PayPal itself confirmed the signature (POST /v1/notifications/verify-webhook-signature
/// with the transmission headers, the shop's webhook id and the event exactly as it arrived).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>CHECKOUT.ORDER.APPROVED</c>: the shopper approved at PayPal. The shop captures the order now (through the
/// gateway, with a PayPal-Request-Id derived from the PayPal order id, so redeliveries never capture twice) and reports
/// PaymentSucceeded or PaymentFailed; a capture PayPal holds pending reports nothing yet.</item>
/// <item><c>PAYMENT.CAPTURE.COMPLETED</c> → PaymentSucceeded; <c>PAYMENT.CAPTURE.DENIED</c> → PaymentFailed;
/// <c>PAYMENT.CAPTURE.REFUNDED</c> → Refunded.</item>
/// </list>
/// A capture's success has the event id <c>capture-completed:&lt;capture id&gt;</c> whether it came from the capture call
/// or from PAYMENT.CAPTURE.COMPLETED, so the webhook inbox lets only the first of the two through (and likewise
/// <c>capture-declined:</c>). Other event types are acknowledged and ignored.
/// </remarks>
public sealed class PayPalWebhookReader(PayPalApi api, PayPalWalletGateway gateway, string webhookId, ILogger<PayPalWebhookReader> logger) : IPaymentWebhookReader
{
    public const string VerifyPath = "v1/notifications/verify-webhook-signature";

    /// <summary>The transmission headers and the verification API's field each goes into.</summary>
    public static readonly IReadOnlyList<(string Header, string Field)> TransmissionHeaders =
    [
        ("PAYPAL-AUTH-ALGO", "auth_algo"),
        ("PAYPAL-CERT-URL", "cert_url"),
        ("PAYPAL-TRANSMISSION-ID", "transmission_id"),
        ("PAYPAL-TRANSMISSION-SIG", "transmission_sig"),
        ("PAYPAL-TRANSMISSION-TIME", "transmission_time"),
    ];

    public string Provider => PayPalWalletGateway.ProviderName;

    public async Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        await VerifyAsync(headers, body, ct);

        var json = WebhookJson.Parse(body);
        var eventId = WebhookJson.RequiredString(json, "id");
        var eventType = WebhookJson.RequiredString(json, "event_type");
        var occurredAt = json.TryGetProperty("create_time", out var created) && created.ValueKind == JsonValueKind.String && created.TryGetDateTimeOffset(out var at)
            ? at
            : DateTimeOffset.UnixEpoch;
        var resource = json.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.Object
            ? r
            : throw ValidationFailedException.For("resource", "is required (an object).");

        var payment = eventType switch
        {
            "CHECKOUT.ORDER.APPROVED" => await CaptureApprovedOrderAsync(eventId, resource, occurredAt, ct),
            "PAYMENT.CAPTURE.COMPLETED" => FromCapture(resource, PaymentEventType.PaymentSucceeded, occurredAt),
            "PAYMENT.CAPTURE.DENIED" => FromCapture(resource, PaymentEventType.PaymentFailed, occurredAt),
            "PAYMENT.CAPTURE.REFUNDED" => FromRefund(eventId, resource, occurredAt),
            _ => null,
        };
        if (payment is null) logger.LogInformation("PayPal webhook {EventId} ({EventType}) needs nothing from the shop.", eventId, eventType);
        return payment;
    }

    private async Task VerifyAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        // First, and without calling PayPal: a webhook id that is missing or an unresolved Key Vault reference is a 503.
        var shopWebhookId = SecretSetting.Of(AlternativePaymentsSettings.PayPalWebhookIdSetting, webhookId).Value;
        var values = new List<(string Field, string Value)>();
        foreach (var (header, field) in TransmissionHeaders)
        {
            var value = WebhookHeaders.Find(headers, header);
            if (string.IsNullOrWhiteSpace(value)) throw new WebhookSignatureException($"The {header} header is missing: this is not a webhook PayPal sent.");
            values.Add((field, value));
        }

        // The event goes to PayPal byte for byte as it came: a re-serialised copy can fail verification.
        string request;
        try
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (field, value) in values) writer.WriteString(field, value);
                writer.WriteString("webhook_id", shopWebhookId);
                writer.WritePropertyName("webhook_event");
                writer.WriteRawValue(body, skipInputValidation: false);
                writer.WriteEndObject();
            }
            request = Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new WebhookSignatureException("The body is not JSON, so PayPal cannot have signed it.");
        }

        var answer = await api.SendAsync(HttpMethod.Post, VerifyPath, request, requestId: null, ct);
        if (!answer.IsSuccess)
        {
            // PayPal refused to check it at all (a malformed header, an unknown webhook id): it is not verified either way.
            logger.LogWarning("PayPal could not verify a webhook ({Status}): {Error}.", (int)answer.Status, answer.Describe());
            throw new WebhookSignatureException($"PayPal could not verify the webhook's signature: {answer.Describe()}.");
        }
        var status = PayPalAnswer.Text(answer.Json, "verification_status");
        if (status != "SUCCESS") throw new WebhookSignatureException($"PayPal did not verify the webhook's signature ({status ?? "no status"}).");
    }

    private async Task<PaymentEvent?> CaptureApprovedOrderAsync(string eventId, JsonElement order, DateTimeOffset occurredAt, CancellationToken ct)
    {
        var payPalOrderId = WebhookJson.RequiredString(order, "id");
        var capture = await gateway.CaptureAsync(payPalOrderId, PayPalWalletGateway.CaptureKey(payPalOrderId), ct);
        var orderId = capture.OrderId ?? OrderIdOf(order);
        if (orderId is null) return NotOurs(eventId, payPalOrderId);

        return capture.Status switch
        {
            PayPalCaptureStatus.Completed => new PaymentEvent($"capture-completed:{capture.CaptureId}", Provider, PaymentEventType.PaymentSucceeded,
                orderId, payPalOrderId, capture.Amount, occurredAt, null),
            PayPalCaptureStatus.Declined => new PaymentEvent(capture.CaptureId is null ? eventId : $"capture-declined:{capture.CaptureId}", Provider,
                PaymentEventType.PaymentFailed, orderId, payPalOrderId, capture.Amount, occurredAt, DeclineReason(capture.Issue)),
            // PayPal reviews it; PAYMENT.CAPTURE.COMPLETED or DENIED follows.
            _ => null,
        };
    }

    private PaymentEvent? FromCapture(JsonElement capture, PaymentEventType type, DateTimeOffset occurredAt)
    {
        var captureId = WebhookJson.RequiredString(capture, "id");
        var payPalOrderId = RelatedOrderId(capture);
        var orderId = PayPalAnswer.Text(capture, "custom_id");
        if (orderId is null) return NotOurs(captureId, payPalOrderId);
        var amount = capture.TryGetProperty("amount", out var value) ? PayPalApi.ReadAmount(value) : null;
        var reason = capture.TryGetProperty("status_details", out var details) ? PayPalAnswer.Text(details, "reason") : null;
        return type == PaymentEventType.PaymentSucceeded
            ? new PaymentEvent($"capture-completed:{captureId}", Provider, type, orderId, payPalOrderId, amount, occurredAt, null)
            : new PaymentEvent($"capture-declined:{captureId}", Provider, type, orderId, payPalOrderId, amount, occurredAt, DeclineReason(reason));
    }

    private PaymentEvent? FromRefund(string eventId, JsonElement refund, DateTimeOffset occurredAt)
    {
        var refundId = WebhookJson.RequiredString(refund, "id");
        var orderId = PayPalAnswer.Text(refund, "custom_id");
        if (orderId is null) return NotOurs(eventId, refundId);
        var amount = refund.TryGetProperty("amount", out var value) ? PayPalApi.ReadAmount(value) : null;
        return new PaymentEvent($"refund:{refundId}", Provider, PaymentEventType.Refunded, orderId, RelatedOrderId(refund), amount, occurredAt, null);
    }

    private PaymentEvent? NotOurs(string eventId, string? payPalId)
    {
        // A payment made outside the shop's checkout (an invoice, a button on another site) names no shop order.
        logger.LogWarning("PayPal webhook {EventId} ({PayPalId}) names no shop order; ignored.", eventId, payPalId);
        return null;
    }

    private static string? OrderIdOf(JsonElement order) =>
        order.TryGetProperty("purchase_units", out var units) && units.ValueKind == JsonValueKind.Array && units.GetArrayLength() > 0
            ? PayPalAnswer.Text(units[0], "custom_id") ?? PayPalAnswer.Text(units[0], "reference_id")
            : null;

    private static string? RelatedOrderId(JsonElement resource) =>
        resource.TryGetProperty("supplementary_data", out var data) && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("related_ids", out var ids) && ids.ValueKind == JsonValueKind.Object
            ? PayPalAnswer.Text(ids, "order_id")
            : null;

    private static string DeclineReason(string? issue) => issue is null ? "PayPal declined the payment." : $"PayPal declined the payment ({issue}).";
}
