using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Loyalty;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>A template failed at render time; <see cref="Field"/> is the content field it belongs to (content.html ...).</summary>
public sealed class TemplateRenderException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>What one recipient's email is rendered from: the shared products, and their own name, offer and recommendations.</summary>
public sealed record TemplateRecipient(string? FirstName, string? Email, PersonalOffer? Offer, IReadOnlyList<Product> Recommendations);

/// <summary>
/// Campaign emails with Scriban: parse (all errors at once, at save), render per recipient, tag every http(s) link
/// in the HTML with UTM parameters, and make sure both bodies carry the unsubscribe link. Values put into the HTML
/// are HTML-encoded before the template sees them, so a product name or a first name cannot inject markup.
/// Tests: CampaignTemplateTests.
/// </summary>
public static class CampaignTemplates
{
    /// <summary>The unsubscribe link's place in a rendered email: replaced per recipient by the sender (a SendGrid substitution), so a batch can share one body.</summary>
    public const string UnsubscribeTag = "%unsubscribe_url%";

    public const string UtmSource = "newsletter";
    public const string UtmMedium = "email";

    /// <summary>Parses the three templates; each error is added under its field (content.subject, content.html, content.text, after <paramref name="prefix"/>).</summary>
    public static void CheckSyntax(CampaignContent content, Validator v, string prefix = "")
    {
        foreach (var (field, text) in Fields(content))
        {
            var template = Template.Parse(text);
            if (template.HasErrors) v.Add(prefix.Length == 0 ? field : $"{prefix}.{field}", "does not parse: " + string.Join(" ", template.Messages.Select(m => m.ToString())));
        }
    }

    /// <summary>Renders the email for one recipient, links tagged, the unsubscribe link as <see cref="UnsubscribeTag"/>.</summary>
    /// <exception cref="TemplateRenderException">A template does not parse or fails to render (an unknown variable, a bad function call ...).</exception>
    public static RenderedEmail Render(Campaign campaign, IReadOnlyList<Product> products, TemplateRecipient recipient, Uri linkBase)
    {
        var links = new LinkBuilder(linkBase, campaign.Id);
        var subject = RenderOne("content.subject", campaign.Content.Subject, Model(campaign, products, recipient, links, html: false));
        var html = RenderOne("content.html", campaign.Content.Html, Model(campaign, products, recipient, links, html: true));
        var text = RenderOne("content.text", campaign.Content.Text, Model(campaign, products, recipient, links, html: false));

        if (!html.Contains(UnsubscribeTag, StringComparison.Ordinal))
            html += $"\n<p style=\"font-size:12px;color:#666\">You receive this email because you subscribed. <a href=\"{UnsubscribeTag}\">Unsubscribe</a></p>\n";
        if (!text.Contains(UnsubscribeTag, StringComparison.Ordinal))
            text += $"\n\n--\nUnsubscribe: {UnsubscribeTag}\n";
        // A subject is one line: a line break there would start a new header.
        return new RenderedEmail(subject.ReplaceLineEndings(" ").Trim(), TagLinks(html, campaign.Id), text);
    }

