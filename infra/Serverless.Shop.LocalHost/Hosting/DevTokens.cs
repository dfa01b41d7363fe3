using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// Tokens for local development, one per role, signed with a key that exists only on this machine (kept in
/// .local/dev-signing-key, never committed). The app accepts them only because the local host hands it that key.
/// </summary>
public sealed class DevTokens(string base64Key, TimeProvider clock)
{
    public string SigningKey { get; } = base64Key;

    public static DevTokens LoadOrCreate(string? directory, TimeProvider clock)
    {
        if (directory is null) return new DevTokens(NewKey(), clock);
        var path = Path.Combine(directory, "dev-signing-key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, NewKey());
        }
        return new DevTokens(File.ReadAllText(path).Trim(), clock);
    }

    public string For(string role, TimeSpan? lifetime = null, string? subject = null) => Mint(subject ?? $"dev-{role}", [role], lifetime ?? TimeSpan.FromDays(30));

    public string Mint(string subject, IReadOnlyList<string> roles, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.LocalIssuer,
            Audience = AuthOptions.LocalAudience,
            // A negative lifetime makes an already expired token, for tests of expiry.
            IssuedAt = lifetime < TimeSpan.Zero ? now.Add(lifetime * 2) : now,
            NotBefore = lifetime < TimeSpan.Zero ? now.Add(lifetime * 2) : now,
            Expires = now.Add(lifetime),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["name"] = subject, ["roles"] = roles.ToArray() },
            SigningCredentials = new SigningCredentials(RequestAuthenticator.LocalSigningKey(SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    public IReadOnlyDictionary<string, string> ForEveryRole() => ShopRoles.All.ToDictionary(r => r, r => For(r));

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
