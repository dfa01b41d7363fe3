using System.Globalization;
using CsvHelper;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <summary>
/// Reads a tax rate file (RFC 4180 CSV, UTF-8, comma-separated): a header naming the columns <c>country</c> and
/// <c>percent</c> (required) and <c>region</c>, <c>taxClass</c> (optional), in any order and any case, then one line per
/// rate. Only the file's shape is checked here (header, cells per line, quoting); the values are checked by
/// <see cref="ManageTaxRates.ImportAsync"/>. Every shape error is reported at once, keyed <c>rows[LINE]</c> by line.
/// </summary>
public static class TaxRateCsv
{
    public static readonly IReadOnlyList<string> Columns = ["country", "region", "taxClass", "percent"];
    private static readonly string[] Required = ["country", "percent"];

    public static IReadOnlyList<TaxRateImportRow> Read(TextReader text)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            // A stray quote is an error to report, not something to guess around; a short or long line is reported too.
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            IncludeValuesInExceptions = false,
        };
        using var csv = CsvReader.Create(text, options, false);
        var v = new Validator();
        var rows = new List<TaxRateImportRow>();
        try
        {
            csv.ReadHeader();
            var header = csv.Headers.ToList();
            if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
            {
                v.Add("file", "is empty: send a header line (country,region,taxClass,percent) and one line per rate.");
                v.ThrowIfInvalid();
            }
            var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Count; i++)
            {
                var name = Columns.FirstOrDefault(c => string.Equals(c, header[i].Trim(), StringComparison.OrdinalIgnoreCase));
                if (name is null) v.Add("rows[1]", $"has a column '{header[i]}' this file does not take; the columns are {string.Join(", ", Columns)}.");
                else if (!index.TryAdd(name, i)) v.Add("rows[1]", $"names the column {name} twice.");
            }
            foreach (var name in Required.Where(r => !index.ContainsKey(r)))
                v.Add("rows[1]", $"has no {name} column; the columns are {string.Join(", ", Columns)} ({string.Join(" and ", Required)} required).");
            v.ThrowIfInvalid();

            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                if (csv.FieldCount != header.Count)
                {
                    v.Add($"rows[{line}]", $"has {csv.FieldCount} cells; the header has {header.Count}.");
                    continue;
                }
                string? Cell(string column) => index.TryGetValue(column, out var at) && csv.GetString(at) is { Length: > 0 } value ? value : null;
                rows.Add(new TaxRateImportRow(line, Cell("country"), Cell("region"), Cell("taxClass"), Cell("percent")));
                if (rows.Count > TaxRateRules.MaximumImportRows)
                {
                    v.Add("file", $"has more than {TaxRateRules.MaximumImportRows} rows; send at most {TaxRateRules.MaximumImportRows} at a time.");
                    break;
                }
            }
        }
        catch (CsvFormatException e)
        {
            v.Add($"rows[{e.LineNumber}]", "is not valid CSV: check its quotes (a quoted cell starts and ends with \" and doubles any \" inside).");
        }
        v.ThrowIfInvalid();
        return rows;
    }
}
