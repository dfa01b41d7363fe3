using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Reports;

/// <summary>One file of a rendered report: the email's HTML, a chart, or the attachment with the tables.</summary>
public sealed record ReportFile(string Name, string ContentType, byte[] Content);

/// <summary>
/// A report as people get it: the HTML email (charts referenced as <c>cid:&lt;chart name&gt;</c>), a plain-text
/// alternative, the chart images and the attachment with its tables.
/// </summary>
public sealed record RenderedReport(string Subject, string Html, string Text, IReadOnlyList<ReportFile> Charts, ReportFile Attachment)
{
    /// <summary>Every file, as archived: <c>report.html</c>, the charts and the attachment.</summary>
    public IEnumerable<ReportFile> Files =>
        [new ReportFile("report.html", "text/html; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(Html)), .. Charts, Attachment];

    /// <summary>The email: the charts inline by Content-ID (their file name), the tables attached.</summary>
    public EmailMessage ToEmail(IReadOnlyList<string> to) => new(to, Subject, Text, Html)
    {
        Attachments = [.. Charts.Select(c => new EmailAttachment(c.Name, c.ContentType, c.Content, c.Name)), new EmailAttachment(Attachment.Name, Attachment.ContentType, Attachment.Content)],
    };
}

/// <summary>Turns a report into HTML, chart images and the CSV or XLSX attachment.</summary>
public interface IReportRenderer
{
    RenderedReport Render(BusinessReport report, ReportFormat format);
}

/// <summary>An archived report: its kind, period key and the files kept.</summary>
public sealed record ArchivedReport(ReportKind Kind, string PeriodKey, IReadOnlyList<string> Files, DateTimeOffset ArchivedAt);

/// <summary>Every rendered report, kept in Blob Storage under <c>&lt;kind&gt;/&lt;period&gt;/</c>.</summary>
public interface IReportArchive
{
    /// <summary>Writes (or overwrites: the same period renders to the same names) every file of the report.</summary>
    Task SaveAsync(ReportKind kind, string periodKey, RenderedReport report, CancellationToken ct);

    Task<IReadOnlyList<ArchivedReport>> ListAsync(ReportKind kind, CancellationToken ct);
}

/// <summary>Where a periodic report's sending for one period stands (one record per report and period).</summary>
public enum ReportDeliveryState
{
    /// <summary>A run is rendering and archiving it until <see cref="ReportDelivery.ClaimedUntil"/>; after that another run may take it over.</summary>
    Claimed,
    /// <summary>A run is about to hand it to the email provider: no run sends it again, whatever happens next.</summary>
    Sending,
    Sent,
}

public sealed record ReportDelivery(ReportKind Kind, string PeriodKey, ReportDeliveryState State, DateTimeOffset ClaimedUntil, DateTimeOffset? SentAt, IReadOnlyList<string> Recipients);

/// <summary>
/// Records that make a periodic report go out at most once per period: each change is conditional on the version read,
/// so of two runs only one wins a claim or a move to <see cref="ReportDeliveryState.Sending"/>.
/// </summary>
public interface IReportDeliveries
{
    Task<Versioned<ReportDelivery>?> FindAsync(ReportKind kind, string periodKey, CancellationToken ct);

    /// <summary>Creates the record (<paramref name="expectedVersion"/> null) or replaces it on that version; null when another run changed it first.</summary>
    Task<string?> TrySaveAsync(ReportDelivery delivery, string? expectedVersion, CancellationToken ct);
}
