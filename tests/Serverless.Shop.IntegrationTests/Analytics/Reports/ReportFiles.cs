using System.Text;
using ClosedXML.Excel;
using CsvHelper;

namespace Serverless.Shop.IntegrationTests.Analytics.Reports;

/// <summary>Reads a report's attachment back as a spreadsheet reader would: the CSV's rows, the XLSX's sheets.</summary>
public static class ReportFiles
{
    public static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The CSV's rows (table, row, column, value), after checking its header.</summary>
    public static List<(string Table, int Row, string Column, string Value)> Csv(byte[] bytes)
    {
        using var reader = CsvReader.Create(new StringReader(Encoding.UTF8.GetString(bytes)), new CsvReaderOptions { HasHeader = true }, false);
        reader.ReadHeader();
        reader.Headers.ToList().ShouldBe(["table", "row", "column", "value"]);
        var rows = new List<(string, int, string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0)!, int.Parse(reader.GetString(1)!, System.Globalization.CultureInfo.InvariantCulture), reader.GetString(2)!, reader.GetString(3) ?? ""));
        return rows;
    }

    /// <summary>Each sheet's header row and data rows (cells as text).</summary>
    public static Dictionary<string, (List<string> Header, List<List<string>> Rows)> Xlsx(byte[] bytes)
    {
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        return workbook.Worksheets.ToDictionary(s => s.Name, s =>
        {
            var used = s.RangeUsed();
            var rows = used?.RowsUsed().Select(r => r.Cells(1, used.ColumnCount()).Select(c => c.GetFormattedString()).ToList()).ToList() ?? [];
            return (rows.FirstOrDefault() ?? [], rows.Skip(1).ToList());
        });
    }
}
