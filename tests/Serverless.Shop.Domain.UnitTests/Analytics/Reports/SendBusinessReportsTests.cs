using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Reports;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Reports;

public sealed class SendBusinessReportsTests
{
    private static readonly Actor Admin = new("admin-1", [ShopRoles.Admin]);
    private readonly ReportClock clock = new(new DateTimeOffset(2026, 12, 7, 9, 5, 0, TimeSpan.Zero));
    private readonly InMemoryReportSettings settings = new();
    private readonly InMemoryReportDeliveries deliveries = new();
    private readonly RecordingRenderer renderer = new();
    private readonly RecordingArchive archive = new();
    private readonly RecordingEmail email = new();

    private ManageReports Manage() => new(settings, new ReportDefaults("UTC"), clock);

    private SendBusinessReports Sender() => new(Manage(),
        new BuildBusinessReport(new InMemorySalesAnalytics(), new FixedSalesNames(), new InMemoryBehaviourAnalytics(), new FixedLowStock(), clock),
        renderer, archive, deliveries, email, clock);

    private Task SwitchOnAsync(string kind, string zone = "UTC") =>
        Manage().UpdateAsync(kind, new ReportSettingsInput(true, ["owner@example.com"], "csv", zone), null, Admin, CancellationToken.None);

    [Fact]
    public async Task A_report_that_is_off_is_not_sent()
    {
        var run = await Sender().RunAsync(CancellationToken.None);

        run.Sent.ShouldBeEmpty();
        email.Sent.ShouldBeEmpty();
        archive.Saved.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_switched_on_daily_report_sends_yesterday_once_with_its_charts_inline_and_its_attachment()
    {
        await SwitchOnAsync("daily");

        var run = await Sender().RunAsync(CancellationToken.None);

        run.Sent.ShouldBe(["Daily 2026-12-06: Sent"]);
        var mail = email.Sent.ShouldHaveSingleItem();
        mail.To.ShouldBe(["owner@example.com"]);
        mail.Subject.ShouldBe("Daily report 2026-12-06");
        mail.Attachments.Single(a => a.ContentId is not null).ContentId.ShouldBe("chart.png");
        mail.Attachments.Single(a => a.ContentId is null).FileName.ShouldBe("report.csv");
        archive.Saved.ShouldBe([(ReportKind.Daily, "2026-12-06")]);
        deliveries.Records[(ReportKind.Daily, "2026-12-06")].Value.State.ShouldBe(ReportDeliveryState.Sent);
    }

    [Fact]
    public async Task Running_the_timer_again_in_the_same_period_sends_nothing_more()
    {
        await SwitchOnAsync("daily");
        await Sender().RunAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));

        var again = await Sender().RunAsync(CancellationToken.None);

        again.Sent.ShouldBeEmpty();
        email.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_next_day_sends_the_next_period()
    {
        await SwitchOnAsync("daily");
        await Sender().RunAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(1));

        await Sender().RunAsync(CancellationToken.None);

        email.Sent.Select(m => m.Subject).ShouldBe(["Daily report 2026-12-06", "Daily report 2026-12-07"]);
    }

    [Fact]
    public async Task A_run_killed_after_archiving_but_before_sending_is_sent_by_a_later_run_once_its_claim_lapses()
    {
        await SwitchOnAsync("daily");
        archive.KillAfterSave = true;
        await Should.ThrowAsync<OperationCanceledException>(() => Sender().RunAsync(CancellationToken.None));
        email.Sent.ShouldBeEmpty();
        archive.KillAfterSave = false;

        // Within the claim's lease another run leaves it alone (the first might still be working)...
        clock.Advance(TimeSpan.FromMinutes(1));
        (await Sender().RunAsync(CancellationToken.None)).Skipped.ShouldContain("Daily 2026-12-06: ClaimedByAnotherRun");
        email.Sent.ShouldBeEmpty();

        // ... after it, the next run sends it, once.
        clock.Advance(SendBusinessReports.ClaimLease);
        await Sender().RunAsync(CancellationToken.None);
        await Sender().RunAsync(CancellationToken.None);
        email.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_period_marked_sending_is_never_sent_again_even_if_the_run_died_before_marking_it_sent()
    {
        await SwitchOnAsync("daily");
        deliveries.Records[(ReportKind.Daily, "2026-12-06")] = new(
            new ReportDelivery(ReportKind.Daily, "2026-12-06", ReportDeliveryState.Sending, clock.GetUtcNow().AddHours(-2), null, ["owner@example.com"]), "\"x\"");

        await Sender().RunAsync(CancellationToken.None);

        email.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_send_the_provider_refused_is_tried_again_by_the_next_run()
    {
        await SwitchOnAsync("daily");
        email.FailWith = new InvalidOperationException("SendGrid said 503");
        (await Sender().RunAsync(CancellationToken.None)).Failed.ShouldBe(["Daily 2026-12-06: Failed"]);
        email.FailWith = null;

        await Sender().RunAsync(CancellationToken.None);

        email.Sent.Count.ShouldBe(1);
        deliveries.Records[(ReportKind.Daily, "2026-12-06")].Value.State.ShouldBe(ReportDeliveryState.Sent);
    }

    [Fact]
    public async Task A_run_that_starts_while_another_renders_the_period_leaves_it_to_that_run()
    {
        await SwitchOnAsync("weekly");
        ReportRun? second = null;
        // The second run starts after the first claimed the period, while it renders.
        renderer.WhileRendering = () => second = Sender().RunAsync(CancellationToken.None).GetAwaiter().GetResult();

        var first = await Sender().RunAsync(CancellationToken.None);

        second!.Skipped.ShouldContain("Weekly 2026-11-30: ClaimedByAnotherRun");
        first.Sent.ShouldBe(["Weekly 2026-11-30: Sent"]);
        email.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Each_report_uses_its_own_time_zone_to_decide_which_period_has_closed()
    {
        // 09:05 UTC on Dec 7 is still Dec 6 in Honolulu (UTC-10): its last closed day is Dec 5.
        await SwitchOnAsync("daily", "Pacific/Honolulu");

        await Sender().RunAsync(CancellationToken.None);

        email.Sent.Single().Subject.ShouldBe("Daily report 2026-12-05");
    }
}
