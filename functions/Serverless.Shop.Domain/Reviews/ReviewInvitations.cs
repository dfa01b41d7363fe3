using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>What a review invitation link grants: reviewing one product of one delivered order, until it expires.</summary>
public sealed record ReviewInvitation(string OrderNumber, string ProductId, DateTimeOffset ExpiresAt);

/// <summary>
/// Review invitation tokens: <c>base64url(order|product|expiry) . base64url(HMAC-SHA256(key, that))</c>. Only the shop,
/// with the signing key, can make one; changing any byte breaks the signature, checked in constant time; the expiry is
/// inside what is signed. Tests: ReviewInvitationTokenTests, GuestReviewTests.
/// </summary>
public sealed class ReviewInvitationTokens(IReviewInvitationKey key, TimeProvider clock)
{
    public const int MaximumTokenLength = 512;

    public string Create(ReviewInvitation invitation)
    {
        var payload = Encode(Encoding.UTF8.GetBytes(string.Join('|', invitation.OrderNumber, invitation.ProductId,
            invitation.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));
        return payload + "." + Encode(Sign(payload));
    }

    /// <exception cref="InvalidInvitationException">Tampered, malformed or expired.</exception>
    public ReviewInvitation Read(string? token)
    {
        var parts = token is { Length: > 0 and <= MaximumTokenLength } ? token.Split('.') : [];
        if (parts.Length != 2 || Decode(parts[1]) is not { } signature || !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0])))
            throw new InvalidInvitationException("This review link is not one the shop sent, or it was changed. Use the link from your email as it is.");
        var fields = Encoding.UTF8.GetString(Decode(parts[0]) ?? []).Split('|');
        if (fields.Length != 3 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
            throw new InvalidInvitationException("This review link is not one the shop sent.");
        var invitation = new ReviewInvitation(fields[0], fields[1], DateTimeOffset.FromUnixTimeSeconds(expiry));
        if (invitation.ExpiresAt <= clock.GetUtcNow())
            throw new InvalidInvitationException($"This review link expired on {invitation.ExpiresAt:yyyy-MM-dd}.");
        return invitation;
    }

    private byte[] Sign(string payload) => HMACSHA256.HashData(key.Key, Encoding.ASCII.GetBytes(payload));

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
