using System.Globalization;
using ClosedXML.Excel;
using CsvHelper;
using Serverless.Shop.Domain.Analytics.Sales;

namespace Serverless.Shop.Infrastructure.Analytics.Sales;

/// <summary>
/// Sales figures as files people open in a spreadsheet: CSV (CsvHelper) and XLSX (ClosedXML). Unlike the JSON API's
/// minor units, amounts here are in the currency's major unit (12.34), each row naming its currency, because that is
/// what a spreadsheet sums and formats. Tests: SalesApiTests.
/// </summary>
public static class SalesSpreadsheets
{
    public const string CsvContentType = "text/csv";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The columns, in order: the dimension's value (empty for the total) and its name now (<see cref="SalesRow.Name"/>), the period's start (UTC, ISO 8601; empty without a time grain), the currency, then the measures.</summary>
    public static readonly string[] Columns =
    [
        "key", "name", "periodStart", "currency", "gross", "discounts", "tax", "shipping", "refunds", "net", "units", "orders",
        "newCustomerOrders", "returningCustomerOrders", "averageOrderValue",
    ];

    public static string Csv(SalesAnswer answer)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true))
        {
            csv.WriteRecord([.. Columns]);
            foreach (var row in answer.Rows)
                csv.WriteRecord([.. Cells(row).Select(cell => cell switch
                {
                    null => "",
                    decimal d => d.ToString(CultureInfo.InvariantCulture),
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    _ => cell.ToString() ?? "",
                })]);
        }
        return text.ToString();
    }

    public static byte[] Xlsx(SalesAnswer answer)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("Sales");
        for (var c = 0; c < Columns.Length; c++) sheet.Cell(1, c + 1).Value = Columns[c];
        sheet.Row(1).Style.Font.Bold = true;
        for (var r = 0; r < answer.Rows.Count; r++)
        {
            var cells = Cells(answer.Rows[r]);
            for (var c = 0; c < cells.Length; c++)
            {
                var cell = sheet.Cell(r + 2, c + 1);
                switch (cells[c])
                {
                    case null: break;
                    case decimal d: cell.Value = d; break;
                    case long l: cell.Value = l; break;
                    case DateTimeOffset at:
                        cell.Value = at.UtcDateTime;
                        cell.Style.DateFormat.Format = "yyyy-mm-dd hh:mm";
                        break;
                    // Text stays text: a SKU such as 0012 or a value starting with '=' is not a number or a formula.
                    case string s: cell.SetValue(s); cell.DataType = XLDataType.Text; break;
                }
            }
        }
        sheet.SheetView.FreezeRows(1);
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static object?[] Cells(SalesRow row)
    {
        var m = row.Measures;
        decimal Major(long minor) => SalesContribution.FromMinor(minor, row.Currency);
        return
        [
            row.Key ?? "", row.Name ?? "", row.PeriodStart, row.Currency, Major(m.Gross), Major(m.Discounts), Major(m.Tax), Major(m.Shipping), Major(m.Refunds),
            Major(m.Net), m.Units, m.Orders, m.NewCustomerOrders, m.ReturningCustomerOrders,
            m.AverageOrderValue is { } aov ? Major(aov) : null,
        ];
    }
}
