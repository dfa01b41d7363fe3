using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Reports;

public sealed class ManageReportsTests
{
    private static readonly Actor Admin = new("admin-1", [ShopRoles.Admin]);
    private readonly InMemoryReportSettings store = new();
    private ManageReports Manage() => new(store, new ReportDefaults("Europe/Berlin"), new ReportClock(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task Every_report_is_off_until_switched_on_and_uses_the_shops_time_zone()
    {
        var all = await Manage().ListAsync(CancellationToken.None);

        all.Select(r => r.Kind).ShouldBe([ReportKind.Daily, ReportKind.Weekly, ReportKind.Monthly]);
        all.ShouldAllBe(r => !r.Enabled && r.Recipients.Count == 0 && r.TimeZone == "Europe/Berlin" && r.Format == ReportFormat.Csv);
        (await Manage().GetAsync("weekly", CancellationToken.None)).Version.ShouldBe(ManageReports.NeverSaved);
    }

    [Fact]
    public async Task Switching_a_report_on_saves_its_recipients_format_and_zone_and_a_change_needs_the_etag()
    {
        var saved = await Manage().UpdateAsync("daily", new ReportSettingsInput(true, ["owner@example.com", "Owner@example.com", "cfo@example.com"], "xlsx", "America/New_York"), null, Admin, CancellationToken.None);

        saved.Value.Enabled.ShouldBeTrue();
        saved.Value.Recipients.ShouldBe(["owner@example.com", "cfo@example.com"]);
        saved.Value.Format.ShouldBe(ReportFormat.Xlsx);
        saved.Value.TimeZone.ShouldBe("America/New_York");
        saved.Value.UpdatedBy.ShouldBe("admin-1");

        await Should.ThrowAsync<VersionRequiredException>(() => Manage().UpdateAsync("daily", new ReportSettingsInput(false, null, null, null), null, Admin, CancellationToken.None));
        await Should.ThrowAsync<StaleVersionException>(() => Manage().UpdateAsync("daily", new ReportSettingsInput(false, null, null, null), "\"old\"", Admin, CancellationToken.None));
        var off = await Manage().UpdateAsync("daily", new ReportSettingsInput(false, null, null, null), saved.Version, Admin, CancellationToken.None);
        off.Value.Enabled.ShouldBeFalse();
        off.Value.Recipients.ShouldBe(["owner@example.com", "cfo@example.com"]); // left out: kept
    }

    [Fact]
    public async Task Bad_settings_are_refused_field_by_field_and_nothing_is_saved()
    {
        var error = await Should.ThrowAsync<ValidationFailedException>(() => Manage().UpdateAsync("monthly",
            new ReportSettingsInput(null, ["owner@example.com", "not-an-address"], "pdf", "Mars/Olympus_Mons"), null, Admin, CancellationToken.None));

        error.Errors.Keys.ShouldBe(["enabled", "recipients[1]", "format", "timeZone"], ignoreOrder: true);
        (await store.FindAsync(ReportKind.Monthly, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task A_report_cannot_be_on_without_recipients_nor_have_more_than_twenty()
    {
        var none = await Should.ThrowAsync<ValidationFailedException>(() => Manage().UpdateAsync("daily", new ReportSettingsInput(true, [], null, null), null, Admin, CancellationToken.None));
        none.Errors.Keys.ShouldBe(["recipients"]);
        var omitted = await Should.ThrowAsync<ValidationFailedException>(() => Manage().UpdateAsync("daily", new ReportSettingsInput(true, null, null, null), null, Admin, CancellationToken.None));
        omitted.Errors.Keys.ShouldBe(["recipients"]);
        var many = await Should.ThrowAsync<ValidationFailedException>(() => Manage().UpdateAsync("daily",
            new ReportSettingsInput(false, [.. Enumerable.Range(0, 21).Select(i => $"r{i}@example.com")], null, null), null, Admin, CancellationToken.None));
        many.Errors.Keys.ShouldBe(["recipients"]);

        // Off with none is fine.
        (await Manage().UpdateAsync("daily", new ReportSettingsInput(false, [], null, null), null, Admin, CancellationToken.None)).Value.Recipients.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("hourly")]
    [InlineData("Daily")]
    [InlineData("0")]
    public async Task An_unknown_report_is_not_found(string kind)
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage().GetAsync(kind, CancellationToken.None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Manage().UpdateAsync(kind, new ReportSettingsInput(false, null, null, null), null, Admin, CancellationToken.None));
    }

    [Fact]
    public async Task A_format_given_as_a_number_is_refused()
    {
        var error = await Should.ThrowAsync<ValidationFailedException>(() => Manage().UpdateAsync("daily", new ReportSettingsInput(false, null, "1", null), null, Admin, CancellationToken.None));
        error.Errors.Keys.ShouldBe(["format"]);
    }
}
