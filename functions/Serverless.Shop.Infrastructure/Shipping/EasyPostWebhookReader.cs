using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// EasyPost's tracking webhooks: an Event (<c>tracker.created</c> or <c>tracker.updated</c>) whose <c>result</c> is the
/// tracker. EasyPost signs the raw body with the webhook's secret: <c>X-Hmac-Signature: hmac-sha256-hex=&lt;hex HMAC-SHA256&gt;</c>,
/// keyed with the secret's UTF-8 bytes after Unicode NFKD normalisation. The signature is checked (in constant time)
/// before a byte of the body is trusted. A tracker whose parcel this shop did not buy (another shop on the same
/// EasyPost account, or no parcel at all) is acknowledged and ignored, so EasyPost stops retrying it.
/// Tests: EasyPostWebhookReaderTests.
/// </summary>
/// <remarks>EasyPost's scheme has no timestamp: a replayed event is stopped by its id (the webhook inbox), not by its age.</remarks>
public sealed class EasyPostWebhookReader(SecretSetting secret, Func<string, CancellationToken, Task<EasyPostParcel?>> findParcel) : ITrackingWebhookReader
{
    public const string SignatureHeader = "X-Hmac-Signature";
    public const string SignaturePrefix = "hmac-sha256-hex=";

    public string Carrier => EasyPostCarrier.CarrierName;

    /// <returns>The update; null for an event that is not about tracking, a status that says nothing, or a parcel that is not this shop's.</returns>
    /// <exception cref="WebhookSignatureException">The signature is missing or wrong.</exception>
    /// <exception cref="ValidationFailedException">Signed, but not an event the shop can read.</exception>
    public async Task<TrackingEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        var key = secret.Value; // unresolved: NotConfiguredException, 503, nothing read
        var header = WebhookHeaders.Find(headers, SignatureHeader);
        if (header is null || !header.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase))
            throw new WebhookSignatureException($"The {SignatureHeader} header is missing or not {SignaturePrefix}<hex>.");
        var expected = Encoding.ASCII.GetBytes(Sign(body, key));
        var given = Encoding.ASCII.GetBytes(SignaturePrefix + header[SignaturePrefix.Length..].ToLowerInvariant());
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            throw new WebhookSignatureException($"The {SignatureHeader} signature does not match the body.");

        JsonNode? root;
        try { root = JsonNode.Parse(body); }
        catch (JsonException) { throw ValidationFailedException.For("body", "is not an EasyPost event."); }
        var eventId = EasyPostCarrier.Text(root, "id");
        var description = EasyPostCarrier.Text(root, "description");
        if (eventId is null || !Ids.IsWellFormed(eventId)) throw ValidationFailedException.For("id", "must be an EasyPost event id.");
        if (description is not ("tracker.created" or "tracker.updated")) return null;
        if (root!["result"] is not JsonObject tracker || EasyPostCarrier.Text(tracker, "tracking_code") is not { } code)
            throw ValidationFailedException.For("result", "must be a tracker with a tracking_code.");

        if (EasyPostCarrier.Map(EasyPostCarrier.Text(tracker, "status")) is not { } status) return null;
        if (await findParcel(code, ct) is not { } parcel) return null;
        var latest = EasyPostCarrier.TrackingEvents(tracker, parcel.OrderId).LastOrDefault();
        var at = latest?.OccurredAt
            ?? (DateTimeOffset.TryParse(EasyPostCarrier.Text(tracker, "updated_at"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var updated)
                ? updated : throw ValidationFailedException.For("result.updated_at", "is required."));
        return new TrackingEvent(eventId, Carrier, code, parcel.OrderId, status, at, latest?.Description);
    }

    /// <summary>The header value EasyPost sends for <paramref name="body"/>: what a test double signs with.</summary>
    public static string Sign(string body, string secret)
    {
        var key = Encoding.UTF8.GetBytes(secret.Normalize(NormalizationForm.FormKD));
        return SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body)));
    }
}
