using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>What an admin asks to rebuild: the half-open UTC range <c>[From, To)</c>, whole hours.</summary>
public sealed record SalesRebuildInput(DateTimeOffset? From, DateTimeOffset? To);

/// <summary>A checked rebuild period (<see cref="RebuildSalesRollups.Check"/>).</summary>
public sealed record SalesRebuildPeriod(DateTimeOffset From, DateTimeOffset To);

/// <summary>One page of the orders a rebuild goes through: their numbers, and where the next page starts (null: the last).</summary>
public sealed record SalesRebuildPage(IReadOnlyList<string> OrderNumbers, string? ContinuationToken);

/// <summary>The orders of one page reconciled: how many were read, and how many had figures to correct.</summary>
public sealed record SalesRebuildPageResult(int OrdersSeen, int OrdersChanged);

/// <summary>Where one page of a rebuild starts.</summary>
public sealed record SalesRebuildPageRequest(DateTimeOffset From, DateTimeOffset To, string? ContinuationToken);

/// <summary>
/// Recomputes the sales rollups of a period from the orders themselves (docs/analytics.md, "Rebuilding a period"): every
/// order whose sale or a refund may fall in the period (paid before its end, changed at or after its start: a superset)
/// goes through the same reconciliation as a live order change (<see cref="CountOrderSales.ReconcileAsync"/>). That
/// makes it safe beside live changes (the order's record is written under its version) and a no-op for an order counted
/// right, while an order whose counting was lost or never happened is counted. Tests: SalesRebuildTests.
/// </summary>
public sealed class RebuildSalesRollups(IOrderStore orders, CountOrderSales counting)
{
    /// <summary>The longest period one rebuild may cover (as the sales API's range).</summary>
    public static readonly TimeSpan LongestPeriod = TimeSpan.FromDays(400);

    /// <summary>How far past now a period may end: the current hour, finished.</summary>
    public static readonly TimeSpan LatestEndAfterNow = TimeSpan.FromHours(1);

    /// <summary>Orders per page: one activity reads a page, another reconciles it.</summary>
    public const int PageSize = 100;

    /// <summary>Checks a request: both ends given, whole UTC hours, <c>to</c> after <c>from</c>, at most 400 days, ending no later than an hour from now.</summary>
    public static SalesRebuildPeriod Check(SalesRebuildInput? input, DateTimeOffset now)
    {
        var v = new Validator();
        var from = input?.From;
        var to = input?.To;
        v.Required(from, "from");
        v.Required(to, "to");
        if (from is { } f) v.Check(IsWholeHour(f), "from", "must be a whole hour in UTC (figures are kept per hour).");
        if (to is { } t)
        {
            v.Check(IsWholeHour(t), "to", "must be a whole hour in UTC (figures are kept per hour).");
            v.Check(t <= now + LatestEndAfterNow, "to", "may be at most an hour from now: there is nothing to rebuild after that.");
        }
        if (from is { } start && to is { } end && v.Check(start < end, "to", "must be after from."))
            v.Check(end - start <= LongestPeriod, "to", $"the period may span at most {LongestPeriod.TotalDays:0} days.");
        v.ThrowIfInvalid();
        return new SalesRebuildPeriod(from!.Value, to!.Value);
    }

    private static bool IsWholeHour(DateTimeOffset at) => at.UtcDateTime.TimeOfDay.Ticks % TimeSpan.TicksPerHour == 0;

    /// <summary>The numbers of one page of the orders that may have a sale or a refund in the period.</summary>
    public async Task<SalesRebuildPage> ReadPageAsync(SalesRebuildPageRequest request, CancellationToken ct)
    {
        var page = await orders.SearchAsync(new OrderSearch(PaidBefore: request.To, UpdatedFrom: request.From),
            new PageRequest(PageSize, request.ContinuationToken), ct);
        return new SalesRebuildPage([.. page.Items.Select(o => o.Number)], page.ContinuationToken);
    }

    /// <summary>Reconciles each order of a page as it stands now; an order gone since the page was read is skipped.</summary>
    public async Task<SalesRebuildPageResult> ReconcileAsync(IReadOnlyList<string> orderNumbers, CancellationToken ct)
    {
        var seen = 0;
        var changed = 0;
        foreach (var number in orderNumbers)
        {
            if (await orders.FindAsync(number, ct) is not { } found) continue;
            seen++;
            if (await counting.ReconcileAsync(found.Value, ct)) changed++;
        }
        return new SalesRebuildPageResult(seen, changed);
    }
}
