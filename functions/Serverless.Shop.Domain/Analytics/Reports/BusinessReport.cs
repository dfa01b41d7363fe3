using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Sales;

namespace Serverless.Shop.Domain.Analytics.Reports;

/// <summary>One currency's sales in the period and in the period before (minor units; never converted).</summary>
public sealed record CurrencyComparison(string Currency, SalesMeasures Current, SalesMeasures Previous)
{
    /// <summary>Net sales' change against the previous period, in percent (null when the previous had none).</summary>
    public decimal? NetChangePercent => Previous.Net == 0 ? null : Math.Round((decimal)(Current.Net - Previous.Net) * 100 / Math.Abs(Previous.Net), 1);

    /// <summary>
    /// Refunds over what was charged (gross less discounts plus shipping and tax), by value, in percent: the report's
    /// returns rate. The sales rollups count money, not which orders had a return, so it is a share of value (null without sales).
    /// </summary>
    public decimal? RefundRatePercent
    {
        get
        {
            var charged = Current.Gross - Current.Discounts + Current.Shipping + Current.Tax;
            return charged <= 0 ? null : Math.Round((decimal)Current.Refunds * 100 / charged, 1);
        }
    }
}

/// <summary>Net sales of one day of the period (and of the same day of the period before, for the chart's dashed line).</summary>
public sealed record DailyNet(DateOnly Day, string Currency, long Net);

/// <summary>One of the top products or categories: its key, its name now (null when it is gone), currency and measures.</summary>
public sealed record RankedSales(string Key, string? Name, string Currency, SalesMeasures Measures);

/// <summary>A promotion's cost (its discounts) and what the orders using it brought in (their net sales).</summary>
public sealed record PromotionResult(string PromotionId, string? Name, string Currency, long Cost, long NetSales, long Orders);

/// <summary>The period's abandoned carts in one currency: count and value, and how many (and how much) were recovered.</summary>
public sealed record AbandonedCartTotals(string Currency, long Count, long Value, long Recovered, long RecoveredValue, long RecoveredAfterReminder)
{
    public decimal? RecoveryRatePercent => Count == 0 ? null : Math.Round((decimal)Recovered * 100 / Count, 1);
}

/// <summary>A SKU under its low-stock threshold: what is still available to sell and the threshold.</summary>
public sealed record RunningOutOfStock(string Sku, int Available, int OnHand, int Threshold);

/// <summary>The inventory's low-stock view, read for the report (at most <paramref name="max"/> SKUs, lowest availability first).</summary>
public interface ILowStockReader
{
    Task<IReadOnlyList<RunningOutOfStock>> ReadAsync(int max, CancellationToken ct);
}

/// <summary>Everything a business report shows, for one period against the one before.</summary>
public sealed record BusinessReport(
    ReportPeriod Period,
    ReportPeriod PreviousPeriod,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<CurrencyComparison> Revenue,
    IReadOnlyList<DailyNet> NetByDay,
    IReadOnlyList<DailyNet> PreviousNetByDay,
    IReadOnlyList<RankedSales> TopProducts,
    IReadOnlyList<RankedSales> TopCategories,
    FunnelCounts Funnel,
    IReadOnlyList<AbandonedCartTotals> AbandonedCarts,
    IReadOnlyList<PromotionResult> Promotions,
    IReadOnlyList<RunningOutOfStock> LowStock)
{
    public string Title => Period.Kind switch
    {
        ReportKind.Daily when Period.IsCalendarPeriod => $"Daily report {Period.FirstDay:yyyy-MM-dd}",
        ReportKind.Weekly when Period.IsCalendarPeriod => $"Weekly report {Period.FirstDay:yyyy-MM-dd} to {Period.EndDay.AddDays(-1):yyyy-MM-dd}",
        ReportKind.Monthly when Period.IsCalendarPeriod => $"Monthly report {Period.FirstDay:yyyy-MM}",
        _ => $"Report {Period.FirstDay:yyyy-MM-dd} to {Period.EndDay.AddDays(-1):yyyy-MM-dd}",
    };
}

/// <summary>
/// Builds a <see cref="BusinessReport"/> from the analytics read models: the sales rollups (<see cref="ISalesAnalytics"/>,
/// a few queries), the behaviour rollups (<see cref="IBehaviourAnalytics"/>: funnel and abandoned carts, kept per day:
/// the period's local days are asked for) and the inventory's low-stock view, with products, categories and promotions
/// named as they are now (<see cref="ISalesNames"/>). No order is read. Tests: BuildBusinessReportTests.
/// </summary>
public sealed class BuildBusinessReport(ISalesAnalytics sales, ISalesNames names, IBehaviourAnalytics behaviour, ILowStockReader lowStock, TimeProvider clock)
{
    public const int TopCount = 10;
    public const int LowStockCount = 25;

