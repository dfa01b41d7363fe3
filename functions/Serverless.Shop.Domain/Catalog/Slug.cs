using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>URL slugs: lower-case ASCII words joined by hyphens, unique per kind of resource.</summary>
public static partial class Slug
{
    public const int MaximumLength = 100;

    public static bool IsValid(string? slug) => slug is { Length: > 0 and <= MaximumLength } && Pattern().IsMatch(slug);

    /// <summary>Makes a slug from a name: "Crème Brûlée Mug!" becomes "creme-brulee-mug".</summary>
    public static string FromName(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }
        var slug = Hyphens().Replace(builder.ToString(), "-").Trim('-');
        if (slug.Length > MaximumLength) slug = slug[..MaximumLength].TrimEnd('-');
        return slug;
    }

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex Pattern();

    [GeneratedRegex("-{2,}")]
    private static partial Regex Hyphens();
}
