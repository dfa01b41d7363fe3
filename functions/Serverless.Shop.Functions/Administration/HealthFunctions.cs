using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Administration;

public sealed record HealthReportBody(string Status, IReadOnlyDictionary<string, DependencyHealth> Dependencies);

/// <param name="Detail">What is wrong, when the check says so in words that are safe to show (e.g. the names of unresolved secret settings).</param>
public sealed record DependencyHealth(string Status, double DurationMs, string? Error, string? Detail = null);

public sealed class HealthFunctions(HealthCheckService health)
{
    /// <summary>200 when every dependency answers, 503 otherwise; for load balancers, Front Door probes and operators.</summary>
    [Function("Health")]
    [PublicEndpoint]
    [ApiDoc("Operations", "Whether the app and each of its dependencies (Cosmos DB, Blob Storage, queues) answer, and whether every required secret is configured", Response = typeof(HealthReportBody))]
    public async Task<IActionResult> Check([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        // Only the exception's type is shown: messages can carry endpoints or account names an anonymous caller need not see.
        var body = new HealthReportBody(report.Status.ToString().ToLowerInvariant(), report.Entries.ToDictionary(
            e => e.Key, e => new DependencyHealth(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Duration.TotalMilliseconds, e.Value.Exception?.GetType().Name,
                e.Value.Status == HealthStatus.Healthy ? null : e.Value.Description)));
        return new ApiResult(report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, body)
            .WithHeader("Cache-Control", "no-store");
    }
}
