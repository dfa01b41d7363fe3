using System.Text.Json;
using SendGrid.Helpers.EventWebhook;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

/// <summary>
/// SendGrid's signed Event Webhook: the ECDSA (P-256, SHA-256) signature in <c>X-Twilio-Email-Event-Webhook-Signature</c>
/// over the <c>X-Twilio-Email-Event-Webhook-Timestamp</c> followed by the raw body, checked with the SendGrid package's
/// <see cref="RequestValidator"/> against the verification key from the setting <see cref="AudiencesRegistration.EventWebhookPublicKeySetting"/>
/// (base64 of the DER public key, as SendGrid's Mail Settings show it). Unresolved key: 503 (<see cref="SecretSetting.Value"/>);
/// unsigned or a bad signature: 401, and nothing is read. A signed timestamp older than <see cref="MaximumAge"/> (or
/// more than five minutes ahead) is a 401 too: the events' ids are remembered for 30 days (webhook-events TTL), so a
/// delivery captured and replayed later than that would otherwise count again. SendGrid documents no tolerance and
/// retries a failed delivery for up to 24 hours, hence days rather than Stripe's five minutes. Then the body: a JSON array of events, each with
/// <c>sg_event_id</c>, <c>event</c>, <c>email</c>, <c>timestamp</c> and the custom args at the top level.
/// Tests: SendGridEventWebhookTests.
/// </summary>
public sealed class SendGridEventWebhookReader(SecretSetting publicKey, TimeProvider clock) : IEmailEventWebhookReader
{
    /// <summary>How old a signed delivery may be: past SendGrid's 24 hours of retries, well within the 30 days event ids are kept.</summary>
    public static readonly TimeSpan MaximumAge = TimeSpan.FromDays(3);

    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public Task<IReadOnlyList<EmailEvent>> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        var key = publicKey.Value;
        var signature = headers.GetValueOrDefault(RequestValidator.SIGNATURE_HEADER);
        var timestamp = headers.GetValueOrDefault(RequestValidator.TIMESTAMP_HEADER);
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
            throw new WebhookSignatureException("The request carries no SendGrid Event Webhook signature.");
        if (!Verifies(key, body, signature, timestamp))
            throw new WebhookSignatureException("The SendGrid Event Webhook signature does not verify.");
        var now = clock.GetUtcNow();
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || seconds < (now - MaximumAge).ToUnixTimeSeconds() || seconds > (now + AllowedClockSkew).ToUnixTimeSeconds())
            throw new WebhookSignatureException($"The SendGrid Event Webhook delivery was signed too long ago (or in the future): at most {MaximumAge.TotalDays:0} days old is taken.");
        return Task.FromResult(Parse(body));
    }

    private static bool Verifies(string key, string body, string signature, string timestamp)
    {
        var validator = new RequestValidator();
        EllipticCurve.PublicKey ecdsa;
        try
        {
            ecdsa = validator.ConvertPublicKeyToECDSA(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new NotConfiguredException($"{AudiencesRegistration.EventWebhookPublicKeySetting} is not an ECDSA public key (base64 of its DER form, as SendGrid shows it); no event was accepted.");
        }
        try
        {
            return validator.VerifySignature(ecdsa, body, signature, timestamp);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            // A signature that is not even base64 DER: as bad as a wrong one.
            return false;
        }
    }

    private static IReadOnlyList<EmailEvent> Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "must be a JSON array of events, as SendGrid sends them.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw ValidationFailedException.For("body", "must be a JSON array of events, as SendGrid sends them.");
            var events = new List<EmailEvent>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) continue;
                if (Text(item, "sg_event_id") is not { } id || Text(item, "event") is not { } type) continue;
                var at = item.TryGetProperty("timestamp", out var ts) && ts.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UnixEpoch;
                events.Add(new EmailEvent(id, type, Text(item, "email"), Text(item, EmailCustomArgs.RecipientKey), Text(item, EmailCustomArgs.CampaignId), at));
            }
            return events;
        }
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 500 } text ? text : null;
}
