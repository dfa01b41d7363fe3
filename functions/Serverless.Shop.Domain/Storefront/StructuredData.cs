using System.Globalization;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Marketing.FlashSales;

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
    /// The product with its brand (when it has one) and one Offer per variant: its SKU, GTIN or MPN, the price a shopper
    /// pays at <paramref name="at"/> (a live flash sale's, valid until the sale's last day), the currency and the page's
    /// URL. An AggregateRating only when approved reviews exist (Google rejects a rating with no reviews). Stock is not
    /// read for a page (it would be a second Cosmos DB call), so offers carry no availability.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Product(Product product, Uri url, IReadOnlyList<Uri> images, string description, DateTimeOffset at)
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
            ["offers"] = product.Variants.Select(v => Offer(product, v, url, at)).ToList(),
        };
        if (ProductBrand.Of(product) is { } brand)
            result["brand"] = new Dictionary<string, object?> { ["@type"] = "Brand", ["name"] = brand };
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

    private static Dictionary<string, object?> Offer(Product product, ProductVariant variant, Uri url, DateTimeOffset at)
    {
        var sale = FlashSaleOffers.LiveOffer(product, variant.Sku, at);
        var price = sale?.Variant.SalePrice ?? variant.EffectivePrice;
        var offer = new Dictionary<string, object?>
        {
            ["@type"] = "Offer",
            ["sku"] = variant.Sku,
            ["price"] = price.Amount.ToString("0.00", CultureInfo.InvariantCulture),
            ["priceCurrency"] = price.Currency,
            ["url"] = url.ToString(),
        };
        if (sale is { } live) offer["priceValidUntil"] = live.Sale.EndsAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (variant.Gtin is { } gtin) offer["gtin"] = gtin;
        if (variant.Mpn is { } mpn) offer["mpn"] = mpn;
        return offer;
    }
}
