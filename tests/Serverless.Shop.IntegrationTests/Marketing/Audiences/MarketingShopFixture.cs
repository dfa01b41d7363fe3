using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Infrastructure.Marketing.Audiences;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

/// <summary>
/// A local shop whose SendGrid Event Webhook verification key is the public half of a key pair the tests made (so they
/// can sign events as SendGrid does), with segments to build audiences from: <c>dutch</c> (profile language nl).
/// </summary>
public sealed class MarketingShopFixture : LocalShopFixture
{
    public ECDsa EventWebhookKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    protected override IReadOnlyDictionary<string, string?> OverriddenSettings => new Dictionary<string, string?>
    {
        [AudiencesRegistration.EventWebhookPublicKeySetting] = Convert.ToBase64String(EventWebhookKey.ExportSubjectPublicKeyInfo()),
        ["Loyalty:Segments"] = "dutch=language:nl",
    };

    /// <summary>A delivery as SendGrid signs it: ECDSA P-256 with SHA-256 over the timestamp followed by the body, DER, base64.</summary>
    public static HttpRequestMessage Signed(ECDsa key, string body, string? timestamp = null)
    {
        timestamp ??= DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/email/sendgrid") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        return request;
    }

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>The newest email to <paramref name="to"/> whose subject holds <paramref name="subjectPart"/>, waiting a little for it.</summary>
    public async Task<string> MailAsync(string to, string subjectPart)
    {
        for (var i = 0; i < 100; i++)
        {
            if (Mails(to, subjectPart).LastOrDefault() is { } mail) return mail;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No email '{subjectPart}' to {to} in {Shop.MailboxDirectory}.");
    }

    public IReadOnlyList<string> Mails(string to, string subjectPart) => Directory.Exists(Shop.MailboxDirectory)
        ? [.. Directory.GetFiles(Shop.MailboxDirectory, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText)
            .Where(text => text.Contains($"To: {to}", StringComparison.Ordinal) && text.Contains(subjectPart, StringComparison.Ordinal))]
        : [];

    /// <summary>The first link in <paramref name="mail"/> that starts with <paramref name="prefix"/>, relative to the shop.</summary>
    public string LinkIn(string mail, string prefix)
    {
        var start = mail.IndexOf(prefix, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no link {prefix} in the email");
        var end = mail.IndexOfAny([' ', '\r', '\n', '"', '<'], start);
        var url = new Uri(mail[start..end]);
        url.Authority.ShouldBe(Shop.BaseAddress.Authority);
        return url.PathAndQuery.TrimStart('/');
    }
}

[CollectionDefinition(Name)]
public sealed class MarketingShopCollection : ICollectionFixture<MarketingShopFixture>
{
    public const string Name = "marketing shop";
}
