using System.Globalization;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>One table of a report: a title, column headers and rows of cells (text, as shown and as exported).</summary>
public sealed record ReportTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// The report's figures as tables, the same for the HTML email, the CSV and the XLSX: amounts in the currency's major
/// unit with its minor digits (exact: converted from minor units, never rounded), rates in percent.
/// </summary>
public static class ReportTables
{
    public static IReadOnlyList<ReportTable> Of(BusinessReport r) =>
    [
        new("revenue", "Revenue against the previous period",
            ["currency", "net", "previous net", "change %", "gross", "discounts", "shipping", "tax", "refunds", "orders", "previous orders", "average order value", "units"],
            [.. r.Revenue.Select(c => Row(c.Currency, Amount(c.Current.Net, c.Currency), Amount(c.Previous.Net, c.Currency), Percent(c.NetChangePercent),
                Amount(c.Current.Gross, c.Currency), Amount(c.Current.Discounts, c.Currency), Amount(c.Current.Shipping, c.Currency), Amount(c.Current.Tax, c.Currency),
                Amount(c.Current.Refunds, c.Currency), Count(c.Current.Orders), Count(c.Previous.Orders),
                c.Current.AverageOrderValue is { } aov ? Amount(aov, c.Currency) : "", Count(c.Current.Units)))]),
        new("customers", "New and returning customers (orders)", ["currency", "new", "returning"],
            [.. r.Revenue.Select(c => Row(c.Currency, Count(c.Current.NewCustomerOrders), Count(c.Current.ReturningCustomerOrders)))]),
        new("returns", "Returns rate: refunds over what was charged, by value", ["currency", "refunds", "returns rate %"],
            [.. r.Revenue.Select(c => Row(c.Currency, Amount(c.Current.Refunds, c.Currency), Percent(c.RefundRatePercent)))]),
        Ranked("top-products", "Top products by net sales", "product", r.TopProducts),
        Ranked("top-categories", "Top categories by net sales", "category", r.TopCategories),
        new("funnel", "Funnel (sessions reaching each step)", ["step", "sessions", "of the step before %", "of viewed %"],
            FunnelRows(r)),
        new("abandoned-carts", "Abandoned carts", ["currency", "carts", "value", "recovered", "recovered value", "recovered after a reminder", "recovery rate %"],
            [.. r.AbandonedCarts.Select(a => Row(a.Currency, Count(a.Count), Amount(a.Value, a.Currency), Count(a.Recovered), Amount(a.RecoveredValue, a.Currency),
                Count(a.RecoveredAfterReminder), Percent(a.RecoveryRatePercent)))]),
        new("promotions", "Promotions: what they cost and brought in", ["promotion", "currency", "cost (discounts)", "net sales of its orders", "orders"],
            [.. r.Promotions.Select(p => Row(p.Name ?? p.PromotionId, p.Currency, Amount(p.Cost, p.Currency), Amount(p.NetSales, p.Currency), Count(p.Orders)))]),
        new("low-stock", "Stock running out", ["sku", "available", "on hand", "threshold"],
            [.. r.LowStock.Select(s => Row(s.Sku, Count(s.Available), Count(s.OnHand), Count(s.Threshold)))]),
        new("net-by-day", "Net sales by day", ["day", "currency", "net", "previous period's day", "previous net"],
            NetByDayRows(r)),
    ];

    /// <summary>Minor units as the currency's major unit, exactly: 12345 EUR is "123.45", 500 JPY is "500".</summary>
    public static string Amount(long minor, string currency) =>
        MoneyRounding.FromMinorUnits(minor, Currencies.MinorDigits(currency)).ToString("F" + Currencies.MinorDigits(currency), CultureInfo.InvariantCulture);

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Percent(decimal? p) => p?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    private static IReadOnlyList<string> Row(params string[] cells) => cells;

    private static ReportTable Ranked(string name, string title, string keyName, IReadOnlyList<RankedSales> rows) =>
        new(name, title, [keyName, "currency", "net", "units", "orders"],
            [.. rows.Select(p => Row(p.Name ?? p.Key, p.Currency, Amount(p.Measures.Net, p.Currency), Count(p.Measures.Units), Count(p.Measures.Orders)))]);

    private static List<IReadOnlyList<string>> FunnelRows(BusinessReport r)
    {
        var f = r.Funnel;
        var steps = new (string Step, long Sessions)[] { ("viewed", f.Viewed), ("added to cart", f.AddedToCart), ("started checkout", f.StartedCheckout), ("purchased", f.Purchased) };
        static decimal? Rate(long n, long of) => of == 0 ? null : Math.Round((decimal)n * 100 / of, 1);
        return [.. steps.Select((s, i) => Row(s.Step, Count(s.Sessions), i == 0 ? "" : Percent(Rate(s.Sessions, steps[i - 1].Sessions)), Percent(Rate(s.Sessions, f.Viewed))))];
    }

    // Day i of the period beside day i of the period before (a month may be longer than the one before: blank then).
    private static List<IReadOnlyList<string>> NetByDayRows(BusinessReport r)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var currency in r.NetByDay.Select(d => d.Currency).Distinct(StringComparer.Ordinal))
        {
            var now = r.NetByDay.Where(d => d.Currency == currency).ToList();
            var before = r.PreviousNetByDay.Where(d => d.Currency == currency).ToList();
            for (var i = 0; i < now.Count; i++)
                rows.Add(Row(now[i].Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), currency, Amount(now[i].Net, currency),
                    i < before.Count ? before[i].Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "", i < before.Count ? Amount(before[i].Net, currency) : ""));
        }
        return rows;
    }
}