    public async Task<BusinessReport> BuildAsync(ReportPeriod period, CancellationToken ct)
    {
        var previous = ReportPeriods.Previous(period);
        var current = await TotalsAsync(period, ct);
        var before = await TotalsAsync(previous, ct);
        var revenue = current.Keys.Union(before.Keys).Order(StringComparer.Ordinal)
            .Select(c => new CurrencyComparison(c, current.GetValueOrDefault(c, SalesMeasures.Zero), before.GetValueOrDefault(c, SalesMeasures.Zero)))
            .ToList();

        var products = await RankedAsync(period, SalesDimension.Product, ct);
        var categories = await RankedAsync(period, SalesDimension.Category, ct);
        var promotions = (await names.NameAsync(await sales.QueryAsync(new SalesQuery(period.From, period.To, SalesDimension.Promotion, SalesTimeGrain.None), ct), ct)).Rows
            .Where(r => r.Key is not null)
            .Select(r => new PromotionResult(r.Key!, r.Name, r.Currency, r.Measures.Discounts, r.Measures.Net, r.Measures.Orders))
            .OrderBy(p => p.Currency, StringComparer.Ordinal).ThenByDescending(p => p.NetSales).ThenBy(p => p.PromotionId, StringComparer.Ordinal)
            .ToList();

        var funnel = await behaviour.FunnelAsync(period.FirstDay, period.EndDay, null, ct);
        var carts = (await behaviour.AbandonedCartsAsync(period.FirstDay, period.EndDay, ct))
            .GroupBy(d => d.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AbandonedCartTotals(g.Key, g.Sum(d => d.Count), g.Sum(d => d.Value), g.Sum(d => d.Recovered), g.Sum(d => d.RecoveredValue), g.Sum(d => d.RecoveredAfterReminder)))
            .ToList();

        return new BusinessReport(period, previous, clock.GetUtcNow(), revenue,
            await NetByDayAsync(period, ct), await NetByDayAsync(previous, ct), products, categories, funnel, carts, promotions,
            await lowStock.ReadAsync(LowStockCount, ct));
    }

    private async Task<Dictionary<string, SalesMeasures>> TotalsAsync(ReportPeriod period, CancellationToken ct) =>
        (await sales.QueryAsync(new SalesQuery(period.From, period.To, SalesDimension.Total, SalesTimeGrain.None), ct)).Rows
            .GroupBy(r => r.Currency, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Aggregate(SalesMeasures.Zero, (sum, r) => sum.Plus(r.Measures)), StringComparer.Ordinal);

    // The top N per currency by net sales, as the rollups rank them (asked again here, so a store that returns more is cut).
    private async Task<List<RankedSales>> RankedAsync(ReportPeriod period, SalesDimension dimension, CancellationToken ct) =>
        [.. (await names.NameAsync(await sales.QueryAsync(new SalesQuery(period.From, period.To, dimension, SalesTimeGrain.None, TopCount), ct), ct)).Rows
            .Where(r => r.Key is not null)
            .GroupBy(r => r.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(r => r.Measures.Net).ThenBy(r => r.Key, StringComparer.Ordinal).Take(TopCount))
            .Select(r => new RankedSales(r.Key!, r.Name, r.Currency, r.Measures))];

    // Hourly rows summed into the period's local days, so a day in Berlin is Berlin's midnight to midnight (the rollups'
    // days are UTC days). Every day of the period appears, with 0 when nothing sold, for each currency that sold.
    private async Task<List<DailyNet>> NetByDayAsync(ReportPeriod period, CancellationToken ct)
    {
        var zone = ReportPeriods.Zone(period.TimeZone);
        var rows = (await sales.QueryAsync(new SalesQuery(period.From, period.To, SalesDimension.Total, SalesTimeGrain.Hour), ct)).Rows;
        var net = rows.Where(r => r.PeriodStart is not null)
            .GroupBy(r => (Day: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.PeriodStart!.Value, zone).DateTime), r.Currency))
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Measures.Net));
        var currencies = rows.Select(r => r.Currency).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var days = Enumerable.Range(0, period.EndDay.DayNumber - period.FirstDay.DayNumber).Select(period.FirstDay.AddDays);
        return [.. currencies.SelectMany(c => days.Select(d => new DailyNet(d, c, net.GetValueOrDefault((d, c)))))];
    }
}
