using Ganss.Xss;
using Markdig;

namespace Serverless.Shop.Domain.Catalog;

public enum RichTextFormat { Text, Markdown, Html }

/// <summary>
/// A description as the merchant wrote it and the safe HTML a storefront may render as is. The HTML is always
/// produced here, on the server, so no script or event handler a merchant (or an attacker with a stolen token) types
/// reaches a shopper's browser.
/// </summary>
public sealed record RichText(RichTextFormat Format, string Source, string Html)
{
    public const int MaximumLength = 50_000;

    public static readonly RichText Empty = new(RichTextFormat.Text, "", "");

    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    // HtmlSanitizer's defaults allow only harmless tags, attributes, URL schemes and CSS; one instance is thread-safe.
    private static readonly HtmlSanitizer Sanitizer = new();

    public static RichText From(RichTextFormat format, string source) => new(format, source, format switch
    {
        RichTextFormat.Markdown => Sanitizer.Sanitize(Markdig.Markdown.ToHtml(source, Markdown)),
        RichTextFormat.Html => Sanitizer.Sanitize(source),
        _ => System.Net.WebUtility.HtmlEncode(source).ReplaceLineEndings("<br>"),
    });
}
