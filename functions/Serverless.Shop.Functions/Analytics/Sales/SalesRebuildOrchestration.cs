using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Functions.Analytics.Sales;

/// <summary>What a rebuild has done so far (its custom status while it runs, its output when it is done).</summary>
public sealed record SalesRebuildProgress(int Pages, int OrdersSeen, int OrdersChanged);

/// <summary>
/// Rebuilds the sales rollups of a period (docs/analytics.md, "Rebuilding a period"): one activity reads a page of the
/// period's orders (their numbers and where the next page starts), and for each page another activity reconciles its
/// orders, several pages at once (<see cref="PagesAtOnce"/>) while the next pages are read. Each reconciliation is
/// exactly once by the order's record, so an activity retried or replayed after a crash changes nothing twice.
/// Tests: SalesRebuildTests.
/// </summary>
public static class SalesRebuildOrchestration
{
    public const string Name = "RebuildSalesRollups";
    public const string ReadPage = "RebuildSalesRollupsReadPage";
    public const string ReconcilePage = "RebuildSalesRollupsReconcilePage";

    /// <summary>Pages being reconciled at once: a bounded fan-out, so a long period does not flood the worker.</summary>
    public const int PagesAtOnce = 4;

    // A Cosmos DB throttle or a lost connection is retried with backoff; a broken rule is final.
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30))
    {
        HandleFailure = failure => !failure.IsCausedBy<ShopException>(),
    });

    [Function(Name)]
    public static async Task<SalesRebuildProgress> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var period = context.GetInput<SalesRebuildPeriod>()!;
        var running = new List<Task<SalesRebuildPageResult>>();
        var progress = new SalesRebuildProgress(0, 0, 0);
        string? continuation = null;
        do
        {
            var page = await context.CallActivityAsync<SalesRebuildPage>(ReadPage, new SalesRebuildPageRequest(period.From, period.To, continuation), Retry);
            continuation = page.ContinuationToken;
            progress = progress with { Pages = progress.Pages + 1 };
            if (page.OrderNumbers.Count > 0) running.Add(context.CallActivityAsync<SalesRebuildPageResult>(ReconcilePage, page.OrderNumbers, Retry));
            while (running.Count >= PagesAtOnce || (continuation is null && running.Count > 0))
            {
                var done = await Task.WhenAny(running);
                running.Remove(done);
                var result = await done;
                progress = progress with { OrdersSeen = progress.OrdersSeen + result.OrdersSeen, OrdersChanged = progress.OrdersChanged + result.OrdersChanged };
            }
            context.SetCustomStatus(progress);
        }
        while (continuation is not null);
        return progress;
    }
}

/// <summary>The rebuild's steps as activity functions.</summary>
public sealed class SalesRebuildActivities(RebuildSalesRollups rebuild)
{
    [Function(SalesRebuildOrchestration.ReadPage)]
    public Task<SalesRebuildPage> RunReadPage([ActivityTrigger] SalesRebuildPageRequest request, CancellationToken ct) => rebuild.ReadPageAsync(request, ct);

    [Function(SalesRebuildOrchestration.ReconcilePage)]
    public Task<SalesRebuildPageResult> RunReconcilePage([ActivityTrigger] IReadOnlyList<string> orderNumbers, CancellationToken ct) => rebuild.ReconcileAsync(orderNumbers, ct);
}
