using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Reports;

/// <summary>What one timer run did, per report kind: sent, already sent or in other hands, off, or failed.</summary>
public sealed record ReportRun(IReadOnlyList<string> Sent, IReadOnlyList<string> Skipped, IReadOnlyList<string> Failed);

/// <summary>
/// The periodic reports' timer (docs/analytics.md#reports): for each report that is on, the latest period that has
/// closed in its time zone is rendered, archived and emailed once. A run first claims the period (a lease), renders and
/// archives; then moves the record to Sending with a conditional write and only then sends. So a report is never sent
/// twice for a period (a run that finds Sending or Sent leaves it), and a run killed after archiving but before Sending
/// leaves a lease that lapses, and the next run sends. A send that fails with an error (not a kill) gives the period
/// back for the next run. Tests: SendBusinessReportsTests, BusinessReportDeliveryTests.
/// </summary>
public sealed class SendBusinessReports(
    ManageReports settings, BuildBusinessReport builder, IReportRenderer renderer, IReportArchive archive, IReportDeliveries deliveries,
    IEmailSender email, TimeProvider clock)
{
    /// <summary>How long a claim holds off other runs: rendering and archiving take seconds, the timer runs hourly.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    public async Task<ReportRun> RunAsync(CancellationToken ct)
    {
        List<string> sent = [], skipped = [], failed = [];
        foreach (var kind in Enum.GetValues<ReportKind>())
        {
            var current = await settings.CurrentAsync(kind, ct);
            if (!current.Enabled || current.Recipients.Count == 0) { skipped.Add($"{kind}: off"); continue; }
            var period = ReportPeriods.LastClosed(kind, current.TimeZone, clock.GetUtcNow());
            var outcome = await DeliverAsync(current, period, ct);
            (outcome switch { Outcome.Sent => sent, Outcome.Failed => failed, _ => skipped }).Add($"{kind} {period.Key}: {outcome}");
        }
        return new ReportRun(sent, skipped, failed);
    }

    private enum Outcome { Sent, AlreadySent, ClaimedByAnotherRun, Failed }

    private async Task<Outcome> DeliverAsync(ReportSettings report, ReportPeriod period, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var found = await deliveries.FindAsync(report.Kind, period.Key, ct);
        if (found is { Value.State: ReportDeliveryState.Sent or ReportDeliveryState.Sending }) return Outcome.AlreadySent;
        if (found is { } held && held.Value.ClaimedUntil > now) return Outcome.ClaimedByAnotherRun;

        var claim = new ReportDelivery(report.Kind, period.Key, ReportDeliveryState.Claimed, now + ClaimLease, null, report.Recipients);
        var version = await deliveries.TrySaveAsync(claim, found?.Version, ct);
        if (version is null) return Outcome.ClaimedByAnotherRun;

        var rendered = renderer.Render(await builder.BuildAsync(period, ct), report.Format);
        await archive.SaveAsync(report.Kind, period.Key, rendered, ct);

        // The point of no return: from here no run sends this period again.
        var sending = claim with { State = ReportDeliveryState.Sending };
        version = await deliveries.TrySaveAsync(sending, version, ct);
        if (version is null) return Outcome.ClaimedByAnotherRun;
        try
        {
            await email.SendAsync(rendered.ToEmail(report.Recipients), ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The provider refused it (after its retries): nothing went out, so the next run may try again.
            await deliveries.TrySaveAsync(claim with { ClaimedUntil = clock.GetUtcNow() }, version, ct);
            return Outcome.Failed;
        }
        await deliveries.TrySaveAsync(sending with { State = ReportDeliveryState.Sent, SentAt = clock.GetUtcNow() }, version, ct);
        return Outcome.Sent;
    }
}

/// <summary>
/// Staff render any report for any period that has ended, in the report's time zone (docs/analytics.md#reports): it is
/// returned and archived, not emailed. Tests: ReportOnDemandApiTests.
/// </summary>
public sealed class RenderReportOnDemand(ManageReports settings, BuildBusinessReport builder, IReportRenderer renderer, IReportArchive archive, TimeProvider clock)
{
    /// <exception cref="ValidationFailedException">A malformed period, one that ends before it starts or has not ended, or an unknown format.</exception>
    public async Task<(ReportPeriod Period, RenderedReport Report)> RenderAsync(string kind, string? period, string? format, CancellationToken ct)
    {
        var k = ManageReports.ParseKind(kind);
        var current = await settings.CurrentAsync(k, ct);
        var v = new Validator();
        var parsedFormat = current.Format;
        if (format is not null && !format.Equals("html", StringComparison.OrdinalIgnoreCase))
            v.Check(Enum.TryParse(format, ignoreCase: true, out parsedFormat) && Enum.IsDefined(parsedFormat) && !int.TryParse(format, out _),
                "format", $"must be html, csv or xlsx (was '{format}').");
        var p = ReportPeriods.Parse(k, period, current.TimeZone, clock.GetUtcNow(), "period", v);
        v.ThrowIfInvalid();

        var rendered = renderer.Render(await builder.BuildAsync(p!, ct), parsedFormat);
        await archive.SaveAsync(k, p!.Key, rendered, ct);
        return (p, rendered);
    }
}
