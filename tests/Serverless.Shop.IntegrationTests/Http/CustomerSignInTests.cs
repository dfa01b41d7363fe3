using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions;
using Serverless.Shop.Functions.Customers;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// Two authorities: staff from the workforce tenant (app roles), customers from a Microsoft Entra External ID tenant
/// (a valid token is a customer, nothing more). Both tenants are WireMock doubles of their OpenID metadata and keys;
/// customer tokens carry the claims External ID puts in a v2 access token (iss https://{tid}.ciamlogin.com/{tid}/v2.0,
/// aud the API's client id, sub, oid, tid, azp, scp, ver, and the optional claims name and email).
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerSignInTests(LocalShopFixture fixture) : IDisposable
{
    private const string StaffTenant = "6f1c2a3b-1111-4222-8333-944455566677";
    private const string StaffAudience = "api://serverless-shop";
    private const string CustomerTenant = "0c1a7e11-2222-4333-8444-c1a70000c0de";
    private const string CustomerAudience = "5e7f0000-aaaa-4bbb-8ccc-0000000000a9";
    private const string CustomerId = "b2b2b2b2-0000-4000-8000-0000c0570e11";
    private static readonly string CustomerIssuer = $"https://{CustomerTenant}.ciamlogin.com/{CustomerTenant}/v2.0";

    private readonly OpenIdAuthorityDouble _staff = new(StaffTenant, $"https://login.microsoftonline.com/{StaffTenant}/v2.0");
    private readonly OpenIdAuthorityDouble _customers = new(CustomerTenant, CustomerIssuer);

    public void Dispose()
    {
        _staff.Dispose();
        _customers.Dispose();
    }

    private RequestAuthenticator Authenticator(bool withCustomerAuthority = true) => new(
        new AuthOptions(_staff.Authority, StaffAudience, TrustPlatformPrincipal: false,
            withCustomerAuthority ? _customers.Authority : null, withCustomerAuthority ? CustomerAudience : null),
        localKey: null, OpenIdAuthorityDouble.Retriever);

    private static Dictionary<string, object> ExternalIdClaims(params string[] roles)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "pairwise-subject-of-the-storefront", ["oid"] = CustomerId, ["tid"] = CustomerTenant, ["ver"] = "2.0",
            ["azp"] = "storefront-client-id", ["scp"] = "access_as_user", ["name"] = "Carla Customer", ["email"] = "carla@example.com",
        };
        if (roles.Length > 0) claims["roles"] = roles;
        return claims;
    }

    private string CustomerToken(params string[] roles) => _customers.Token(ExternalIdClaims(roles), CustomerAudience);

    private string StaffToken(params string[] roles) =>
        _staff.Token(new Dictionary<string, object> { ["oid"] = "3a7e0000-0000-4000-8000-00000000a11c", ["name"] = "Alice Admin", ["roles"] = roles, ["tid"] = StaffTenant }, StaffAudience);

    private static async Task<Authentication> AuthenticateAsync(RequestAuthenticator authenticator, string token)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Authorization = "Bearer " + token;
        return await authenticator.AuthenticateAsync(request);
    }

    [Fact]
    public async Task A_token_of_the_customer_authority_is_a_customer_named_by_its_object_id_with_a_verified_email()
    {
        var succeeded = (await AuthenticateAsync(Authenticator(), CustomerToken())).ShouldBeOfType<Authentication.Succeeded>();

        succeeded.Actor.Id.ShouldBe(CustomerId);
        succeeded.Actor.Roles.ShouldBe([ShopRoles.Customer]);
        CustomerClaims.VerifiedEmail(succeeded.Principal).ShouldBe("carla@example.com");
    }

    [Fact]
    public async Task A_customer_token_claiming_staff_roles_is_only_a_customer()
    {
        var token = CustomerToken(ShopRoles.Admin, ShopRoles.Support);

        var succeeded = (await AuthenticateAsync(Authenticator(), token)).ShouldBeOfType<Authentication.Succeeded>();
        var (status, _) = await EntraSignInTests.CallAdminRouteAsync(Authenticator(), EntraSignInTests.Bearer(token));

        succeeded.Actor.Roles.ShouldBe([ShopRoles.Customer]);
        succeeded.Principal.FindAll("roles").Select(c => c.Value).ShouldBe([ShopRoles.Customer]);
        status.ShouldBe(403);
    }

    public static TheoryData<string> RefusedTokens => new() { "another tenant's issuer", "wrong audience", "expired", "unknown key", "signed by the staff tenant" };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_customer_token_that_does_not_hold_is_refused(string flaw)
    {
        var claims = ExternalIdClaims();
        var token = flaw switch
        {
            // Signed with the customer tenant's own key, but naming another External ID tenant.
            "another tenant's issuer" => _customers.Token(claims, CustomerAudience, issuer: "https://0000dead-0000-4000-8000-00000000beef.ciamlogin.com/0000dead-0000-4000-8000-00000000beef/v2.0"),
            "wrong audience" => _customers.Token(claims, "someone-elses-client-id"),
            "expired" => _customers.Token(claims, CustomerAudience, lifetime: TimeSpan.FromMinutes(-10)),
            "unknown key" => _customers.Token(claims, CustomerAudience, signWith: _customers.StrangerKey, keyId: "not-in-the-jwks"),
            // The customer tenant's issuer with the staff tenant's key (same key id): each authority's keys are its own.
            _ => _customers.Token(claims, CustomerAudience, signWith: _staff.Key),
        };

        var authentication = await AuthenticateAsync(Authenticator(), token);

        var failed = authentication.ShouldBeOfType<Authentication.Failed>();
        if (flaw == "expired") failed.Reason.ShouldBe("The token has expired.");
    }

    [Fact]
    public async Task Workforce_tokens_keep_their_app_roles_beside_the_customer_authority()
    {
        var succeeded = (await AuthenticateAsync(Authenticator(), StaffToken(ShopRoles.Merchandiser))).ShouldBeOfType<Authentication.Succeeded>();
        var (status, detail) = await EntraSignInTests.CallAdminRouteAsync(Authenticator(), EntraSignInTests.Bearer(StaffToken(ShopRoles.Admin)));

        succeeded.Actor.Roles.ShouldBe([ShopRoles.Merchandiser]);
        CustomerClaims.VerifiedEmail(succeeded.Principal).ShouldBeNull("a staff token is not a customer identity");
        status.ShouldBe(200, detail);
    }

    [Fact]
    public async Task A_staff_token_cannot_pass_as_a_customer_identity_by_carrying_the_shops_own_mark()
    {
        var claims = new Dictionary<string, object> { ["oid"] = "3a7e0000-0000-4000-8000-0000000000ff", ["roles"] = new[] { ShopRoles.Customer }, ["email"] = "victim@example.com", [RequestAuthenticator.CustomerAuthorityClaim] = "true" };

        var succeeded = (await AuthenticateAsync(Authenticator(), _staff.Token(claims, StaffAudience))).ShouldBeOfType<Authentication.Succeeded>();

        CustomerClaims.VerifiedEmail(succeeded.Principal).ShouldBeNull();
    }

    [Fact]
    public async Task An_email_the_customer_authority_says_is_unverified_is_not_a_verified_email()
    {
        var claims = ExternalIdClaims();
        claims["email_verified"] = false;

        var succeeded = (await AuthenticateAsync(Authenticator(), _customers.Token(claims, CustomerAudience))).ShouldBeOfType<Authentication.Succeeded>();

        CustomerClaims.VerifiedEmail(succeeded.Principal).ShouldBeNull();
    }

    [Fact]
    public async Task Without_the_customer_authority_customers_are_refused_with_the_reason_and_staff_still_sign_in()
    {
        var authenticator = Authenticator(withCustomerAuthority: false);

        var customer = (await AuthenticateAsync(authenticator, CustomerToken())).ShouldBeOfType<Authentication.Failed>();
        var (staffStatus, staffDetail) = await EntraSignInTests.CallAdminRouteAsync(authenticator, EntraSignInTests.Bearer(StaffToken(ShopRoles.Admin)));

        customer.Reason.ShouldContain("CustomerAuth:Authority");
        staffStatus.ShouldBe(200, staffDetail);
        authenticator.CustomerSignInProblem.ShouldNotBeNull();
        Authenticator().CustomerSignInProblem.ShouldBeNull();
    }

    [Fact]
    public async Task A_shop_whose_two_authorities_are_the_same_tenant_by_mistake_grants_no_staff_role()
    {
        var sameTenant = new RequestAuthenticator(new AuthOptions(_staff.Authority, StaffAudience, TrustPlatformPrincipal: false, _staff.Authority, StaffAudience),
            localKey: null, OpenIdAuthorityDouble.Retriever);

        var (status, _) = await EntraSignInTests.CallAdminRouteAsync(sameTenant, EntraSignInTests.Bearer(StaffToken(ShopRoles.Admin)));

        status.ShouldBe(403);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task A_malformed_bearer_token_is_refused(string token)
    {
        (await AuthenticateAsync(Authenticator(), token)).ShouldBeOfType<Authentication.Failed>().Reason.ShouldBe("The token is not valid.");
    }

    [Fact]
    public async Task Staff_still_sign_in_when_the_customer_authority_does_not_answer()
    {
        // An authority with no metadata behind it (the double answers 404 there), as during an outage of the external tenant.
        var authenticator = new RequestAuthenticator(
            new AuthOptions(_staff.Authority, StaffAudience, TrustPlatformPrincipal: false, _customers.Authority.Replace(CustomerTenant, "no-such-tenant", StringComparison.Ordinal), CustomerAudience),
            localKey: null, OpenIdAuthorityDouble.Retriever);

        var (status, detail) = await EntraSignInTests.CallAdminRouteAsync(authenticator, EntraSignInTests.Bearer(StaffToken(ShopRoles.Admin)));
        var customer = await AuthenticateAsync(authenticator, CustomerToken());

        status.ShouldBe(200, detail);
        customer.ShouldBeOfType<Authentication.Failed>();
    }

    [Theory]
    [InlineData(null, null, "CustomerAuth:Authority")]
    [InlineData("https://x.ciamlogin.com/x/v2.0", null, "CustomerAuth:Audience")]
    [InlineData(null, "client", "CustomerAuth:Authority")]
    public async Task The_function_app_without_a_customer_authority_says_so_in_health_and_on_the_sign_in_route(string? authority, string? audience, string missing)
    {
        // The local host's settings (emulators and all) with the customer settings as Azure would have them; the
        // function app's own registration, so without the local simulator's key.
        var configuration = new ConfigurationBuilder().AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CustomerAuth:Authority"] = authority, ["CustomerAuth:Audience"] = audience })
            .Build();
        await using var functionApp = new ServiceCollection().AddLogging().AddShop(configuration).BuildServiceProvider();

        var health = await functionApp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "customer-sign-in");
        var (status, detail) = await CallSignInRouteAsync(functionApp);

        health.Entries["customer-sign-in"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["customer-sign-in"].Description.ShouldNotBeNull().ShouldContain(missing);
        status.ShouldBe(503);
        detail.ShouldBeOfType<string>().ShouldContain(missing);
    }

    [Fact]
    public async Task The_function_app_with_a_customer_authority_is_healthy_and_names_it_on_the_sign_in_route()
    {
        var configuration = new ConfigurationBuilder().AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CustomerAuth:Authority"] = CustomerIssuer, ["CustomerAuth:Audience"] = CustomerAudience })
            .Build();
        await using var functionApp = new ServiceCollection().AddLogging().AddShop(configuration).BuildServiceProvider();

        var health = await functionApp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "customer-sign-in");
        var (status, body) = await CallSignInRouteAsync(functionApp);

        health.Entries["customer-sign-in"].Status.ShouldBe(HealthStatus.Healthy);
        status.ShouldBe(200);
        body.ShouldBe(new CustomerSignInBody(CustomerIssuer, CustomerAudience));
    }

    private static async Task<(int Status, object? Body)> CallSignInRouteAsync(IServiceProvider services)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "GET";
        http.Request.Path = "/api/customers/sign-in";
        var functions = ActivatorUtilities.CreateInstance<CustomerSignInFunctions>(services);
        var method = typeof(CustomerSignInFunctions).GetMethod(nameof(CustomerSignInFunctions.Get))!;
        var result = (ApiResult)await services.GetRequiredService<HttpPipeline>().RunAsync(http, method, async () => await functions.Get(http.Request));
        return (result.StatusCode, result.Body is Problem problem ? problem.Detail : result.Body);
    }
}
