using System.Globalization;
using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.Storefront;

/// <summary>
/// The schema.org JSON-LD of the pages (Product with its Offers and AggregateRating, BreadcrumbList, Organization),
/// as the trees Google's structured-data guidelines describe. Built here so the rules are tested without a page.
/// </summary>
public static class StructuredData
{
    private const string Context = "https://schema.org";

    public static IReadOnlyDictionary<string, object?> Organization(StorefrontSettings site) => new Dictionary<string, object?>
    {
        ["@context"] = Context,
        ["@type"] = "Organization",
        ["name"] = site.ShopName,
        ["url"] = site.UrlOf(StorefrontPaths.Home).ToString(),
    };

    public static IReadOnlyDictionary<string, object?> Breadcrumbs(IReadOnlyList<PageLink> trail) => new Dictionary<string, object?>
    {
        ["@context"] = Context,
        ["@type"] = "BreadcrumbList",
        ["itemListElement"] = trail.Select((link, i) => new Dictionary<string, object?>
        {
            ["@type"] = "ListItem",
            ["position"] = i + 1,
            ["name"] = link.Label,
            ["item"] = link.Url.ToString(),
        }).ToList(),
    };

    /// <summary>
    /// The product with one Offer per variant (its SKU, the price a shopper pays, the currency and the page's URL), and an
    /// AggregateRating only when approved reviews exist (Google rejects a rating with no reviews). Stock is not read for
    /// a page (it would be a second Cosmos DB call), so offers carry no availability.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Product(Product product, Uri url, IReadOnlyList<Uri> images, string description)
    {
        var result = new Dictionary<string, object?>
        {
            ["@context"] = Context,
            ["@type"] = "Product",
            ["name"] = product.Name,
            ["description"] = description,
            ["sku"] = product.Variants[0].Sku,
            ["url"] = url.ToString(),
            ["image"] = images.Select(i => i.ToString()).ToList(),
            ["offers"] = product.Variants.Select(v => new Dictionary<string, object?>
            {
                ["@type"] = "Offer",
                ["sku"] = v.Sku,
                ["price"] = v.EffectivePrice.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                ["priceCurrency"] = v.EffectivePrice.Currency,
                ["url"] = url.ToString(),
            }).ToList(),
        };
        if (product.Rating is { Count: > 0 } rating)
            result["aggregateRating"] = new Dictionary<string, object?>
            {
                ["@type"] = "AggregateRating",
                ["ratingValue"] = rating.Average.ToString("0.##", CultureInfo.InvariantCulture),
                ["reviewCount"] = rating.Count,
                ["bestRating"] = Reviews.ReviewRules.MaximumRating,
                ["worstRating"] = Reviews.ReviewRules.MinimumRating,
            };
        return result;
    }
}
