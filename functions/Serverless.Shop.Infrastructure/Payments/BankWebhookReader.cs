using Serverless.Shop.Infrastructure.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Infrastructure.Payments;

/// <summary>
/// Reads the webhook a bank (or a bank-statement integration) sends when a transfer arrives:
/// <c>{ "id", "type": "transfer.received", "reference", "amount", "currency", "occurredAt" }</c>, signed in the
/// <c>X-Bank-Signature</c> header (<see cref="HmacWebhookSignature"/>, secret <c>Payments:BankTransfer:WebhookSecret</c>).
/// The order is found from the reference (<see cref="BankTransferReference"/>); the amount is what arrived, which may
/// differ from what was asked: comparing them is the order's business.
/// </summary>
public sealed class BankWebhookReader(BankTransferOptions options, TimeProvider time, ILogger<BankWebhookReader> logger) : IPaymentWebhookReader
{
    public const string SignatureHeader = "X-Bank-Signature";
    public const string TransferReceived = "transfer.received";

    public string Provider => BankTransferGateway.ProviderName;

    public Task<PaymentEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        HmacWebhookSignature.Verify(WebhookHeaders.Find(headers, SignatureHeader), body,
            SecretSetting.Of(AlternativePaymentsSettings.BankWebhookSecretSetting, options.WebhookSecret), time.GetUtcNow(), SignatureHeader);
        return Task.FromResult(Read(body));
    }

    private PaymentEvent? Read(string body)
    {
        // Signed, so it comes from the bank: a body that does not fit is its mistake, answered 400 with the field.
        var json = WebhookJson.Parse(body);
        var eventId = WebhookJson.RequiredString(json, "id");
        if (WebhookJson.RequiredString(json, "type") != TransferReceived) return null;

        var reference = WebhookJson.RequiredString(json, "reference");
        var amount = WebhookJson.RequiredAmount(json, "amount", "currency");
        var occurredAt = WebhookJson.RequiredTime(json, "occurredAt");

        if (!BankTransferReference.TryParse(reference, out var orderId))
        {
            // Money arrived that no order claims (a mistyped reference): acknowledged, so the bank stops resending, and
            // left to a person who reads the statement and marks the order paid.
            logger.LogWarning("Transfer {EventId} of {Amount} has the reference '{Reference}', which names no order; reconcile it by hand.",
                eventId, amount, reference);
            return null;
        }

        return new PaymentEvent(eventId, Provider, PaymentEventType.TransferReceived, orderId, BankTransferReference.Normalize(reference), amount, occurredAt, null);
    }
}

/// <summary>Reading the fields of a signed webhook body; a missing or malformed field is a 400 naming it.</summary>
internal static class WebhookJson
{
    public static JsonElement Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ValidationFailedException.For("body", "must be a JSON object.");
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "is not valid JSON.");
        }
    }

    public static string RequiredString(JsonElement json, string field) =>
        json.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : throw ValidationFailedException.For(field, "is required (a string).");

    /// <summary>A positive amount (a JSON number or a decimal string) in a known currency, with no more decimals than the currency has.</summary>
    public static Money RequiredAmount(JsonElement json, string amountField, string currencyField)
    {
        var currency = RequiredString(json, currencyField);
        if (!Currencies.IsKnown(currency)) throw ValidationFailedException.For(currencyField, "must be an ISO 4217 currency code such as EUR.");
        decimal amount;
        if (!json.TryGetProperty(amountField, out var value)
            || !(value.ValueKind == JsonValueKind.Number ? value.TryGetDecimal(out amount)
                : value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount)))
            throw ValidationFailedException.For(amountField, "is required (a decimal number).");
        if (amount <= 0) throw ValidationFailedException.For(amountField, "must be greater than zero.");
        if (decimal.Round(amount, Currencies.MinorDigits(currency)) != amount)
            throw ValidationFailedException.For(amountField, $"has more decimals than {currency} allows.");
        return new Money(amount, currency);
    }

    public static DateTimeOffset RequiredTime(JsonElement json, string field) =>
        json.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : throw ValidationFailedException.For(field, "is required (an ISO 8601 date and time).");
}
