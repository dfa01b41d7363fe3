using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Analytics.Reports;

/// <summary>
/// The periodic business reports (docs/analytics.md#reports): their settings (admins change them; marketers read),
/// any period rendered on demand, and the archive.
/// </summary>
public sealed class ReportFunctions(ManageReports reports, RenderReportOnDemand onDemand, IReportArchive archive)
{
    [Function("ListBusinessReports")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Reports", "The daily, weekly and monthly business reports: on or off, recipients, attachment format, time zone", Response = typeof(IReadOnlyList<ReportSettings>))]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/reports")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await reports.ListAsync(ct));

    [Function("GetBusinessReport")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Reports", "One report's settings (kind: daily, weekly or monthly), with its ETag", Response = typeof(ReportSettings))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/reports/{kind}")] HttpRequest req, string kind, CancellationToken ct) =>
        Api.Ok(await reports.GetAsync(kind, ct));

    [Function("UpdateBusinessReport")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Reports", "Switch a report on or off and set its recipients (1 to 20 while on), attachment format (csv or xlsx) and IANA time zone. If-Match required once it was set up",
        Request = typeof(ReportSettingsInput), Response = typeof(ReportSettings))]
    public async Task<IActionResult> Update([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "analytics/reports/{kind}")] HttpRequest req, string kind, CancellationToken ct) =>
        Api.Ok(await reports.UpdateAsync(kind, await req.ReadJsonAsync<ReportSettingsInput>(), req.IfMatch(), req.Actor(), ct));

    [Function("RenderBusinessReport")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Reports", "Renders the report for any period that has ended, archives it and returns it (not emailed). period: the first day (yyyy-MM-dd; a Monday for weekly, the 1st for monthly) or a range of days yyyy-MM-dd/yyyy-MM-dd (end day excluded); 400 naming period when malformed, ending before it starts or not over",
        Query = ["period: first day or range of days", "format: html (default), csv or xlsx"])]
    public async Task<IActionResult> Render([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/reports/{kind}/render")] HttpRequest req, string kind, CancellationToken ct)
    {
        var format = req.Query("format");
        var (period, report) = await onDemand.RenderAsync(kind, req.Query("period"), format is null || format.Equals("html", StringComparison.OrdinalIgnoreCase) ? null : format, ct);
        if (format is null || format.Equals("html", StringComparison.OrdinalIgnoreCase))
            return Api.Text("text/html", report.Html).WithHeader("X-Report-Period", period.Key);
        var file = report.Attachment;
        return Api.File(file.ContentType.Split(';')[0], file.Content, $"{kind}-{period.Key}-{file.Name}").WithHeader("X-Report-Period", period.Key);
    }

    [Function("ListArchivedBusinessReports")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Reports", "The archived renderings of a report, newest period first: the period and its files in the reports container (<kind>/<period>/<file>)", Response = typeof(IReadOnlyList<ArchivedReport>))]
    public async Task<IActionResult> Archive([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/reports/{kind}/archive")] HttpRequest req, string kind, CancellationToken ct) =>
        Api.Ok(await archive.ListAsync(ManageReports.ParseKind(kind), ct));
}
