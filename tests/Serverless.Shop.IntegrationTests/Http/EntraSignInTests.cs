using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// Sign-in as in Azure: Entra ID tokens (RS256) checked against the tenant's OpenID metadata and keys, served here by a
/// WireMock double shaped like login.microsoftonline.com's documents, and App Service authentication's principal header.
/// Requests go through the shop's own pipeline, around an admin-only function.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class EntraSignInTests : IDisposable
{
    private const string Tenant = "6f1c2a3b-1111-4222-8333-944455566677";
    private const string Audience = "api://serverless-shop";
    private static readonly string V1Issuer = $"https://sts.windows.net/{Tenant}/";
    private static readonly string V2Issuer = $"https://login.microsoftonline.com/{Tenant}/v2.0";

    private readonly LocalShopFixture _fixture;
    // The v2.0 endpoint's metadata names the v2 issuer; its keys document is the tenant's JWKS (public keys only).
    private readonly OpenIdAuthorityDouble _entra = new(Tenant, V2Issuer);
    private const string KeyId = OpenIdAuthorityDouble.KeyId;

    public EntraSignInTests(LocalShopFixture fixture) => _fixture = fixture;

    public void Dispose() => _entra.Dispose();

    private AuthOptions Options(bool trustPlatformPrincipal = false) => new(_entra.Authority, Audience, trustPlatformPrincipal);

    // As in Azure (no local key), except that the double is plain HTTP.
    private RequestAuthenticator Authenticator(bool trustPlatformPrincipal = false) =>
        new(Options(trustPlatformPrincipal), localKey: null, OpenIdAuthorityDouble.Retriever);

    private string Token(string issuer, string[] roles, string audience = Audience, TimeSpan? lifetime = null, RSA? signWith = null, string keyId = KeyId) =>
        _entra.Token(new Dictionary<string, object> { ["oid"] = "3a7e0000-0000-4000-8000-00000000a11c", ["name"] = "Alice Admin", ["roles"] = roles, ["tid"] = Tenant },
            audience, issuer, lifetime, signWith, keyId);

    [RequiresRole(ShopRoles.Admin)]
    private static Task<IActionResult?> AdminOnly() => Task.FromResult<IActionResult?>(Api.Ok(new { ok = true }));

    /// <summary>The status the shop's pipeline answers for an admin-only function called with these headers.</summary>
    internal static async Task<(int Status, string? Detail)> CallAdminRouteAsync(RequestAuthenticator authenticator, params (string Name, string Value)[] headers)
    {
        var pipeline = new HttpPipeline(authenticator, new RefusingIdempotencyStore(), NullLogger<HttpPipeline>.Instance);
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/api/admin-only";
        foreach (var (name, value) in headers) http.Request.Headers[name] = value;
        var method = typeof(EntraSignInTests).GetMethod(nameof(AdminOnly), BindingFlags.NonPublic | BindingFlags.Static)!;
        var result = (ApiResult)await pipeline.RunAsync(http, method, AdminOnly);
        return (result.StatusCode, (result.Body as Problem)?.Detail);
    }

    internal static (string, string) Bearer(string token) => ("Authorization", "Bearer " + token);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task An_admin_token_of_the_tenant_is_accepted_whether_its_issuer_is_the_v1_or_the_v2_form(string version)
    {
        var (status, detail) = await CallAdminRouteAsync(Authenticator(), Bearer(Token(version == "v1" ? V1Issuer : V2Issuer, [ShopRoles.Admin])));

        status.ShouldBe(200, detail);
    }

    [Fact]
    public async Task The_caller_is_the_tokens_object_id_with_its_shop_roles()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Authorization = "Bearer " + Token(V1Issuer, [ShopRoles.Merchandiser, "some-other-apps-role"]);

        var authentication = await Authenticator().AuthenticateAsync(request);

        var succeeded = authentication.ShouldBeOfType<Authentication.Succeeded>();
        succeeded.Actor.Id.ShouldBe("3a7e0000-0000-4000-8000-00000000a11c");
        succeeded.Actor.Roles.ShouldBe([ShopRoles.Merchandiser]);
    }

    public static TheoryData<string> RefusedTokens => new() { "wrong audience", "expired", "unknown key", "bad signature", "another tenant", "unsigned" };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_token_that_does_not_hold_is_a_401_even_with_the_admin_role(string flaw)
    {
        var token = flaw switch
        {
            "wrong audience" => Token(V2Issuer, [ShopRoles.Admin], audience: "api://someone-elses-api"),
            "expired" => Token(V2Issuer, [ShopRoles.Admin], lifetime: TimeSpan.FromMinutes(-10)),
            "unknown key" => Token(V2Issuer, [ShopRoles.Admin], signWith: _entra.StrangerKey, keyId: "not-in-the-jwks"),
            // The tenant's key id, another key's signature.
            "bad signature" => Token(V2Issuer, [ShopRoles.Admin], signWith: _entra.StrangerKey),
            "another tenant" => Token("https://login.microsoftonline.com/00000000-0000-4000-8000-0000000e71b0/v2.0", [ShopRoles.Admin]),
            _ => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = V2Issuer, Audience = Audience, Claims = new Dictionary<string, object> { ["oid"] = "x", ["roles"] = new[] { ShopRoles.Admin } },
            }),
        };

        var (status, detail) = await CallAdminRouteAsync(Authenticator(), Bearer(token));

        status.ShouldBe(401, detail);
        if (flaw == "expired") detail.ShouldBe("The token has expired.");
    }

    [Fact]
    public async Task A_valid_token_without_the_role_is_a_403_and_no_token_at_all_is_a_401()
    {
        (await CallAdminRouteAsync(Authenticator(), Bearer(Token(V2Issuer, [ShopRoles.Customer])))).Status.ShouldBe(403);
        (await CallAdminRouteAsync(Authenticator())).Status.ShouldBe(401);
    }

    private static string PlatformPrincipal(params string[] roles) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        auth_typ = "aad",
        name_typ = "name",
        role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        claims = new[] { new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = "3a7e0000-0000-4000-8000-00000000b0b0" }, new { typ = "name", val = "Bob" } }
            .Concat(roles.Select(r => new { typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", val = r })).ToArray(),
    })));

    [Fact]
    public async Task The_platform_principal_header_signs_in_with_its_roles_only_where_app_service_authentication_is_trusted()
    {
        const string header = "X-MS-CLIENT-PRINCIPAL";

        (await CallAdminRouteAsync(Authenticator(trustPlatformPrincipal: true), (header, PlatformPrincipal(ShopRoles.Admin)))).Status.ShouldBe(200);
        (await CallAdminRouteAsync(Authenticator(trustPlatformPrincipal: true), (header, PlatformPrincipal(ShopRoles.Support)))).Status.ShouldBe(403);
        (await CallAdminRouteAsync(Authenticator(trustPlatformPrincipal: true), (header, "not base64 json"))).Status.ShouldBe(401);
        // Not behind App Service authentication: anyone could send the header, so it is ignored.
        (await CallAdminRouteAsync(Authenticator(trustPlatformPrincipal: false), (header, PlatformPrincipal(ShopRoles.Admin)))).Status.ShouldBe(401);
    }

    [Fact]
    public async Task The_function_apps_own_registration_refuses_a_dev_token_even_with_the_key_in_its_settings()
    {
        // The local host's settings (emulators and all), plus the old setting an attacker or a copy-paste might add in Azure.
        var local = _fixture.Shop.Services.GetRequiredService<IConfiguration>();
        var configuration = new ConfigurationBuilder().AddConfiguration(local)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:LocalSigningKey"] = _fixture.Shop.Tokens.SigningKey })
            .Build();
        using var functionApp = new ServiceCollection().AddLogging().AddShop(configuration).BuildServiceProvider();
        var devToken = _fixture.Shop.Tokens.For(ShopRoles.Admin);

        var (status, _) = await CallAdminRouteAsync(functionApp.GetRequiredService<RequestAuthenticator>(), Bearer(devToken));
        var (localStatus, localDetail) = await CallAdminRouteAsync(_fixture.Shop.Services.GetRequiredService<RequestAuthenticator>(), Bearer(devToken));

        status.ShouldBe(401);
        functionApp.GetService<LocalTokenSigningKey>().ShouldBeNull();
        localStatus.ShouldBe(200, localDetail);
    }

    [Fact]
    public void Both_issuer_forms_of_an_entra_tenant_are_valid_and_another_authoritys_issuer_is_taken_as_it_is()
    {
        RequestAuthenticator.EntraIssuers(V2Issuer).ShouldBe([V1Issuer, V2Issuer]);
        RequestAuthenticator.EntraIssuers(V1Issuer).ShouldBe([V1Issuer, V2Issuer]);
        RequestAuthenticator.EntraIssuers("https://idp.example/realms/shop").ShouldBe(["https://idp.example/realms/shop"]);
    }

    /// <summary>The admin route here is a GET: the idempotency store is never asked.</summary>
    private sealed class RefusingIdempotencyStore : IIdempotencyStore
    {
        public Task<IdempotencyClaim> ClaimAsync(string scope, string fingerprint, CancellationToken ct) => throw new InvalidOperationException("not used");
        public Task CompleteAsync(string scope, StoredResponse response, CancellationToken ct) => throw new InvalidOperationException("not used");
        public Task ReleaseAsync(string scope, CancellationToken ct) => throw new InvalidOperationException("not used");
    }
}
