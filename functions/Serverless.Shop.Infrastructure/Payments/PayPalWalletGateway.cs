using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Payments;

public enum PayPalCaptureStatus { Completed, Pending, Declined }

/// <summary>The money PayPal took (or would not take) for one approved PayPal order.</summary>
/// <param name="OrderId">The shop's order id, from the purchase unit's custom_id (or reference_id); null if absent.</param>
/// <param name="CaptureId">Null when PayPal refused before creating a capture.</param>
/// <param name="Issue">PayPal's reason when declined or pending (INSTRUMENT_DECLINED, PENDING_REVIEW ...).</param>
public sealed record PayPalCapture(string PayPalOrderId, string? OrderId, string? CaptureId, PayPalCaptureStatus Status, Money? Amount, string? Issue);

/// <summary>
/// E-wallet payments with PayPal (Orders v2). Charging creates a PayPal order and sends the shopper to PayPal to approve it;
/// the approval comes back as the webhook <c>CHECKOUT.ORDER.APPROVED</c>, on which <see cref="PayPalWebhookReader"/>
/// captures the order here (<see cref="CaptureAsync"/>) and reports the outcome. The payment id is the PayPal order id
/// throughout: on the charge result, on the events and for refunds.
/// </summary>
/// <remarks>
/// No double charge: the create call carries the charge's idempotency key and the capture a key derived from the PayPal
/// order id, as <c>PayPal-Request-Id</c> on every attempt; a capture of an order that was already captured reads the
/// existing capture instead.
/// </remarks>
public sealed class PayPalWalletGateway(PayPalApi api, ILogger<PayPalWalletGateway> logger) : IPaymentGateway
{
    public const string ProviderName = "paypal";

    public string Provider => ProviderName;
    public PaymentMethod Method => PaymentMethod.EWallet;

    /// <summary>The capture's idempotency key for a PayPal order: the same for every delivery of its approval webhook.</summary>
    public static string CaptureKey(string payPalOrderId) => "capture-" + payPalOrderId;

