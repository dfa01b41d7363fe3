using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>
/// The SEO fields products, categories and collections share, and the slugs they used to have. The limits are the
/// lengths search engines show before they cut a title or a snippet short.
/// </summary>
public static class SeoRules
{
    public const int MaximumTitleLength = 70;
    public const int MaximumMetaDescriptionLength = 160;
    public const int MaximumFocusKeywords = 10;
    public const int MaximumFocusKeywordLength = 60;

    /// <summary>How many former slugs are kept (and redirected); an older one is released for others to take.</summary>
    public const int MaximumFormerSlugs = 20;

    /// <summary>Checks the fields sent (under <paramref name="field"/>) and normalises the keywords (trimmed, lower-case, once each).</summary>
    public static SeoFields Build(SeoFields? input, string field, Validator v)
    {
        if (input is null) return new SeoFields(null, null);
        v.MaxLength(input.Title, MaximumTitleLength, field + ".title");
        v.MaxLength(input.MetaDescription, MaximumMetaDescriptionLength, field + ".metaDescription");
        var sent = input.FocusKeywords ?? [];
        v.Check(sent.Count <= MaximumFocusKeywords, field + ".focusKeywords", $"must have at most {MaximumFocusKeywords} keywords.");
        for (var i = 0; i < sent.Count; i++)
            v.Check(sent[i] is not null && sent[i].Trim().Length is > 0 and <= MaximumFocusKeywordLength,
                $"{field}.focusKeywords[{i}]", $"must be 1 to {MaximumFocusKeywordLength} characters.");
        var keywords = sent.Where(k => k is not null).Select(NormaliseKeyword).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return new SeoFields(Blank(input.Title), Blank(input.MetaDescription)) { FocusKeywords = keywords };
    }

    public static string NormaliseKeyword(string keyword) => string.Join(' ', keyword.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>
    /// The former slugs once a resource moves from <paramref name="previousSlug"/> to <paramref name="newSlug"/>: the
    /// previous one joins the list (newest last), the new one leaves it (moving back to an old slug is allowed), and
    /// only the newest <see cref="MaximumFormerSlugs"/> are kept.
    /// </summary>
    public static IReadOnlyList<string> FormerSlugsAfter(string? previousSlug, IReadOnlyList<string>? former, string newSlug)
    {
        var list = (former ?? []).Where(s => s != newSlug && s != previousSlug).ToList();
        if (previousSlug is not null && previousSlug != newSlug) list.Add(previousSlug);
        // None is the shared empty list, as a resource that never moved has: records with no former slugs compare equal.
        if (list.Count == 0) return [];
        return list.Count > MaximumFormerSlugs ? list[^MaximumFormerSlugs..] : list;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
