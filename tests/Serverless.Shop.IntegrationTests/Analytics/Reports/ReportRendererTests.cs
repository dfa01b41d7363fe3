using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Infrastructure.Analytics.Reports;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>The renderer with its real libraries: ScottPlot draws headless here, CsvHelper and ClosedXML files read back.</summary>
public sealed partial class ReportRendererTests
{
    private static readonly SalesMeasures Sale = new(12_345, 345, 1_900, 495, 0, 3, 2, 1, 1);

    private static BusinessReport Report()
    {
        var period = ReportPeriods.Of(ReportKind.Weekly, new DateOnly(2026, 11, 30), "Europe/Berlin");
        var previous = ReportPeriods.Previous(period);
        var days = Enumerable.Range(0, 7).Select(i => new DailyNet(period.FirstDay.AddDays(i), "EUR", 1_000 * i)).ToList();
        var before = Enumerable.Range(0, 7).Select(i => new DailyNet(previous.FirstDay.AddDays(i), "EUR", 500 * i)).ToList();
        return new BusinessReport(period, previous, new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero),
            [new CurrencyComparison("EUR", Sale, Sale with { Gross = 6_000 }), new CurrencyComparison("JPY", Sale with { Gross = 5_000 }, SalesMeasures.Zero)],
            days, before,
            [new RankedSales("prod_lamp", "lamp <red>", "EUR", Sale), new RankedSales("prod_deleted", null, "EUR", Sale with { Gross = 100 })],
            [new RankedSales("cat_lighting", "lighting", "EUR", Sale)],
            new FunnelCounts(100, 40, 10, 5),
            [new AbandonedCartTotals("EUR", 4, 20_000, 1, 5_000, 1)],
            [new PromotionResult("promo_winter", "WINTER10 (Winter sale)", "EUR", 345, 14_395, 2)],
            [new RunningOutOfStock("LAMP-RED", 1, 2, 5)]);
    }

    [Fact]
    public void The_html_shows_every_chart_by_content_id_and_each_chart_is_a_png()
    {
        var rendered = new HtmlReportRenderer().Render(Report(), ReportFormat.Csv);

        rendered.Subject.ShouldBe("Weekly report 2026-11-30 to 2026-12-06");
        var referenced = CidReference().Matches(rendered.Html).Select(m => m.Groups[1].Value).ToList();
        referenced.ShouldBe(rendered.Charts.Select(c => c.Name), ignoreOrder: true);
        rendered.Charts.Count.ShouldBe(3);
        foreach (var chart in rendered.Charts)
        {
            chart.ContentType.ShouldBe("image/png");
            chart.Content.Take(8).ShouldBe(ReportFiles.PngSignature);
            chart.Content.Length.ShouldBeGreaterThan(2_000, $"{chart.Name} should hold a drawn chart");
        }
        // Names from the data are encoded, never markup.
        rendered.Html.ShouldContain("lamp &lt;red&gt;");
        rendered.Html.ShouldNotContain("lamp <red>");
        rendered.Html.ShouldNotContain("<style", Case.Insensitive);
    }

    [Fact]
    public void The_csv_attachment_holds_every_table_with_exact_amounts()
    {
        var rendered = new HtmlReportRenderer().Render(Report(), ReportFormat.Csv);
        rendered.Attachment.Name.ShouldBe("report.csv");

        var rows = ReportFiles.Csv(rendered.Attachment.Content);

        rows.Select(r => r.Table).Distinct().ShouldBe(["revenue", "customers", "returns", "top-products", "top-categories", "funnel", "abandoned-carts", "promotions", "low-stock", "net-by-day"]);
        string Cell(string table, int row, string column) => rows.Single(r => r.Table == table && r.Row == row && r.Column == column).Value;
        Cell("revenue", 1, "currency").ShouldBe("EUR");
        Cell("revenue", 1, "net").ShouldBe("143.95"); // 12,345 - 345 + 495 + 1,900 cents
        Cell("revenue", 2, "currency").ShouldBe("JPY");
        Cell("revenue", 2, "net").ShouldBe("7050"); // yen have no minor unit
        Cell("top-products", 1, "product").ShouldBe("lamp <red>");
        Cell("top-products", 2, "product").ShouldBe("prod_deleted"); // a product since deleted keeps its id
        Cell("top-categories", 1, "category").ShouldBe("lighting");
        Cell("promotions", 1, "promotion").ShouldBe("WINTER10 (Winter sale)");
        Cell("funnel", 4, "of viewed %").ShouldBe("5.0");
        Cell("promotions", 1, "cost (discounts)").ShouldBe("3.45");
        Cell("net-by-day", 2, "previous net").ShouldBe("5.00");
    }

    [Fact]
    public void The_xlsx_attachment_has_a_sheet_per_table_with_numbers_as_numbers()
    {
        var rendered = new HtmlReportRenderer().Render(Report(), ReportFormat.Xlsx);
        rendered.Attachment.Name.ShouldBe("report.xlsx");

        var sheets = ReportFiles.Xlsx(rendered.Attachment.Content);

        sheets.Keys.ShouldContain("revenue");
        sheets.Keys.ShouldContain("low-stock");
        sheets["revenue"].Header[0].ShouldBe("currency");
        sheets["revenue"].Rows[0][1].ShouldBe("143.95");
        sheets["low-stock"].Rows.ShouldHaveSingleItem()[0].ShouldBe("LAMP-RED");
    }

    [GeneratedRegex("src=\"cid:([^\"]+)\"")]
    private static partial Regex CidReference();
}
