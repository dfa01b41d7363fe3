using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// A Microsoft identity platform tenant as the shop sees it: the v2.0 OpenID metadata (naming the tenant's issuer and
/// its keys document) and the JWKS with the tenant's public RSA key, served by WireMock in the shape of
/// login.microsoftonline.com's and ciamlogin.com's documents; and RS256 tokens signed with the tenant's private key.
/// Used for the workforce tenant (EntraSignInTests) and the External ID tenant (CustomerSignInTests).
/// </summary>
public sealed class OpenIdAuthorityDouble : IDisposable
{
    public const string KeyId = "tenant-key-1";

    private readonly WireMockServer _server = WireMockServer.Start();

    /// <param name="tenant">The tenant id: the path of the authority on the double.</param>
    /// <param name="issuer">The issuer the metadata names, as the real tenant's does (not the double's address).</param>
    public OpenIdAuthorityDouble(string tenant, string issuer)
    {
        Issuer = issuer;
        var metadata = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = $"{_server.Url}/{tenant}/discovery/v2.0/keys",
            ["authorization_endpoint"] = $"{_server.Url}/{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{_server.Url}/{tenant}/oauth2/v2.0/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        });
        var publicKey = Key.ExportParameters(includePrivateParameters: false);
        var keys = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", kid = KeyId, n = Base64UrlEncoder.Encode(publicKey.Modulus), e = Base64UrlEncoder.Encode(publicKey.Exponent) } },
        });
        _server.Given(Request.Create().WithPath($"/{tenant}/v2.0/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(metadata));
        _server.Given(Request.Create().WithPath($"/{tenant}/discovery/v2.0/keys").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(keys));
        Authority = $"{_server.Url}/{tenant}/v2.0";
    }

    /// <summary>What the shop's authority setting names (the double is plain HTTP: see <see cref="Retriever"/>).</summary>
    public string Authority { get; }
    public string Issuer { get; }

    /// <summary>The tenant's signing key (its public half is in the JWKS).</summary>
    public RSA Key { get; } = RSA.Create(2048);

    /// <summary>Another key, in no JWKS, for forged tokens.</summary>
    public RSA StrangerKey { get; } = RSA.Create(2048);

    /// <summary>As in Azure except that the double is plain HTTP.</summary>
    public static IDocumentRetriever Retriever => new HttpDocumentRetriever { RequireHttps = false };

    public string Token(IDictionary<string, object> claims, string audience, string? issuer = null, TimeSpan? lifetime = null, RSA? signWith = null, string keyId = KeyId)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddHours(-1) : now,
            NotBefore = expires < now ? expires.AddHours(-1) : now,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? Key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        Key.Dispose();
        StrangerKey.Dispose();
    }
}