    /// <summary>Adds utm_source, utm_medium and utm_campaign to every absolute http(s) link of the HTML that lacks them.</summary>
    public static string TagLinks(string html, string campaignId)
    {
        var document = new HtmlParser().ParseDocument(html);
        var changed = false;
        foreach (var anchor in document.QuerySelectorAll("a[href], area[href]"))
        {
            var href = anchor.GetAttribute("href")!.Trim();
            if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) continue;
            anchor.SetAttribute("href", WithUtm(uri, campaignId).AbsoluteUri);
            changed = true;
        }
        if (!changed) return html;
        return document.Doctype is null ? document.DocumentElement.OuterHtml : "<!DOCTYPE html>\n" + document.DocumentElement.OuterHtml;
    }

    /// <summary>The link with the campaign's UTM parameters added (those it already has are kept as they are).</summary>
    public static Uri WithUtm(Uri uri, string campaignId)
    {
        var query = uri.Query.TrimStart('?');
        var present = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=')[0])).ToHashSet(StringComparer.Ordinal);
        var added = new[] { ("utm_source", UtmSource), ("utm_medium", UtmMedium), ("utm_campaign", campaignId) }
            .Where(p => !present.Contains(p.Item1))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}");
        var builder = new UriBuilder(uri) { Query = string.Join('&', new[] { query }.Where(q => q.Length > 0).Concat(added)) };
        return builder.Uri;
    }

    private static IEnumerable<(string Field, string Text)> Fields(CampaignContent content) =>
        [("content.subject", content.Subject), ("content.html", content.Html), ("content.text", content.Text)];

    private static string RenderOne(string field, string text, ScriptObject model)
    {
        var template = Template.Parse(text);
        if (template.HasErrors) throw new TemplateRenderException(field, "does not parse: " + string.Join(" ", template.Messages.Select(m => m.ToString())));
        var context = new TemplateContext
        {
            // An unknown variable is an error (found at save, where every template is rendered for sample recipients), not an empty string in a sent email.
            StrictVariables = true,
            LoopLimit = 1000,
            RecursiveLimit = 20,
            LimitToString = 100_000,
        };
        context.PushGlobal(model);
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateRenderException(field, "does not render: " + e.OriginalMessage);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
        {
            throw new TemplateRenderException(field, "does not render: " + e.Message);
        }
    }

    private static ScriptObject Model(Campaign campaign, IReadOnlyList<Product> products, TemplateRecipient recipient, LinkBuilder links, bool html)
    {
        string? Value(string? text) => text is null ? null : html ? WebUtility.HtmlEncode(text) : text;
        var model = new ScriptObject
        {
            ["campaign"] = new ScriptObject { ["id"] = Value(campaign.Id), ["name"] = Value(campaign.Name) },
            ["recipient"] = new ScriptObject { ["first_name"] = Value(recipient.FirstName), ["email"] = Value(recipient.Email) },
            ["products"] = Products(products, links, Value),
            ["recommendations"] = Products(recipient.Recommendations, links, Value),
            ["offer"] = recipient.Offer is { } offer
                ? new ScriptObject
                {
                    ["code"] = Value(offer.Code),
                    ["percent"] = offer.Percent,
                    ["valid_until"] = offer.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["category_ids"] = new ScriptArray(offer.CategoryIds.Select(Value)),
                }
                : null,
            ["shop_url"] = Value(links.Shop().AbsoluteUri),
            ["unsubscribe_url"] = UnsubscribeTag,
        };
        return model;
    }

    private static ScriptArray Products(IReadOnlyList<Product> products, LinkBuilder links, Func<string?, string?> value) =>
        new(products.Select(p =>
        {
            var variant = p.Variants.FirstOrDefault();
            var image = p.Images.FirstOrDefault(i => i.Status == ImageStatus.Ready);
            return new ScriptObject
            {
                ["id"] = value(p.Id),
                ["name"] = value(p.Name),
                ["url"] = value(links.Product(p).AbsoluteUri),
                ["price"] = value(variant?.Price.ToString()),
                ["sale_price"] = value(variant?.SalePrice?.ToString()),
                ["image_url"] = value(image?.Renditions.FirstOrDefault(r => r.Name == "medium")?.Url ?? image?.OriginalUrl),
                ["image_alt"] = value(image?.AltText ?? p.Name),
            };
        }));

    private sealed class LinkBuilder(Uri linkBase, string campaignId)
    {
        private readonly Uri _base = linkBase.AbsoluteUri.EndsWith('/') ? linkBase : new Uri(linkBase.AbsoluteUri + "/");

        public Uri Shop() => WithUtm(_base, campaignId);

        // The storefront's product page (docs/marketing.md#campaigns): <base>/products/<slug>.
        public Uri Product(Product product) => WithUtm(new Uri(_base, "products/" + Uri.EscapeDataString(product.Slug)), campaignId);
    }
}
