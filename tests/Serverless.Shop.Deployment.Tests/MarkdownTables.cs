using System.Text.RegularExpressions;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>A pipe table in a Markdown document: its header cells and rows, and the heading it sits under.</summary>
internal sealed partial record MarkdownTable(string Heading, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Every table of a repository document, in order.</summary>
    public static IReadOnlyList<MarkdownTable> In(string relativePath)
    {
        var tables = new List<MarkdownTable>();
        var heading = "";
        var block = new List<string>();

        void Flush()
        {
            // A table is a header line, a |---| line and its rows.
            if (block.Count >= 2 && block[1].Replace("|", "").Replace("-", "").Replace(":", "").Trim().Length == 0)
                tables.Add(new MarkdownTable(heading, Cells(block[0]), block.Skip(2).Select(Cells).ToList()));
            block.Clear();
        }

        foreach (var line in File.ReadAllLines(Repository.PathOf(relativePath)))
        {
            if (line.StartsWith('|'))
            {
                block.Add(line);
                continue;
            }
            Flush();
            if (line.StartsWith('#')) heading = line.TrimStart('#').Trim();
        }
        Flush();
        return tables;
    }

    /// <summary>The single table under <paramref name="heading"/> whose first header cell is <paramref name="firstColumn"/>.</summary>
    public static MarkdownTable Find(string relativePath, string heading, string firstColumn) =>
        In(relativePath).SingleOrDefault(t => t.Heading == heading && t.Header[0] == firstColumn)
        ?? throw new InvalidOperationException($"{relativePath} has no table '{firstColumn} | ...' under the heading '{heading}'.");

    /// <summary>The backticked words of a cell: `products`, `Payments:Stripe:SecretKey`.</summary>
    public static IReadOnlyList<string> CodeSpans(string cell) => CodeSpan().Matches(cell).Select(m => m.Groups[1].Value).ToList();

    /// <summary>
    /// The setting names in a cell, with the shorthand the docs use expanded: "`Email:From` / `:Merchandisers`" and
    /// "`Payments:BankTransfer:Iban` / `:Bic`" name two settings each.
    /// </summary>
    public static IReadOnlyList<string> SettingNames(string cell)
    {
        var names = new List<string>();
        foreach (var span in CodeSpans(cell))
        {
            if (span.StartsWith(':') && names.Count > 0)
                names.Add(names[^1][..names[^1].LastIndexOf(':')] + span);
            else
                names.Add(span);
        }
        return names;
    }

    private static List<string> Cells(string line) =>
        line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
