using Serverless.Shop.Infrastructure.Common;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>
/// Reads the local wallet simulator's webhooks (signed in <c>X-Local-Wallet-Signature</c> with
/// <c>Payments:LocalWallet:WebhookSecret</c>): <c>wallet.payment.approved</c> → PaymentSucceeded,
/// <c>wallet.payment.cancelled</c> → PaymentFailed. The payment id is the wallet session id.
/// </summary>
public sealed class LocalWalletWebhookReader(LocalWalletOptions options, TimeProvider time, ILogger<LocalWalletWebhookReader> logger) : IPaymentWebhookReader
{
    public string Provider => LocalWalletSimulator.ProviderName;

    public Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        HmacWebhookSignature.Verify(WebhookHeaders.Find(headers, LocalWalletSimulator.SignatureHeader), body,
            SecretSetting.Of(AlternativePaymentsSettings.WalletWebhookSecretSetting, options.WebhookSecret), time.GetUtcNow(), LocalWalletSimulator.SignatureHeader);

        var json = WebhookJson.Parse(body);
        var eventId = WebhookJson.RequiredString(json, "id");
        var type = WebhookJson.RequiredString(json, "type") switch
        {
            LocalWalletSimulator.ApprovedType => PaymentEventType.PaymentSucceeded,
            LocalWalletSimulator.CancelledType => PaymentEventType.PaymentFailed,
            _ => (PaymentEventType?)null,
        };
        if (type is null)
        {
            logger.LogInformation("Local wallet webhook {EventId} is of a type the shop does not act on.", eventId);
            return Task.FromResult<PaymentEvent?>(null);
        }

        return Task.FromResult<PaymentEvent?>(new PaymentEvent(
            eventId, Provider, type.Value,
            WebhookJson.RequiredString(json, "orderId"),
            WebhookJson.RequiredString(json, "sessionId"),
            WebhookJson.RequiredAmount(json, "amount", "currency"),
            WebhookJson.RequiredTime(json, "occurredAt"),
            type == PaymentEventType.PaymentFailed ? "The shopper cancelled the payment at the wallet." : null));
    }
}
