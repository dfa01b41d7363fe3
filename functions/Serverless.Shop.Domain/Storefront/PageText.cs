using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Storefront;

/// <summary>Text the pages derive from the catalog: descriptions without markup, titles with the shop's name, prices.</summary>
public static partial class PageText
{
    /// <summary>The words of sanitised HTML, without tags and with entities decoded, on one line.</summary>
    public static string PlainText(string html) =>
        Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    /// <summary>At most <paramref name="maximum"/> characters, cut at a word with an ellipsis when it is longer.</summary>
    public static string Shorten(string text, int maximum)
    {
        if (text.Length <= maximum) return text;
        var cut = text[..(maximum - 1)];
        var space = cut.LastIndexOf(' ');
        return (space > maximum / 2 ? cut[..space] : cut).TrimEnd(',', '.', ';', ':', ' ') + "…";
    }

    /// <summary>The title the merchant set for search engines, else the name with the shop's after it.</summary>
    public static string Title(SeoFields seo, string name, StorefrontSettings site) =>
        seo.Title ?? Shorten($"{name} | {site.ShopName}", SeoRules.MaximumTitleLength);

    /// <summary>The meta description the merchant set, else the start of the description, else a sentence from the name.</summary>
    public static string Description(SeoFields seo, string? descriptionText, string fallback) =>
        seo.MetaDescription ?? (string.IsNullOrWhiteSpace(descriptionText) ? fallback : Shorten(descriptionText, SeoRules.MaximumMetaDescriptionLength));

    public static string Price(Money money) => string.Create(CultureInfo.InvariantCulture, $"{money.Amount:0.00} {money.Currency}");

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
