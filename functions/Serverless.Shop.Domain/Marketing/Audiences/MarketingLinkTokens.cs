using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Audiences;

/// <summary>What a confirmation link confirms: the subscription of one address, as it was when that email was sent.</summary>
public sealed record ConfirmationLink(string Key, DateTimeOffset SentAt, DateTimeOffset ExpiresAt);

/// <summary>What an unsubscribe link unsubscribes: one address, the customer it belongs to when known, and the campaign it came in.</summary>
public sealed record UnsubscribeLink(string Key, string? CustomerId, string? CampaignId);

/// <summary>
/// The tokens in confirmation and unsubscribe links: <c>base64url(fields) . base64url(HMAC-SHA256(key, that))</c>. The
/// first field names the purpose, so a confirmation token never unsubscribes and the other way round; changing any byte
/// breaks the signature, which is compared in constant time. Confirmation tokens expire; unsubscribe tokens do not, as an
/// unsubscribe link must keep working in an old email. A bad token is a 400 naming the field <c>token</c>, with one message for
/// every forged, changed or malformed token (only a genuine one can say it expired), so a forger learns nothing. Tests: MarketingLinkTokenTests.
/// </summary>
public sealed class MarketingLinkTokens(IMarketingLinkKey key, TimeProvider clock)
{
    public const int MaximumTokenLength = 1024;
    private const string ConfirmPurpose = "newsletter-confirm";
    private const string UnsubscribePurpose = "unsubscribe";

    public string Confirmation(ConfirmationLink link) =>
        Create(ConfirmPurpose, link.Key, Seconds(link.SentAt), Seconds(link.ExpiresAt));

    public string Unsubscribe(UnsubscribeLink link) =>
        Create(UnsubscribePurpose, link.Key, link.CustomerId ?? "", link.CampaignId ?? "");

    /// <exception cref="ValidationFailedException">Forged, changed, of another purpose, or expired.</exception>
    public ConfirmationLink ReadConfirmation(string? token)
    {
        var fields = Read(token, ConfirmPurpose, 4);
        if (!long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sent)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
            throw Invalid();
        var link = new ConfirmationLink(fields[1], DateTimeOffset.FromUnixTimeSeconds(sent), DateTimeOffset.FromUnixTimeSeconds(expiry));
        if (link.ExpiresAt <= clock.GetUtcNow())
            throw ValidationFailedException.For("token", $"This confirmation link expired on {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC: subscribe again for a new one.");
        return link;
    }

    /// <exception cref="ValidationFailedException">Forged, changed or of another purpose.</exception>
    public UnsubscribeLink ReadUnsubscribe(string? token)
    {
        var fields = Read(token, UnsubscribePurpose, 4);
        return new UnsubscribeLink(fields[1], fields[2].Length == 0 ? null : fields[2], fields[3].Length == 0 ? null : fields[3]);
    }

    private string Create(params string[] fields)
    {
        if (fields.Any(f => f.Contains('\n'))) throw new ArgumentException("A link field cannot hold a line break.", nameof(fields));
        var payload = Encode(Encoding.UTF8.GetBytes(string.Join('\n', fields)));
        return payload + "." + Encode(Sign(payload));
    }

    private string[] Read(string? token, string purpose, int count)
    {
        var parts = token is { Length: > 0 and <= MaximumTokenLength } ? token.Split('.') : [];
        if (parts.Length != 2 || Decode(parts[1]) is not { } signature || !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0])))
            throw Invalid();
        var fields = Encoding.UTF8.GetString(Decode(parts[0]) ?? []).Split('\n');
        if (fields.Length != count || fields[0] != purpose || fields[1].Length == 0) throw Invalid();
        return fields;
    }

    private static ValidationFailedException Invalid() =>
        ValidationFailedException.For("token", "This link is not one the shop sent, or it was changed: use the link from the email as it is.");

    private byte[] Sign(string payload) => HMACSHA256.HashData(key.Key, Encoding.ASCII.GetBytes(payload));

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? Decode(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) return null;
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
