using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Analytics.Sales;

/// <summary>Starting a rebuild of a period's sales rollups, and following it (docs/analytics.md, "Rebuilding a period").</summary>
public sealed class SalesRebuildFunctions(TimeProvider clock)
{
    private const string IdPrefix = "sales-rebuild-";

    [Function("StartSalesRebuild")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Analytics", "Rebuild the sales rollups of [from, to) (whole UTC hours, at most 400 days, ending at most an hour from now) from the orders themselves: 202 with the rebuild's id; follow it at the Location",
        Request = typeof(SalesRebuildInput), Response = typeof(SalesRebuildStatus), SuccessStatus = 202)]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "analytics/sales/rebuilds")] HttpRequest req, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var period = RebuildSalesRollups.Check(await req.ReadJsonAsync<SalesRebuildInput>(), now);
        var id = IdPrefix + Guid.NewGuid().ToString("N");
        await durable.ScheduleNewOrchestrationInstanceAsync(SalesRebuildOrchestration.Name, period, new StartOrchestrationOptions(id), ct);
        return Api.Accepted(new SalesRebuildStatus(id, "pending", period.From, period.To, 0, 0, 0, now, now, null))
            .WithHeader("Location", $"/api/analytics/sales/rebuilds/{id}");
    }

    [Function("GetSalesRebuild")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Analytics", "A sales rebuild's state (pending, running, completed or failed) and progress: pages read, orders seen, orders whose figures it corrected",
        Response = typeof(SalesRebuildStatus))]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/sales/rebuilds/{id}")] HttpRequest req, string id, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        // Only this route's own instances: the id space is shared with every other orchestration (checkouts use order numbers).
        var instance = id.StartsWith(IdPrefix, StringComparison.Ordinal) ? await durable.GetInstanceAsync(id, getInputsAndOutputs: true, ct) : null;
        if (instance is null || instance.Name != SalesRebuildOrchestration.Name) throw new ResourceNotFoundException("Sales rebuild", id);
        var period = instance.ReadInputAs<SalesRebuildPeriod>()!;
        var progress = (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<SalesRebuildProgress>() : instance.ReadCustomStatusAs<SalesRebuildProgress>())
            ?? new SalesRebuildProgress(0, 0, 0);
        var state = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => "pending",
            OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended => "running",
            OrchestrationRuntimeStatus.Completed => "completed",
            _ => "failed",
        };
        return Api.Ok(new SalesRebuildStatus(instance.InstanceId, state, period.From, period.To, progress.Pages, progress.OrdersSeen, progress.OrdersChanged,
            instance.CreatedAt, instance.LastUpdatedAt, state == "failed" ? instance.FailureDetails?.ErrorMessage ?? "The rebuild stopped." : null));
    }
}

/// <summary>
/// A rebuild as staff see it: its id, state (<c>pending</c>, <c>running</c>, <c>completed</c>, <c>failed</c>), period,
/// pages of orders read, orders seen and orders whose figures it corrected (their counting was lost or unfinished).
/// </summary>
public sealed record SalesRebuildStatus(
    string Id, string State, DateTimeOffset From, DateTimeOffset To, int Pages, int OrdersSeen, int OrdersChanged,
    DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string? Error);
