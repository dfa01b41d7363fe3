using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Functions;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.LocalHost.Simulators;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>The local host's customer sign-up and sign-in page: External ID's stand-in, over HTTP, with the link from the local mailbox.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class LocalCustomerIdentityTests(LocalShopFixture fixture)
{
    private readonly LocalCustomerAccounts _accounts = new(fixture);

    [Fact]
    public async Task A_shopper_signs_up_verifies_through_the_mailbox_link_and_gets_a_customer_token_with_external_ids_claims()
    {
        var email = LocalCustomerAccounts.NewEmail();

        var token = await _accounts.VerifiedCustomerTokenAsync(email, "Sam Shopper");
        var jwt = new JsonWebToken(token);
        var myOrders = await _accounts.ClientWith(token).GetAsync("api/me/orders");
        var signIn = await (await _accounts.Anonymous.GetAsync("api/customers/sign-in")).JsonAsync();

        jwt.Issuer.ShouldBe(LocalCustomerTokenSigningKey.Issuer);
        jwt.Audiences.ShouldBe([LocalCustomerTokenSigningKey.Audience]);
        jwt.Alg.ShouldBe("RS256");
        jwt.GetClaim("oid").Value.ShouldBe(jwt.Subject);
        jwt.GetClaim("email").Value.ShouldBe(email);
        jwt.GetClaim("email_verified").Value.ShouldBe("true");
        jwt.GetClaim("name").Value.ShouldBe("Sam Shopper");
        jwt.GetClaim("tid").Value.ShouldBe(LocalCustomerIdentity.TenantId);
        myOrders.StatusCode.ShouldBe(HttpStatusCode.OK, await myOrders.Content.ReadAsStringAsync());
        signIn.GetProperty("authority").GetString().ShouldBe(LocalCustomerTokenSigningKey.Issuer);
    }

    [Fact]
    public async Task The_local_customer_token_is_a_customer_and_never_staff()
    {
        var token = await _accounts.VerifiedCustomerTokenAsync(LocalCustomerAccounts.NewEmail());

        var adminRoute = await _accounts.ClientWith(token).GetAsync("api/orders");

        await ProblemAssertions.ShouldBeProblem(adminRoute, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_account_whose_email_is_not_verified_gets_no_token()
    {
        var email = LocalCustomerAccounts.NewEmail();
        (await _accounts.SignUpAsync(email)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var signIn = await _accounts.TokenAsync(email);

        var problem = await ProblemAssertions.ShouldBeProblem(signIn, HttpStatusCode.Forbidden, "email");
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("not verified");
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_email_is_the_same_401()
    {
        var email = LocalCustomerAccounts.NewEmail();
        await _accounts.VerifiedCustomerTokenAsync(email);

        var wrongPassword = await _accounts.TokenAsync(email, "not the password");
        var unknown = await _accounts.TokenAsync(LocalCustomerAccounts.NewEmail());

        var a = await ProblemAssertions.ShouldBeProblem(wrongPassword, HttpStatusCode.Unauthorized);
        var b = await ProblemAssertions.ShouldBeProblem(unknown, HttpStatusCode.Unauthorized);
        a.GetProperty("detail").GetString().ShouldBe(b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Sign_up_names_every_field_at_fault_and_refuses_an_email_that_has_an_account()
    {
        var email = LocalCustomerAccounts.NewEmail();
        (await _accounts.SignUpAsync(email)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var bad = await _accounts.SignUpAsync("not-an-email", "", "short");
        var again = await _accounts.SignUpAsync(email.ToUpperInvariant());

        var problem = await ProblemAssertions.ShouldBeProblem(bad, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["email", "name", "password"], ignoreOrder: true);
        await ProblemAssertions.ShouldBeProblem(again, HttpStatusCode.Conflict, "email");
    }

    [Fact]
    public async Task A_verification_link_works_once_and_a_made_up_one_not_at_all()
    {
        var email = LocalCustomerAccounts.NewEmail();
        (await _accounts.SignUpAsync(email)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var link = await _accounts.VerificationLinkAsync(email);

        (await _accounts.Anonymous.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _accounts.Anonymous.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _accounts.Anonymous.GetAsync("simulators/customers/verify?token=made-up")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Accounts_and_the_signing_key_survive_a_restart_through_the_state_files()
    {
        var directory = Directory.CreateTempSubdirectory("customer-identity-").FullName;
        try
        {
            var before = new LocalCustomerIdentity(directory, TimeProvider.System);
            var (account, verification) = before.SignUp("restart@example.com", "Ray Restart", LocalCustomerAccounts.Password);
            before.Verify(verification).ShouldNotBeNull();

            var after = new LocalCustomerIdentity(directory, TimeProvider.System);
            var token = after.SignIn("restart@example.com", LocalCustomerAccounts.Password);

            new JsonWebToken(token).Subject.ShouldBe(account.Id);
            after.SigningKey.Key.Rsa.ExportRSAPublicKeyPem().ShouldBe(before.SigningKey.Key.Rsa.ExportRSAPublicKeyPem());
            File.ReadAllText(Path.Combine(directory, "accounts.json")).ShouldNotContain(LocalCustomerAccounts.Password);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_function_apps_own_registration_refuses_a_local_customer_token()
    {
        var token = await _accounts.VerifiedCustomerTokenAsync(LocalCustomerAccounts.NewEmail());
        // The local host's settings (emulators and all) under the function app's own registration: no simulator key.
        var configuration = new ConfigurationBuilder().AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>()).Build();
        await using var functionApp = new ServiceCollection().AddLogging().AddShop(configuration).BuildServiceProvider();
        var request = new DefaultHttpContext().Request;
        request.Headers.Authorization = "Bearer " + token;

        var local = await fixture.Shop.Services.GetRequiredService<RequestAuthenticator>().AuthenticateAsync(request);
        var azure = await functionApp.GetRequiredService<RequestAuthenticator>().AuthenticateAsync(request);

        local.ShouldBeOfType<Authentication.Succeeded>().Actor.Roles.ShouldBe([ShopRoles.Customer]);
        azure.ShouldBeOfType<Authentication.Failed>();
        functionApp.GetService<LocalCustomerTokenSigningKey>().ShouldBeNull();
    }
}
