using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Customers;

/// <param name="Authority">Where a storefront sends customers to sign up and sign in (OpenID Connect).</param>
/// <param name="Audience">The audience customer tokens must carry (the API's client id in the customer tenant).</param>
public sealed record CustomerSignInBody(string Authority, string Audience);

public sealed class CustomerSignInFunctions(AuthOptions options, RequestAuthenticator authenticator, LocalCustomerTokenSigningKey? localCustomers = null)
{
    [Function("GetCustomerSignIn")]
    [PublicEndpoint]
    [ApiDoc("Customers", "Which authority customers sign in with (Microsoft Entra External ID in Azure) and the audience their tokens carry; 503 when customer sign-in is not configured", Response = typeof(CustomerSignInBody))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/sign-in")] HttpRequest req)
    {
        if (authenticator.CustomerSignInProblem is { } problem) throw new NotConfiguredException(problem);
        var body = localCustomers is not null
            ? new CustomerSignInBody(LocalCustomerTokenSigningKey.Issuer, LocalCustomerTokenSigningKey.Audience)
            : new CustomerSignInBody(options.CustomerAuthority!, options.CustomerAudience!);
        return Task.FromResult<IActionResult>(Api.Ok(body));
    }
}
