using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.Functions.Http;

/// <param name="Authority">The Entra ID tenant's authority (e.g. https://login.microsoftonline.com/{tenant}/v2.0): its
/// OpenID metadata gives the issuer and the signing keys.</param>
public sealed record AuthOptions(string? Authority, string? Audience, bool TrustPlatformPrincipal)
{
    /// <summary>Issuer and audience of the tokens the local host mints for developers (never accepted in Azure: no key there).</summary>
    public const string LocalIssuer = "serverless-shop-local";
    public const string LocalAudience = "serverless-shop";

    public static AuthOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Auth");
        return new AuthOptions(section["Authority"], section["Audience"], section.GetValue("TrustPlatformPrincipal", false));
    }
}

/// <summary>
/// The key of the local host's developer tokens. Not a setting: only the local host registers it (as a service, after
/// <see cref="ShopServices.AddShop"/>), so no app setting can make the function app accept a token signed with it.
/// Test: EntraSignInTests.The_function_apps_own_registration_refuses_a_dev_token_even_with_the_key_in_its_settings.
/// </summary>
public sealed class LocalTokenSigningKey(string base64Key)
{
    public SymmetricSecurityKey Key { get; } = RequestAuthenticator.LocalSigningKey(base64Key);
}

public abstract record Authentication
{
    public sealed record Anonymous : Authentication;
    public sealed record Succeeded(ClaimsPrincipal Principal, Actor Actor) : Authentication;
    public sealed record Failed(string Reason) : Authentication;
}

/// <summary>
/// Finds out who is calling: a bearer token from Microsoft Entra ID (validated here: signature, issuer, audience,
/// lifetime), or, when the app runs behind App Service authentication that already validated it, the platform's
/// X-MS-CLIENT-PRINCIPAL header. Locally, tokens signed with the local host's key. Roles come from the "roles" claim.
/// </summary>
public sealed class RequestAuthenticator
{
    private readonly AuthOptions _options;
    private readonly LocalTokenSigningKey? _localKey;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _entraMetadata;

    /// <param name="localKey">Registered by the local host only; the function app has none.</param>
    /// <param name="metadataRetriever">How the OpenID metadata and keys are fetched: HTTPS only, unless a test serves them from a local double.</param>
    public RequestAuthenticator(AuthOptions options, LocalTokenSigningKey? localKey = null, IDocumentRetriever? metadataRetriever = null)
    {
        _options = options;
        _localKey = localKey;
        if (options.Authority is not null)
            _entraMetadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.Authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
                metadataRetriever ?? new HttpDocumentRetriever { RequireHttps = true });
    }

    public async Task<Authentication> AuthenticateAsync(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        if (!string.IsNullOrEmpty(authorization))
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return new Authentication.Failed("Only bearer tokens are accepted.");
            return await ValidateBearerAsync(authorization["Bearer ".Length..].Trim());
        }
        if (_options.TrustPlatformPrincipal && request.Headers.TryGetValue("X-MS-CLIENT-PRINCIPAL", out var platform))
            return FromPlatformPrincipal(platform.ToString());
        return new Authentication.Anonymous();
    }

    private async Task<Authentication> ValidateBearerAsync(string token)
    {
        var parameters = await ValidationParametersAsync();
        if (parameters is null) return new Authentication.Failed("This deployment accepts no bearer tokens (Auth:Authority is not set).");
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid) return new Authentication.Failed(result.Exception is SecurityTokenExpiredException ? "The token has expired." : "The token is not valid.");
        return Succeeded(result.ClaimsIdentity);
    }

    private async Task<TokenValidationParameters?> ValidationParametersAsync()
    {
        if (_localKey is { } local)
            return new TokenValidationParameters
            {
                ValidIssuer = AuthOptions.LocalIssuer,
                ValidAudience = AuthOptions.LocalAudience,
                IssuerSigningKey = local.Key,
                RoleClaimType = "roles",
                ClockSkew = TimeSpan.FromMinutes(1),
            };
        if (_entraMetadata is null) return null;
        var metadata = await _entraMetadata.GetConfigurationAsync(CancellationToken.None);
        return new TokenValidationParameters
        {
            ValidIssuers = EntraIssuers(metadata.Issuer),
            ValidAudiences = [_options.Audience],
            IssuerSigningKeys = metadata.SigningKeys,
            RoleClaimType = "roles",
            ClockSkew = TimeSpan.FromMinutes(2),
        };
    }

    public static SymmetricSecurityKey LocalSigningKey(string base64Key) => new(Convert.FromBase64String(base64Key));

    private const string V1IssuerPrefix = "https://sts.windows.net/";
    private const string V2IssuerPrefix = "https://login.microsoftonline.com/";

    /// <summary>
    /// The tenant's two issuers. An app registration gets v1 access tokens (iss https://sts.windows.net/{tenant}/) unless
    /// its manifest asks for v2 (iss https://login.microsoftonline.com/{tenant}/v2.0), whichever authority the metadata
    /// came from; both are the same tenant, signed with the same keys. Another authority's issuer is taken as it is.
    /// </summary>
    public static IReadOnlyList<string> EntraIssuers(string issuer)
    {
        string? tenant = null;
        if (issuer.StartsWith(V1IssuerPrefix, StringComparison.OrdinalIgnoreCase)) tenant = issuer[V1IssuerPrefix.Length..].TrimEnd('/');
        else if (issuer.StartsWith(V2IssuerPrefix, StringComparison.OrdinalIgnoreCase) && issuer.EndsWith("/v2.0", StringComparison.OrdinalIgnoreCase))
            tenant = issuer[V2IssuerPrefix.Length..^"/v2.0".Length];
        return tenant is { Length: > 0 } && !tenant.Contains('/', StringComparison.Ordinal)
            ? [$"{V1IssuerPrefix}{tenant}/", $"{V2IssuerPrefix}{tenant}/v2.0"]
            : [issuer];
    }

    // The platform sends base64 JSON: { "auth_typ": ..., "claims": [{ "typ": ..., "val": ... }], "role_typ": ... }.
    private static Authentication FromPlatformPrincipal(string header)
    {
        try
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(header));
            var claims = json.RootElement.GetProperty("claims").EnumerateArray()
                .Select(c => new Claim(c.GetProperty("typ").GetString()!, c.GetProperty("val").GetString()!)).ToList();
            var roleType = json.RootElement.TryGetProperty("role_typ", out var r) ? r.GetString() : null;
            var identity = new ClaimsIdentity(claims.Select(c => c.Type == roleType ? new Claim("roles", c.Value) : c), "platform", "name", "roles");
            return Succeeded(identity);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new Authentication.Failed("The platform principal header is malformed.");
        }
    }

    private static Authentication Succeeded(ClaimsIdentity identity)
    {
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value
            ?? identity.FindFirst("http://schemas.microsoft.com/identity/claims/objectidentifier")?.Value;
        if (subject is null) return new Authentication.Failed("The token names no subject (oid or sub).");
        var roles = identity.FindAll("roles").Select(c => c.Value).Where(ShopRoles.All.Contains).ToHashSet(StringComparer.Ordinal);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(identity.Claims, identity.AuthenticationType ?? "bearer", "name", "roles"));
        return new Authentication.Succeeded(principal, new Actor(subject, roles));
    }
}
