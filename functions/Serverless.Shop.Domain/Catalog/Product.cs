using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

public enum ProductStatus { Draft, Active, Archived }

/// <summary>A product as the shop stores and serves it. Shoppers see it only while it is <see cref="ProductStatus.Active"/>.</summary>
public sealed record Product
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Slug { get; init; }

    /// <summary>Slugs the product had before, newest last: their URLs answer 301 to the current one (the storefront pages).</summary>
    public IReadOnlyList<string> FormerSlugs { get; init; } = [];

    public required ProductStatus Status { get; init; }
    public required RichText Description { get; init; }
    public required IReadOnlyList<ProductAttribute> Attributes { get; init; }
    public required IReadOnlyList<ProductVariant> Variants { get; init; }
    public required SeoFields Seo { get; init; }
    public required IReadOnlyList<string> CategoryIds { get; init; }

    /// <summary>The categories and all their ancestors, so listing a parent category also lists its children's products.</summary>
    public required IReadOnlyList<string> CategoryPath { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Hand-picked collections this product belongs to. Rule-based collections are computed when listed.</summary>
    public required IReadOnlyList<string> CollectionIds { get; init; }

    public required IReadOnlyList<ProductImage> Images { get; init; }

    /// <summary>
    /// Which tax rate applies to the product (a key of the tax rate table, e.g. "standard", "reduced", "books").
    /// Products stored before tax classes existed read as <see cref="ProductRules.StandardTaxClass"/>.
    /// </summary>
    public string TaxClass { get; init; } = ProductRules.StandardTaxClass;

    /// <summary>What a unit weighs and measures packed, for every variant without its own; null: not given (shipping counts a default parcel).</summary>
    public Measurements? Measurements { get; init; }

    /// <summary>Lowest and highest price a shopper pays (sale price where there is one), for filtering and sorting.</summary>
    public required PriceRange PriceRange { get; init; }

    /// <summary>"name:value" pairs of every attribute and variant option, lower-case, for filtering by attribute.</summary>
    public required IReadOnlyList<string> Facets { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Average, count and count per star of the approved reviews (null until the first approval), kept on the product by
    /// <see cref="Reviews.ProductRatings"/> so a product read carries its rating in the same Cosmos DB call.
    /// </summary>
    public Reviews.ProductRating? Rating { get; init; }

    /// <summary>
    /// The flash sales of this product's variants not yet ended (null: none), copied here by
    /// <see cref="Marketing.FlashSales.FlashSaleProjection"/> so a product read shows a sale in the same Cosmos DB call.
    /// Shoppers see only the sales live at the time of the read (<see cref="Marketing.FlashSales.FlashSaleOffers"/>).
    /// </summary>
    public IReadOnlyList<Marketing.FlashSales.ProductFlashSale>? FlashSales { get; init; }

    public bool IsVisibleToShoppers => Status == ProductStatus.Active;
}

public sealed record PriceRange(decimal Min, decimal Max, string Currency);

public sealed record ProductVariant(string Sku, string? Name, IReadOnlyDictionary<string, string> Options, Money Price, Money? SalePrice)
{
    /// <summary>What a shopper pays before promotions.</summary>
    public Money EffectivePrice => SalePrice ?? Price;

    /// <summary>This variant's own measurements, when it differs from the product's (a larger size, a heavier pack).</summary>
    public Measurements? Measurements { get; init; }

    /// <summary>The manufacturer's Global Trade Item Number (EAN, UPC, ISBN: 8, 12, 13 or 14 digits), for the ads feeds.</summary>
    public string? Gtin { get; init; }

    /// <summary>The manufacturer's part number, for the ads feeds when the variant has no GTIN.</summary>
    public string? Mpn { get; init; }
}

public enum AttributeType { Text, Number, Boolean, Colour, Size }

/// <summary>A product's brand is its attribute named "brand" (any case): the ads feeds require it, and the product page's JSON-LD shows it.</summary>
public static class ProductBrand
{
    public const string AttributeName = "brand";

    public static string? Of(Product product) =>
        product.Attributes.FirstOrDefault(a => a.Name.Equals(AttributeName, StringComparison.OrdinalIgnoreCase))?.Value.Trim() is { Length: > 0 } brand ? brand : null;
}

/// <summary>A typed fact about a product. <see cref="Value"/> is kept as text and checked against <see cref="Type"/>.</summary>
public sealed record ProductAttribute(string Name, AttributeType Type, string Value, string? Unit);

/// <summary>
/// What search engines see of a product, category or collection: the page title, the meta description and the focus
/// keywords the page is meant to rank for (checked by the SEO audit, <see cref="Storefront.SeoAudit"/>).
/// </summary>
public sealed record SeoFields(string? Title, string? MetaDescription)
{
    /// <summary>Lower-case phrases, at most <see cref="SeoRules.MaximumFocusKeywords"/>; empty when none are set.</summary>
    public IReadOnlyList<string> FocusKeywords { get; init; } = [];
}

public enum ImageStatus { Processing, Ready, Failed }

/// <summary>An image of a product. Renditions are filled in by the image-processing queue function.</summary>
public sealed record ProductImage(
    string Id, string ContentType, string? AltText, ImageStatus Status, string? OriginalUrl,
    IReadOnlyList<ImageRendition> Renditions, string? FailureReason = null);

public sealed record ImageRendition(string Name, int Width, int Height, string ContentType, string Url);
