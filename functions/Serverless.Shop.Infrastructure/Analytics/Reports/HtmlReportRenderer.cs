using System.Globalization;
using System.Net;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using Serverless.Shop.Domain.Analytics.Reports;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>
/// Renders a business report as people read it: an HTML email with inline styles (mail clients drop style sheets),
/// the charts referenced by <c>cid:</c> (they travel inline in the email and beside the HTML in the archive), a plain
/// text alternative, and the tables as a CSV (CsvHelper: one long table with a <c>table</c> column, so it opens in any
/// spreadsheet) or an XLSX (ClosedXML: one sheet per table). Tests: ReportRendererTests.
/// </summary>
public sealed class HtmlReportRenderer : IReportRenderer
{
    public RenderedReport Render(BusinessReport report, ReportFormat format)
    {
        var tables = ReportTables.Of(report);
        var charts = ReportCharts.Of(report);
        var attachment = format == ReportFormat.Xlsx
            ? new ReportFile("report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Xlsx(tables))
            : new ReportFile("report.csv", "text/csv; charset=utf-8", Csv(tables));
        return new RenderedReport(report.Title, Html(report, tables), Text(report, tables), charts, attachment);
    }

    private static string Html(BusinessReport report, IReadOnlyList<ReportTable> tables)
    {
        var html = new StringBuilder();
        string E(string text) => WebUtility.HtmlEncode(text);
        const string cell = "padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;font-size:13px;";
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(E(report.Title)).Append("</title></head>")
            .Append("<body style=\"font-family:Arial,Helvetica,sans-serif;color:#222;max-width:720px;margin:0 auto;\">")
            .Append("<h1 style=\"font-size:20px;\">").Append(E(report.Title)).Append("</h1>")
            .Append("<p style=\"font-size:13px;color:#555;\">").Append(E(Describe(report.Period))).Append(" Compared with ").Append(E(Describe(report.PreviousPeriod)))
            .Append(" Amounts in each currency's major unit; currencies are never added together.</p>");

        void Chart(string name, string alt) =>
            html.Append("<p><img src=\"cid:").Append(name).Append("\" alt=\"").Append(E(alt)).Append("\" width=\"640\" height=\"320\" style=\"display:block;max-width:100%;\"></p>");

        foreach (var table in tables)
        {
            if (table.Name == "top-products") Chart(ReportCharts.TopProducts, "Top products by net sales");
            if (table.Name == "funnel") Chart(ReportCharts.Funnel, "Funnel");
            if (table.Name == "net-by-day") Chart(ReportCharts.RevenueByDay, "Net sales by day, previous period dashed");
            html.Append("<h2 style=\"font-size:16px;margin-top:24px;\">").Append(E(table.Title)).Append("</h2>");
            if (table.Rows.Count == 0) { html.Append("<p style=\"font-size:13px;color:#555;\">Nothing in this period.</p>"); continue; }
            html.Append("<table style=\"border-collapse:collapse;width:100%;\"><tr>");
            foreach (var column in table.Columns) html.Append("<th style=\"").Append(cell).Append("background:#f3f3f3;\">").Append(E(column)).Append("</th>");
            html.Append("</tr>");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>");
                foreach (var value in row) html.Append("<td style=\"").Append(cell).Append("\">").Append(E(value)).Append("</td>");
                html.Append("</tr>");
            }
            html.Append("</table>");
        }
        html.Append("<p style=\"font-size:12px;color:#777;margin-top:24px;\">Generated ").Append(report.GeneratedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(". The attachment holds every table.</p></body></html>");
        return html.ToString();
    }

    private static string Text(BusinessReport report, IReadOnlyList<ReportTable> tables)
    {
        var text = new StringBuilder().Append(report.Title).Append("\n\n").Append(Describe(report.Period)).Append('\n');
        foreach (var table in tables)
        {
            text.Append('\n').Append(table.Title).Append('\n').Append(string.Join(" | ", table.Columns)).Append('\n');
            foreach (var row in table.Rows) text.Append(string.Join(" | ", row)).Append('\n');
        }
        return text.ToString();
    }

    private static string Describe(ReportPeriod p) =>
        $"{p.FirstDay:yyyy-MM-dd} to {p.EndDay.AddDays(-1):yyyy-MM-dd} ({p.TimeZone}; {p.From:yyyy-MM-dd'T'HH:mm'Z'} to {p.To:yyyy-MM-dd'T'HH:mm'Z'}).";

    private static byte[] Csv(IReadOnlyList<ReportTable> tables)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\r\n" }, leaveOpen: false))
        {
            // One long table: table, row, column, value. Every table has other columns, so a wide layout would not fit one header.
            csv.WriteRecord(["table", "row", "column", "value"]);
            foreach (var table in tables)
                for (var r = 0; r < table.Rows.Count; r++)
                    for (var c = 0; c < table.Columns.Count; c++)
                        csv.WriteRecord([table.Name, (r + 1).ToString(CultureInfo.InvariantCulture), table.Columns[c], table.Rows[r][c]]);
        }
        return stream.ToArray();
    }

    private static byte[] Xlsx(IReadOnlyList<ReportTable> tables)
    {
        using var workbook = new XLWorkbook();
        foreach (var table in tables)
        {
            var sheet = workbook.Worksheets.Add(table.Name.Length > 31 ? table.Name[..31] : table.Name);
            for (var c = 0; c < table.Columns.Count; c++) sheet.Cell(1, c + 1).Value = table.Columns[c];
            for (var r = 0; r < table.Rows.Count; r++)
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    var value = table.Rows[r][c];
                    var target = sheet.Cell(r + 2, c + 1);
                    // Numbers as numbers (exact decimals), so a spreadsheet can sum them; keys and days stay text.
                    if (c > 0 && decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                        target.Value = number;
                    else
                        target.SetValue(value);
                }
        }
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }
}
