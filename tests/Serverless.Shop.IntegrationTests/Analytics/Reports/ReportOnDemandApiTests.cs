using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>Any report for any period that has ended, rendered on demand, returned and archived (docs/analytics.md#reports).</summary>
[Collection(ReportShopCollection.Name)]
public sealed class ReportOnDemandApiTests(ReportShopFixture fixture)
{
    [Fact]
    public async Task A_marketer_renders_a_past_week_as_html_and_it_is_archived_with_its_charts_and_tables()
    {
        var response = await fixture.Client(ShopRoles.Marketer).GetAsync("api/analytics/reports/weekly/render?period=2026-11-02");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Weekly report 2026-11-02 to 2026-11-08");
        html.ShouldContain("src=\"cid:funnel.png\"");

        var archive = await fixture.Client(ShopRoles.Marketer).GetAsync("api/analytics/reports/weekly/archive");
        archive.StatusCode.ShouldBe(HttpStatusCode.OK);
        var entry = (await archive.JsonAsync()).EnumerateArray().Single(a => a.GetProperty("periodKey").GetString() == "2026-11-02");
        // The attachment is in the report's format (another test may have set it to xlsx): one of the two, once.
        var files = entry.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ShouldBe(["funnel.png", "revenue-by-day.png", "top-products.png"], ignoreOrder: true);
        files.ShouldContain("report.html");
        files.Count(f => f is "report.csv" or "report.xlsx").ShouldBe(1);
        files.Count.ShouldBe(5);

        // Rendered again as CSV, the archive keeps that rendering's files alone.
        (await fixture.Client(ShopRoles.Marketer).GetAsync("api/analytics/reports/weekly/render?period=2026-11-02&format=csv")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = (await (await fixture.Client(ShopRoles.Marketer).GetAsync("api/analytics/reports/weekly/archive")).JsonAsync())
            .EnumerateArray().Single(a => a.GetProperty("periodKey").GetString() == "2026-11-02");
        again.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ShouldBe(
            ["funnel.png", "report.csv", "report.html", "revenue-by-day.png", "top-products.png"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_tables_come_as_csv_or_xlsx_that_read_back()
    {
        var csv = await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/daily/render?period=2026-11-10/2026-11-13&format=csv");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK, await csv.Content.ReadAsStringAsync());
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        csv.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("daily-2026-11-10_2026-11-13-report.csv");
        var rows = ReportFiles.Csv(await csv.Content.ReadAsByteArrayAsync());
        rows.Where(r => r.Table == "funnel" && r.Column == "step").Select(r => r.Value).ShouldBe(["viewed", "added to cart", "started checkout", "purchased"]);

        var xlsx = await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/monthly/render?period=2026-10-01&format=xlsx");
        xlsx.StatusCode.ShouldBe(HttpStatusCode.OK, await xlsx.Content.ReadAsStringAsync());
        xlsx.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        var sheets = ReportFiles.Xlsx(await xlsx.Content.ReadAsByteArrayAsync());
        sheets["funnel"].Header.ShouldBe(["step", "sessions", "of the step before %", "of viewed %"]);
        sheets["funnel"].Rows.Count.ShouldBe(4);
        sheets.Keys.ShouldContain("revenue");
    }

    [Theory]
    [InlineData("2026-11-20/2026-11-10", "period")]
    [InlineData("2026-02-30", "period")]
    [InlineData("2999-01-01", "period")]
    [InlineData("", "period")]
    public async Task A_bad_period_is_a_400_naming_the_period(string period, string field)
    {
        var response = await fixture.Client(ShopRoles.Admin).GetAsync($"api/analytics/reports/daily/render?period={Uri.EscapeDataString(period)}");

        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_bad_format_or_a_weekly_period_not_on_a_monday_is_a_400()
    {
        await ProblemAssertions.ShouldBeProblem(await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/daily/render?period=2026-11-10&format=pdf"), HttpStatusCode.BadRequest, "format");
        await ProblemAssertions.ShouldBeProblem(await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/weekly/render?period=2026-11-11"), HttpStatusCode.BadRequest, "period");
    }

    [Fact]
    public async Task Nobody_but_staff_renders_a_report()
    {
        (await fixture.Client(ShopRoles.Customer).GetAsync("api/analytics/reports/daily/render?period=2026-11-10")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client().GetAsync("api/analytics/reports/daily/render?period=2026-11-10")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
