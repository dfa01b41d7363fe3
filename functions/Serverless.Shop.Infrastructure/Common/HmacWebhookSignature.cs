using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// The HMAC signature of the webhooks the shop signs or receives from senders without a scheme of their own (a bank
/// integration, the local wallet simulator, the local carrier): a header <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>,
/// the scheme Stripe made familiar. Signing the timestamp with the body lets the receiver refuse replays.
/// </summary>
public static class HmacWebhookSignature
{
    /// <summary>How far the signature's timestamp may be from the receiver's clock, either way.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string body, string secret, DateTimeOffset signedAt)
    {
        var timestamp = signedAt.ToUnixTimeSeconds();
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, timestamp, body))}";
    }

    /// <summary>
    /// Accepts the header if one of its <c>v1</c> values (a sender may send several while it rotates secrets) is the HMAC
    /// of this body at its timestamp, and the timestamp is within <see cref="Tolerance"/> of <paramref name="now"/>.
    /// </summary>
    /// <exception cref="Domain.Common.NotConfiguredException">The secret is missing or an unresolved Key Vault reference (503): nothing is verified with it.</exception>
    /// <exception cref="WebhookSignatureException">Missing, malformed, too old or not matching.</exception>
    public static void Verify(string? header, string body, SecretSetting secret, DateTimeOffset now, string headerName) =>
        VerifyWith(header, body, secret.Value, now, headerName);

    /// <summary>As the other overload, for a secret given as text: judged by the same rule (<see cref="SecretSetting.Of"/>).</summary>
    public static void Verify(string? header, string body, string secret, DateTimeOffset now, string headerName) =>
        Verify(header, body, SecretSetting.Of($"the secret of {headerName}", secret), now, headerName);

    private static void VerifyWith(string? header, string body, string secret, DateTimeOffset now, string headerName)
    {
        if (string.IsNullOrWhiteSpace(header)) throw new WebhookSignatureException($"The {headerName} header is missing.");

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0) continue;
            var (key, value) = (part[..equals], part[(equals + 1)..]);
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) timestamp = seconds;
            else if (key == "v1" && TryParseHex(value, out var signature)) signatures.Add(signature);
        }

        if (timestamp is null) throw new WebhookSignatureException($"The {headerName} header has no timestamp (t=...).");
        if (signatures.Count == 0) throw new WebhookSignatureException($"The {headerName} header has no v1 signature.");
        // Compared in seconds, so an absurd timestamp cannot overflow a date.
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > (long)Tolerance.TotalSeconds)
            throw new WebhookSignatureException($"The {headerName} timestamp is more than {Tolerance.TotalMinutes} minutes from now; a replayed or delayed webhook is refused.");

        var expected = Compute(secret, timestamp.Value, body);
        var matches = false;
        // Every candidate is compared in constant time, and all of them, so timing tells nothing about which one was close.
        foreach (var signature in signatures) matches |= CryptographicOperations.FixedTimeEquals(signature, expected);
        if (!matches) throw new WebhookSignatureException($"The {headerName} signature does not match the body.");
    }

    private static byte[] Compute(string secret, long timestamp, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));

    private static bool TryParseHex(string value, out byte[] bytes)
    {
        bytes = [];
        if (value.Length != 64) return false;
        try
        {
            bytes = Convert.FromHexString(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Header lookup that ignores case, as HTTP does, whatever dictionary the caller built.</summary>
internal static class WebhookHeaders
{
    public static string? Find(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var exact)) return exact;
        foreach (var (key, value) in headers)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }
}