    /// <summary>Creates the PayPal order and answers <see cref="PaymentOutcome.ActionRequired"/> with PayPal's approval page.</summary>
    public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken ct)
    {
        if (request.Method != PaymentMethod.EWallet) throw new ArgumentException($"PayPal cannot take a {request.Method} payment here.", nameof(request));
        var returnUrl = ReturnUrl(request.ReturnUrl);
        var amount = PayPalApi.FormatAmount(request.Amount);

        var body = new JsonObject
        {
            ["intent"] = "CAPTURE",
            ["purchase_units"] = new JsonArray(new JsonObject
            {
                ["reference_id"] = request.OrderId,
                ["custom_id"] = request.OrderId,
                ["amount"] = new JsonObject { ["currency_code"] = request.Amount.Currency, ["value"] = amount },
            }),
            ["payment_source"] = new JsonObject
            {
                ["paypal"] = new JsonObject
                {
                    ["experience_context"] = new JsonObject
                    {
                        ["return_url"] = WithOutcome(returnUrl, "approved"),
                        ["cancel_url"] = WithOutcome(returnUrl, "cancelled"),
                        ["user_action"] = "PAY_NOW",
                    },
                },
            },
        };

        var answer = (await api.SendAsync(HttpMethod.Post, "v2/checkout/orders", body.ToJsonString(), request.IdempotencyKey, ct)).EnsureSuccess();
        var payPalOrderId = PayPalAnswer.Text(answer.Json, "id")
            ?? throw new ThirdPartyCallFailedException(PayPalApi.ServiceName, answer.Status, "the created order has no id.");
        var approveUrl = Link(answer.Json, "payer-action") ?? Link(answer.Json, "approve")
            ?? throw new ThirdPartyCallFailedException(PayPalApi.ServiceName, answer.Status, $"order {payPalOrderId} has no approval link.");

        logger.LogInformation("Created PayPal order {PayPalOrderId} for order {OrderId}; waiting for the shopper's approval.", payPalOrderId, request.OrderId);
        return new PaymentResult(PaymentOutcome.ActionRequired, Provider, payPalOrderId, RedirectUrl: approveUrl,
            Message: "Approve the payment at PayPal.");
    }

    /// <summary>
    /// Takes the money for an order the shopper approved: <see cref="PaymentOutcome.Captured"/>,
    /// <see cref="PaymentOutcome.Declined"/> (with PayPal's issue as decline code), or
    /// <see cref="PaymentOutcome.ActionRequired"/> without a redirect when PayPal holds the capture pending (a
    /// PAYMENT.CAPTURE.COMPLETED or DENIED webhook tells the outcome). Safe to call again: see <see cref="CaptureAsync"/>.
    /// </summary>
    public async Task<PaymentResult> CaptureApprovedAsync(string payPalOrderId, string idempotencyKey, CancellationToken ct)
    {
        var capture = await CaptureAsync(payPalOrderId, idempotencyKey, ct);
        return capture.Status switch
        {
            PayPalCaptureStatus.Completed => new PaymentResult(PaymentOutcome.Captured, Provider, payPalOrderId, Message: $"PayPal capture {capture.CaptureId}."),
            PayPalCaptureStatus.Declined => new PaymentResult(PaymentOutcome.Declined, Provider, payPalOrderId, capture.Issue ?? "DECLINED",
                "PayPal declined the payment."),
            _ => new PaymentResult(PaymentOutcome.ActionRequired, Provider, payPalOrderId, capture.Issue,
                "PayPal holds the payment pending; a webhook will tell the outcome."),
        };
    }

    /// <summary>
    /// Captures an approved PayPal order, with <paramref name="idempotencyKey"/> as PayPal-Request-Id on every attempt.
    /// An order captured before (another delivery of the webhook, another instance) is read, not captured again.
    /// </summary>
    public async Task<PayPalCapture> CaptureAsync(string payPalOrderId, string idempotencyKey, CancellationToken ct)
    {
        var path = $"v2/checkout/orders/{Uri.EscapeDataString(payPalOrderId)}";
        var answer = await api.SendAsync(HttpMethod.Post, path + "/capture", "{}", idempotencyKey, ct);
        if (answer.Status == HttpStatusCode.UnprocessableEntity && answer.Issue == "ORDER_ALREADY_CAPTURED")
            answer = await api.SendAsync(HttpMethod.Get, path, null, null, ct);
        else if (answer.Status == HttpStatusCode.UnprocessableEntity)
        {
            // INSTRUMENT_DECLINED, PAYER_CANNOT_PAY, ORDER_NOT_APPROVED ...: no money moved.
            logger.LogInformation("PayPal declined to capture order {PayPalOrderId}: {Error}.", payPalOrderId, answer.Describe());
            return new PayPalCapture(payPalOrderId, null, null, PayPalCaptureStatus.Declined, null, answer.Issue);
        }

        var capture = ReadCapture(payPalOrderId, answer.EnsureSuccess().Json);
        logger.LogInformation("PayPal order {PayPalOrderId}: capture {CaptureId} is {Status}.", payPalOrderId, capture.CaptureId, capture.Status);
        return capture;
    }

    /// <summary>
    /// Refunds <paramref name="amount"/> (all or part) of the PayPal order's capture, with the key as PayPal-Request-Id.
    /// An order that was never captured took no money: nothing is sent, and the result's amount is zero.
    /// </summary>
    /// <param name="paymentId">The PayPal order id (the payment id of the charge and of its events).</param>
    public async Task<RefundResult> RefundAsync(string paymentId, Money amount, string idempotencyKey, CancellationToken ct)
    {
        var value = PayPalApi.FormatAmount(amount);
        var order = await api.SendAsync(HttpMethod.Get, $"v2/checkout/orders/{Uri.EscapeDataString(paymentId)}", null, null, ct);
        if (order.Status == HttpStatusCode.NotFound) throw new ResourceNotFoundException("PayPal order", paymentId);
        var capture = ReadCapture(paymentId, order.EnsureSuccess().Json);

        if (capture.CaptureId is null || capture.Status == PayPalCaptureStatus.Declined)
        {
            logger.LogInformation("PayPal order {PayPalOrderId} was never captured; nothing to refund.", paymentId);
            return new RefundResult("paypal-uncaptured-" + paymentId, new Money(0m, amount.Currency));
        }
        if (capture.Status == PayPalCaptureStatus.Pending)
            throw new BusinessRuleViolationException($"The PayPal payment {paymentId} is still pending at PayPal; it can be refunded once it completes.");

        var body = new JsonObject
        {
            ["amount"] = new JsonObject { ["currency_code"] = amount.Currency, ["value"] = value },
            // Carried back on the PAYMENT.CAPTURE.REFUNDED webhook, which names no order otherwise.
            ["custom_id"] = capture.OrderId,
        };
        var answer = await api.SendAsync(HttpMethod.Post, $"v2/payments/captures/{Uri.EscapeDataString(capture.CaptureId)}/refund",
            body.ToJsonString(), idempotencyKey, ct);
        if (answer.Status == HttpStatusCode.UnprocessableEntity)
            throw new BusinessRuleViolationException($"PayPal refused to refund {amount} of payment {paymentId}: {answer.Describe()}.");
        var refundId = PayPalAnswer.Text(answer.EnsureSuccess().Json, "id")
            ?? throw new ThirdPartyCallFailedException(PayPalApi.ServiceName, answer.Status, "the refund has no id.");

        logger.LogInformation("Refunded {Amount} of PayPal order {PayPalOrderId} (refund {RefundId}).", amount, paymentId, refundId);
        return new RefundResult(refundId, amount);
    }

    /// <summary>The first purchase unit's capture in a PayPal order, as the capture call and GET order return it.</summary>
    private static PayPalCapture ReadCapture(string payPalOrderId, JsonElement order)
    {
        var unit = order.TryGetProperty("purchase_units", out var units) && units.ValueKind == JsonValueKind.Array && units.GetArrayLength() > 0
            ? units[0]
            : default;
        var capture = unit.ValueKind == JsonValueKind.Object
            && unit.TryGetProperty("payments", out var payments) && payments.ValueKind == JsonValueKind.Object
            && payments.TryGetProperty("captures", out var captures) && captures.ValueKind == JsonValueKind.Array && captures.GetArrayLength() > 0
                ? captures[0]
                : default;
        var orderId = PayPalAnswer.Text(capture, "custom_id") ?? PayPalAnswer.Text(unit, "custom_id") ?? PayPalAnswer.Text(unit, "reference_id");
        if (capture.ValueKind != JsonValueKind.Object)
            return new PayPalCapture(payPalOrderId, orderId, null, PayPalCaptureStatus.Declined, null, PayPalAnswer.Text(order, "status"));

        var status = PayPalAnswer.Text(capture, "status") switch
        {
            "COMPLETED" or "PARTIALLY_REFUNDED" or "REFUNDED" => PayPalCaptureStatus.Completed,
            "PENDING" => PayPalCaptureStatus.Pending,
            _ => PayPalCaptureStatus.Declined,
        };
        var reason = capture.TryGetProperty("status_details", out var details) ? PayPalAnswer.Text(details, "reason") : null;
        var amount = capture.TryGetProperty("amount", out var value) ? PayPalApi.ReadAmount(value) : null;
        return new PayPalCapture(payPalOrderId, orderId, PayPalAnswer.Text(capture, "id"), status, amount, reason ?? (status == PayPalCaptureStatus.Completed ? null : PayPalAnswer.Text(capture, "status")));
    }

    private static string? Link(JsonElement order, string rel) =>
        order.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Array
            ? links.EnumerateArray().Where(l => PayPalAnswer.Text(l, "rel") == rel).Select(l => PayPalAnswer.Text(l, "href")).FirstOrDefault(h => h is not null)
            : null;

    internal static Uri ReturnUrl(string? returnUrl) =>
        Uri.TryCreate(returnUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw ValidationFailedException.For("returnUrl", "is required for an e-wallet payment: the absolute http(s) URL the shopper comes back to.");

    /// <summary>The shop's return URL with <c>payment=approved</c> or <c>payment=cancelled</c>, so the storefront knows which way the shopper came back.</summary>
    internal static string WithOutcome(Uri returnUrl, string outcome) => QueryHelpers.AddQueryString(returnUrl.AbsoluteUri, "payment", outcome);
}
