using System.Text.Json;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// Tracking updates from a carrier that signs its webhooks with <see cref="HmacWebhookSignature"/> in the header <see cref="SignatureHeader"/> (the local
/// carrier simulator does). The body is <c>{ id, trackingNumber, orderId, status, occurredAt, description }</c>; the
/// signature is checked before a byte of it is trusted.
/// </summary>
/// <remarks>A secret that is missing or an unresolved Key Vault reference refuses every webhook with 503 (<see cref="SecretSetting"/>).</remarks>
public sealed class HmacTrackingWebhookReader(string carrier, SecretSetting secret, TimeProvider clock) : ITrackingWebhookReader
{
    public HmacTrackingWebhookReader(string carrier, string secret, TimeProvider clock)
        : this(carrier, SecretSetting.Of($"the {carrier} webhook secret", secret), clock)
    {
    }

    public const string SignatureHeader = "X-Carrier-Signature";

    public string Carrier { get; } = carrier;

    /// <returns>The update, or null for a status the shop does not know (acknowledged and ignored, so the carrier stops retrying).</returns>
    /// <exception cref="Domain.Payments.WebhookSignatureException">The signature is missing, stale or wrong.</exception>
    /// <exception cref="ValidationFailedException">Signed, but not a tracking update the shop can read.</exception>
    public Task<TrackingEvent?> ReadAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        var header = WebhookHeaders.Find(headers, SignatureHeader);
        HmacWebhookSignature.Verify(header, body, secret, clock.GetUtcNow(), SignatureHeader);

        TrackingWebhookBody? update;
        try
        {
            update = JsonSerializer.Deserialize<TrackingWebhookBody>(body, ShopJson.Options);
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "is not a tracking update.");
        }
        var v = new Validator();
        if (v.Required(update, "body"))
        {
            v.Check(Ids.IsWellFormed(update!.Id), "id", "must be an event id of at most 100 letters, digits, '_' or '-'.");
            v.Check(update.TrackingNumber is { Length: > 0 and <= 64 }, "trackingNumber", "is required.");
            v.Check(Ids.IsWellFormed(update.OrderId), "orderId", "must be an order id.");
            v.Required(update.Status, "status");
            v.Required(update.OccurredAt, "occurredAt");
            v.MaxLength(update.Description, 500, "description");
        }
        v.ThrowIfInvalid();

        if (!TryParseStatus(update!.Status!, out var status)) return Task.FromResult<TrackingEvent?>(null);
        return Task.FromResult<TrackingEvent?>(new TrackingEvent(update.Id!, Carrier, update.TrackingNumber!, update.OrderId!, status, update.OccurredAt!.Value, update.Description));
    }

    /// <summary>The status as the body spells it (camelCase, e.g. <c>inTransit</c>); names only, never numbers.</summary>
    public static bool TryParseStatus(string value, out TrackingStatus status)
    {
        status = default;
        return value.Length > 0 && value.All(char.IsAsciiLetter) && Enum.TryParse(value, ignoreCase: true, out status) && Enum.IsDefined(status);
    }

    /// <summary>The status as the body spells it.</summary>
    public static string Spell(TrackingStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    /// <summary>The body as the carrier sends it (the local carrier simulator writes it).</summary>
    public sealed record TrackingWebhookBody(string? Id, string? TrackingNumber, string? OrderId, string? Status, DateTimeOffset? OccurredAt, string? Description);
}
