using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Infrastructure.Reviews;

namespace Serverless.Shop.LocalHost;

/// <summary>
/// The review invitation signing key of the local host, and where its links point. Only the local host makes a key by
/// itself: the app has no default, and in Azure the key is a Key Vault secret (docs/reviews.md).
/// </summary>
internal static class LocalReviewInvitationKey
{
    /// <summary>32 random bytes in base64, kept in <c>review-invitation-key</c> of the data directory (tests: new each run, in memory).</summary>
    public static string LoadOrCreate(string? dataDirectory)
    {
        if (dataDirectory is null) return Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var path = Path.Combine(dataDirectory, "review-invitation-key");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing) return existing;
        Directory.CreateDirectory(dataDirectory);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(path, key);
        return key;
    }

    /// <summary>The settings as configured; without a link address (a free port), links point at this host as it listens.</summary>
    public static ReviewSettings WithLinksToThisHost(IConfiguration configuration, IServiceProvider services)
    {
        var settings = ReviewsRegistration.ReadSettings(configuration);
        if (settings.InvitationBaseUrl is not null) return settings;
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        return settings with { InvitationBaseUrl = new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/') + "/api/review-invitations") };
    }
}
