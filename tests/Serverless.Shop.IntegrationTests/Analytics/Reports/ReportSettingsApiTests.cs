using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>The reports' settings over HTTP (docs/analytics.md#reports): roles, ETags and bad input.</summary>
[Collection(ReportShopCollection.Name)]
public sealed class ReportSettingsApiTests(ReportShopFixture fixture)
{
    [Fact]
    public async Task Staff_read_every_report_off_until_switched_on_and_others_may_not()
    {
        var list = await fixture.Client(ShopRoles.Marketer).GetAsync("api/analytics/reports");
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reports = (await list.JsonAsync()).EnumerateArray().ToList();
        reports.Select(r => r.GetProperty("kind").GetString()).ShouldBe(["daily", "weekly", "monthly"]);
        reports.Single(r => r.GetProperty("kind").GetString() == "monthly").GetProperty("enabled").GetBoolean().ShouldBeFalse();

        (await fixture.Client(ShopRoles.Customer).GetAsync("api/analytics/reports")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Merchandiser).GetAsync("api/analytics/reports/daily")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client().GetAsync("api/analytics/reports")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_an_admin_changes_a_report_and_a_change_needs_the_current_etag()
    {
        var marketer = await fixture.Client(ShopRoles.Marketer).PutJsonAsync("api/analytics/reports/weekly", new { enabled = false }, null);
        marketer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var saved = await fixture.SetAsync("weekly", new { enabled = true, recipients = new[] { "owner@example.com" }, format = "xlsx", timeZone = "Europe/Berlin" });
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var body = await saved.JsonAsync();
        body.GetProperty("format").GetString().ShouldBe("xlsx");
        body.GetProperty("timeZone").GetString().ShouldBe("Europe/Berlin");
        var etag = saved.Headers.ETag!.Tag;

        var admin = fixture.Client(ShopRoles.Admin);
        await ProblemAssertions.ShouldBeProblem(await admin.PutJsonAsync("api/analytics/reports/weekly", new { enabled = false }, null), HttpStatusCode.PreconditionRequired);
        await ProblemAssertions.ShouldBeProblem(await admin.PutJsonAsync("api/analytics/reports/weekly", new { enabled = false }, "\"stale\""), HttpStatusCode.PreconditionFailed);
        var off = await admin.PutJsonAsync("api/analytics/reports/weekly", new { enabled = false }, etag);
        off.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await off.JsonAsync()).GetProperty("recipients")[0].GetString().ShouldBe("owner@example.com");
    }

    [Fact]
    public async Task Bad_settings_are_a_400_naming_each_field_and_change_nothing()
    {
        var response = await fixture.SetAsync("monthly", new { enabled = true, recipients = new[] { "cfo@example.com", "not an address" }, format = "pdf", timeZone = "Nowhere/Town" });

        var problem = await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        errors.ShouldBe(["recipients[1]", "format", "timeZone"], ignoreOrder: true);
        var monthly = await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/monthly");
        (await monthly.JsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeFalse();

        await ProblemAssertions.ShouldBeProblem(await fixture.SetAsync("monthly", new { enabled = true }), HttpStatusCode.BadRequest, "recipients");
        await ProblemAssertions.ShouldBeProblem(await fixture.SetAsync("monthly", new { recipients = new[] { "cfo@example.com" } }), HttpStatusCode.BadRequest, "enabled");
    }

    [Fact]
    public async Task An_unknown_report_is_a_404()
    {
        await ProblemAssertions.ShouldBeProblem(await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/hourly"), HttpStatusCode.NotFound);
        await ProblemAssertions.ShouldBeProblem(await fixture.Client(ShopRoles.Admin).GetAsync("api/analytics/reports/hourly/archive"), HttpStatusCode.NotFound);
    }
}
