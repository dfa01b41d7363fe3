using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Marketing.Audiences;

namespace Serverless.Shop.LocalHost.Marketing;

/// <summary>
/// The marketing secrets of the local host, made here and only here (the app has no default for any secret; in Azure
/// both are Key Vault secrets, docs/marketing.md): the key confirmation and unsubscribe links are signed with, and a
/// P-256 key pair standing in for SendGrid's Event Webhook signing key. Kept in the data directory, so links in
/// .local/mailbox keep working across runs and a developer can sign test events with the private key
/// (<c>sendgrid-event-webhook-key.pem</c>); tests get new ones per run, in memory.
/// </summary>
internal static class LocalMarketingKeys
{
    public static IReadOnlyDictionary<string, string?> Settings(string? dataDirectory) => new Dictionary<string, string?>
    {
        [AudiencesRegistration.LinkSigningKeySetting] = LoadOrCreate(dataDirectory, "marketing-link-key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        [AudiencesRegistration.EventWebhookPublicKeySetting] = PublicKeyOf(LoadOrCreate(dataDirectory, "sendgrid-event-webhook-key.pem", NewPrivateKeyPem)),
    };

    /// <summary>The settings as configured; without a link address (a free port), links point at this host as it listens.</summary>
    public static MarketingLinkSettings WithLinksToThisHost(IConfiguration configuration, IServiceProvider services)
    {
        var settings = AudiencesRegistration.ReadLinkSettings(configuration);
        if (settings.ApiBaseUrl is not null) return settings;
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        return new MarketingLinkSettings(new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/') + "/api/"));
    }

    private static string NewPrivateKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    // SendGrid shows its verification key as base64 of the DER public key; the app reads it in that form.
    private static string PublicKeyOf(string privateKeyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(privateKeyPem);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    private static string LoadOrCreate(string? dataDirectory, string file, Func<string> create)
    {
        if (dataDirectory is null) return create();
        var path = Path.Combine(dataDirectory, file);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing) return existing;
        Directory.CreateDirectory(dataDirectory);
        var value = create();
        File.WriteAllText(path, value);
        return value;
    }
}
