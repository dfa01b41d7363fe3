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

/// <param name="Authority">The staff's authority, the workforce Entra ID tenant (e.g. https://login.microsoftonline.com/{tenant}/v2.0):
/// its OpenID metadata gives the issuer and the signing keys. Its tokens carry the shop's app roles.</param>
/// <param name="CustomerAuthority">The customers' authority, a Microsoft Entra External ID tenant (e.g.
/// https://{tenant-id}.ciamlogin.com/{tenant-id}/v2.0). A valid token from it is a customer and nothing else.</param>
/// <param name="CustomerAudience">The API's application (client) id in the external tenant: the audience of customer tokens.</param>
public sealed record AuthOptions(string? Authority, string? Audience, bool TrustPlatformPrincipal, string? CustomerAuthority = null, string? CustomerAudience = null)
{
    /// <summary>Issuer and audience of the tokens the local host mints for developers (never accepted in Azure: no key there).</summary>
    public const string LocalIssuer = "serverless-shop-local";
    public const string LocalAudience = "serverless-shop";

    public static AuthOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Auth");
        var customers = configuration.GetSection("CustomerAuth");
        return new AuthOptions(section["Authority"], section["Audience"], section.GetValue("TrustPlatformPrincipal", false),
            Blank(customers["Authority"]), Blank(customers["Audience"]));
    }

    /// <summary>Why customers cannot sign in with this configuration; null when both customer settings are set.</summary>
    public string? CustomerSignInProblem => (CustomerAuthority, CustomerAudience) switch
    {
        (null, null) => "Customer sign-in is not configured: set CustomerAuth:Authority (the External ID tenant's authority) and CustomerAuth:Audience (the API's client id there). See docs/deployment.md#customer-sign-in.",
        (null, _) => "Customer sign-in is not configured: CustomerAuth:Authority is not set (the External ID tenant's authority). See docs/deployment.md#customer-sign-in.",
        (_, null) => "Customer sign-in is not configured: CustomerAuth:Audience is not set (the API's client id in the External ID tenant). See docs/deployment.md#customer-sign-in.",
        _ => null,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// The key of the local customer identity simulator (the local host's sign-up and sign-in page), which stands in for
/// External ID. Like <see cref="LocalTokenSigningKey"/>, only the local host registers it, so no app setting can make
/// the function app trust a token signed with it. Tests: CustomerSignInTests, LocalCustomerIdentityTests.
/// </summary>
public sealed class LocalCustomerTokenSigningKey(RsaSecurityKey key)
{
    public const string Issuer = "http://localhost/serverless-shop-local-customers/v2.0";
    public const string Audience = "serverless-shop-local-storefront";

    public RsaSecurityKey Key { get; } = key;
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
    private readonly LocalCustomerTokenSigningKey? _localCustomerKey;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _customerMetadata;

    /// <param name="localKey">Registered by the local host only; the function app has none.</param>
    /// <param name="metadataRetriever">How the OpenID metadata and keys are fetched: HTTPS only, unless a test serves them from a local double.</param>
    /// <param name="localCustomerKey">The local customer identity simulator's key: registered by the local host only.</param>
    public RequestAuthenticator(AuthOptions options, LocalTokenSigningKey? localKey = null, IDocumentRetriever? metadataRetriever = null, LocalCustomerTokenSigningKey? localCustomerKey = null)
    {
        _options = options;
        _localKey = localKey;
        _localCustomerKey = localCustomerKey;
        if (options.Authority is not null)
            _entraMetadata = Metadata(options.Authority, metadataRetriever);
        if (options.CustomerSignInProblem is null)
            _customerMetadata = Metadata(options.CustomerAuthority!, metadataRetriever);
    }

    private static ConfigurationManager<OpenIdConnectConfiguration> Metadata(string authority, IDocumentRetriever? retriever) =>
        new(authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            retriever ?? new HttpDocumentRetriever { RequireHttps = true });

    /// <summary>Why customers cannot sign in here; null when they can (External ID is configured, or the local simulator's key is registered).</summary>
    public string? CustomerSignInProblem => _localCustomerKey is not null ? null : _options.CustomerSignInProblem;

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
        // The issuer, read before the signature is checked, only chooses which authority's keys and rules check the
        // token; a forged issuer still has to be signed by that authority's key. A customer authority's token is
        // always a customer, never staff: it is checked first, so even a shop whose two authorities were set to the
        // same tenant by mistake grants no staff role to anyone
        // (CustomerSignInTests.A_shop_whose_two_authorities_are_the_same_tenant_by_mistake_grants_no_staff_role).
        string issuer;
        try
        {
            issuer = new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return new Authentication.Failed("The token is not valid.");
        }

        var customerParameters = await CustomerValidationParametersAsync(issuer);
        if (customerParameters is not null)
        {
            var customer = await _handler.ValidateTokenAsync(token, customerParameters);
            return customer.IsValid ? SucceededAsCustomer(customer.ClaimsIdentity) : Refused(customer);
        }

        var parameters = await ValidationParametersAsync();
        if (parameters is null) return new Authentication.Failed("This deployment accepts no staff tokens (Auth:Authority is not set)" + CustomerHint());
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
            return parameters.ValidIssuer == issuer || parameters.ValidIssuers?.Contains(issuer) == true ? Refused(result) : new Authentication.Failed("The token is not valid" + CustomerHint());
        return Succeeded(result.ClaimsIdentity);
    }

    private static Authentication.Failed Refused(TokenValidationResult result) =>
        new(result.Exception is SecurityTokenExpiredException ? "The token has expired." : "The token is not valid.");

    // A token from no known authority may be a customer's from an External ID tenant this deployment was never told about.
    private string CustomerHint() => CustomerSignInProblem is { } problem ? ". " + problem : ".";

    /// <summary>The rules for a customer token when <paramref name="issuer"/> is the customer authority's; null otherwise.</summary>
    private async Task<TokenValidationParameters?> CustomerValidationParametersAsync(string issuer)
    {
        if (_localCustomerKey is { } local)
            return issuer == LocalCustomerTokenSigningKey.Issuer
                ? new TokenValidationParameters
                {
                    ValidIssuer = LocalCustomerTokenSigningKey.Issuer,
                    ValidAudience = LocalCustomerTokenSigningKey.Audience,
                    IssuerSigningKey = local.Key,
                    ClockSkew = TimeSpan.FromMinutes(1),
                }
                : null;
        if (_customerMetadata is null) return null;
        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await _customerMetadata.GetConfigurationAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // The customer authority's metadata cannot be fetched now: staff sign-in must not depend on it, so the token
            // goes on to the staff authority, which refuses a customer's token (issuer) with a 401.
            // Test: CustomerSignInTests.Staff_still_sign_in_when_the_customer_authority_does_not_answer.
            return null;
        }
        if (!string.Equals(issuer, metadata.Issuer, StringComparison.Ordinal)) return null;
        return new TokenValidationParameters
        {
            ValidIssuer = metadata.Issuer,
            ValidAudiences = [_options.CustomerAudience],
            IssuerSigningKeys = metadata.SigningKeys,
            ClockSkew = TimeSpan.FromMinutes(2),
        };
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

    /// <summary>
    /// A customer: the shop grants the customer role, and only that. Whatever "roles" (or other role-like claims) the
    /// token carries are dropped, so a customer authority can never mint staff.
    /// Test: CustomerSignInTests.A_customer_token_claiming_staff_roles_is_only_a_customer.
    /// </summary>
    private static Authentication SucceededAsCustomer(ClaimsIdentity identity)
    {
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value;
        if (subject is null) return new Authentication.Failed("The token names no subject (oid or sub).");
        var claims = identity.Claims.Where(c => c.Type is not ("roles" or "role" or ClaimTypes.Role or "wids" or "groups"))
            .Append(new Claim("roles", ShopRoles.Customer)).Append(new Claim(CustomerAuthorityClaim, "true"));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "customer", "name", "roles"));
        return new Authentication.Succeeded(principal, new Actor(subject, new HashSet<string>(StringComparer.Ordinal) { ShopRoles.Customer }));
    }

    /// <summary>Set by the shop (never read from a token) on a principal signed in by the customer authority.</summary>
    public const string CustomerAuthorityClaim = "serverless-shop/customer-authority";

    private static Authentication Succeeded(ClaimsIdentity identity)
    {
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value
            ?? identity.FindFirst("http://schemas.microsoft.com/identity/claims/objectidentifier")?.Value;
        if (subject is null) return new Authentication.Failed("The token names no subject (oid or sub).");
        var roles = identity.FindAll("roles").Select(c => c.Value).Where(ShopRoles.All.Contains).ToHashSet(StringComparer.Ordinal);
        // The customer-authority mark is the shop's own: a staff token (or header) that carries one does not get it.
        var claims = identity.Claims.Where(c => c.Type != CustomerAuthorityClaim);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, identity.AuthenticationType ?? "bearer", "name", "roles"));
        return new Authentication.Succeeded(principal, new Actor(subject, roles));
    }
}
