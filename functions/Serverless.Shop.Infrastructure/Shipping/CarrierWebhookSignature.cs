using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// The local carrier's webhook signature, in the scheme most carriers and gateways use (Stripe's, for one):
/// <c>X-Carrier-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>. The timestamp is
/// signed with the body, so an old delivery cannot be replayed later, and a changed byte of the body breaks the MAC.
/// Several <c>v1</c> values may be sent (while a secret is rotated); one matching is enough.
/// </summary>
public static class CarrierWebhookSignature
{
    public const string HeaderName = "X-Carrier-Signature";

    /// <summary>How old (or how far ahead, for clock skew) a signature may be.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Create(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <exception cref="WebhookSignatureException">The header is missing or malformed, too old or too new, or no signature matches.</exception>
    public static void Verify(string? header, string body, string secret, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header)) throw new WebhookSignatureException($"The {HeaderName} header is missing.");

        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = part.IndexOf('=');
            if (separator <= 0) continue;
            var (key, value) = (part[..separator], part[(separator + 1)..]);
            if (key == "t") timestamp = value;
            else if (key == "v1") signatures.Add(value);
        }
        if (timestamp is null || signatures.Count == 0 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw new WebhookSignatureException($"The {HeaderName} header must be t=<unix seconds>,v1=<signature>.");

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (age > Tolerance || age < -Tolerance)
            throw new WebhookSignatureException($"The signature's timestamp is more than {Tolerance.TotalMinutes:0} minutes from now; it may be a replay.");

        var expected = Mac(secret, timestamp, body);
        if (!signatures.Any(s => Matches(expected, s)))
            throw new WebhookSignatureException("The signature does not match the body.");
    }

    private static byte[] Mac(string secret, string timestamp, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));

    // Constant time, so the time a wrong guess takes tells nothing about how much of it was right.
    private static bool Matches(byte[] expected, string candidate)
    {
        if (candidate.Length != expected.Length * 2) return false;
        try
        {
            return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(candidate));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
