using System.Security.Claims;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Customers;

/// <summary>What a customer token says about the customer, as the shop reads it (only from the customer authority).</summary>
public static class CustomerClaims
{
    /// <summary>
    /// The customer's email when the customer authority vouches for it; null otherwise. External ID's user flows
    /// (email with password, email one-time passcode) verify the address at sign-up and send it as <c>email</c>;
    /// the local simulator sends <c>email_verified</c> too, and an explicit <c>false</c> makes the address unverified.
    /// A staff token never yields one: its <c>email</c> is not the customer identity's.
    /// Tests: GuestDataClaimTests, CustomerSignInTests.
    /// </summary>
    public static string? VerifiedEmail(ClaimsPrincipal principal)
    {
        if (!principal.HasClaim(RequestAuthenticator.CustomerAuthorityClaim, "true")) return null;
        var email = principal.FindFirst("email")?.Value;
        if (string.IsNullOrWhiteSpace(email)) return null;
        var verified = principal.FindFirst("email_verified")?.Value;
        return verified is not null && !string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase) ? null : email.Trim();
    }
}

/// <summary>Unhealthy when customers cannot sign in (no customer authority configured); staff sign-in is not affected.</summary>
public sealed class CustomerSignInHealthCheck(RequestAuthenticator authenticator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(authenticator.CustomerSignInProblem is { } problem
            ? HealthCheckResult.Unhealthy(problem, new CustomerSignInNotConfiguredException(problem))
            : HealthCheckResult.Healthy());
}

/// <summary>The customer authority is not configured (its type name is what /api/health shows).</summary>
public sealed class CustomerSignInNotConfiguredException(string message) : Exception(message);

/// <summary>Says at startup, as loudly as the log can, that customers cannot sign in; the app stays up for staff.</summary>
public sealed class CustomerSignInConfigurationCheck(RequestAuthenticator authenticator, ILogger<CustomerSignInConfigurationCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (authenticator.CustomerSignInProblem is { } problem) logger.LogCritical("Customers cannot sign in: {Problem}", problem);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
