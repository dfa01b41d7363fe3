using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Analytics.Sales;

namespace Serverless.Shop.Functions.Analytics.Sales;

/// <summary>Sales figures for staff, from the rollups (docs/analytics.md, "Sales"), and their hourly compaction.</summary>
public sealed class SalesAnalyticsFunctions(ReadSales sales, CompactSalesRollups compaction)
{
    [Function("GetSales")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "Sales figures of a period from the rollups: gross, discounts, tax, shipping, refunds, net, units, orders, average order value, new and returning customers; amounts in minor units (cents) of each row's currency",
        Response = typeof(SalesFigures), Query =
        [
            "from: start, inclusive: 2026-12-01 (UTC midnight) or a whole hour with its offset, 2026-12-01T08:00:00Z",
            "to: end, exclusive, same forms; after from, at most 400 days later (31 with grain=hour)",
            "groupBy: total (default), product, variant, category, customer, country, promotion, paymentMethod or channel",
            "grain: none (default: one row per value), hour or day (UTC)",
            "top: only the N values with the highest net sales, per currency (1-1000)",
            "currency: only this currency (ISO 4217); default: every currency, each in its own rows",
        ])]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/sales")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(SalesFigures.Of(await sales.QueryAsync(Text(req), ct)));

    [Function("ExportSales")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Analytics", "The same figures as a file: format=csv (text/csv) or format=xlsx (a workbook); amounts in the currency's major unit (12.34)",
        Query =
        [
            "from: start, inclusive: 2026-12-01 (UTC midnight) or a whole hour with its offset, 2026-12-01T08:00:00Z",
            "to: end, exclusive, same forms; after from, at most 400 days later (31 with grain=hour)",
            "groupBy: total (default), product, variant, category, customer, country, promotion, paymentMethod or channel",
            "grain: none (default: one row per value), hour or day (UTC)",
            "top: only the N values with the highest net sales, per currency (1-1000)",
            "currency: only this currency (ISO 4217); default: every currency, each in its own rows",
            "format: csv or xlsx",
        ])]
    public async Task<IActionResult> Export([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/sales/export")] HttpRequest req, CancellationToken ct)
    {
        var format = req.Query("format")?.Trim().ToLowerInvariant();
        if (format is not ("csv" or "xlsx")) new Validator().Add("format", "must be csv or xlsx.").ThrowIfInvalid();
        var answer = await sales.QueryAsync(Text(req), ct);
        var name = $"sales-{SalesBucket.Name(answer.Query.GroupBy)}-{answer.Query.From.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{answer.Query.To.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";
        return format == "csv"
            ? Api.Text(SalesSpreadsheets.CsvContentType, SalesSpreadsheets.Csv(answer)).WithHeader("Content-Disposition", $"attachment; filename=\"{name}.csv\"")
            : Api.File(SalesSpreadsheets.XlsxContentType, SalesSpreadsheets.Xlsx(answer), name + ".xlsx");
    }

    /// <summary>Every hour: finishes counting that a process died under, and lets buckets forget delta ids older than a day.</summary>
    [Function("CompactSalesRollups")]
    public Task Compact([TimerTrigger("0 20 * * * *")] TimerInfo timer, CancellationToken ct) => compaction.RunAsync(ct);

    private static SalesQueryText Text(HttpRequest req) =>
        new(req.Query("from"), req.Query("to"), req.Query("groupBy"), req.Query("grain"), req.Query("top"), req.Query("currency"));
}

/// <summary>The answer to a sales query: what was asked, and a row per value (and period) with every measure in minor units.</summary>
public sealed record SalesFigures(DateTimeOffset From, DateTimeOffset To, string GroupBy, string Grain, int? Top, string? Currency, string Amounts, IReadOnlyList<SalesFigureRow> Rows)
{
    public static SalesFigures Of(SalesAnswer answer) => new(
        answer.Query.From, answer.Query.To, SalesBucket.Name(answer.Query.GroupBy), answer.Query.Grain.ToString().ToLowerInvariant(), answer.Query.Top, answer.Query.Currency,
        "minor units of each row's currency (cents)", [.. answer.Rows.Select(SalesFigureRow.Of)]);
}

/// <summary>
/// One row: <see cref="Key"/> is the dimension's value (absent for the total), <see cref="Name"/> what it is called now
/// (a product's, category's or promotion's name, a country's; absent where the key is the name or the thing is gone),
/// <see cref="PeriodStart"/> the hour or day (absent without a grain).
/// </summary>
public sealed record SalesFigureRow(
    string? Key, string? Name, DateTimeOffset? PeriodStart, string Currency, long Gross, long Discounts, long Tax, long Shipping, long Refunds, long Net,
    long Units, long Orders, long NewCustomerOrders, long ReturningCustomerOrders, long? AverageOrderValue)
{
    public static SalesFigureRow Of(SalesRow row)
    {
        var m = row.Measures;
        return new(row.Key, row.Name, row.PeriodStart, row.Currency, m.Gross, m.Discounts, m.Tax, m.Shipping, m.Refunds, m.Net, m.Units, m.Orders,
            m.NewCustomerOrders, m.ReturningCustomerOrders, m.AverageOrderValue);
    }
}
