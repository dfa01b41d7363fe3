using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.Storefront;

/// <summary>
/// What goes in a page's head: the title, the meta description, the canonical URL, what Open Graph and Twitter cards
/// show, and the JSON-LD objects (each a tree of dictionaries and lists, written as one script element each).
/// </summary>
public sealed record PageHead(
    string Title, string Description, Uri Canonical, string OpenGraphType, Uri? ImageUrl, string? ImageAlt,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> StructuredData);

public sealed record PageLink(string Label, Uri Url);

/// <summary>A product as a listing shows it.</summary>
public sealed record ProductCard(string Name, Uri Url, string Price, Uri? ImageUrl, string? ImageAlt);

/// <summary>A page of the storefront: its head, the site's navigation, the breadcrumb trail and the page's own content.</summary>
public abstract record StorefrontPage(PageHead Head, IReadOnlyList<PageLink> Navigation, IReadOnlyList<PageLink> Breadcrumbs, StorefrontSettings Site);

public sealed record HomePage(PageHead Head, IReadOnlyList<PageLink> Navigation, StorefrontSettings Site, IReadOnlyList<PageLink> Collections, IReadOnlyList<ProductCard> Products)
    : StorefrontPage(Head, Navigation, [], Site);

/// <summary>A category or a collection: its heading, its description and the first page of its active products.</summary>
public sealed record ListingPage(PageHead Head, IReadOnlyList<PageLink> Navigation, IReadOnlyList<PageLink> Breadcrumbs, StorefrontSettings Site,
    string Heading, string? Introduction, IReadOnlyList<ProductCard> Products) : StorefrontPage(Head, Navigation, Breadcrumbs, Site);

/// <summary>A product: its name, description (sanitised HTML), images and variants, with what the buy box's script needs.</summary>
public sealed record ProductPage(PageHead Head, IReadOnlyList<PageLink> Navigation, IReadOnlyList<PageLink> Breadcrumbs, StorefrontSettings Site,
    Product Product, string DescriptionHtml, IReadOnlyList<VariantChoice> Variants, IReadOnlyList<PageImage> Images, string? RatingSummary)
    : StorefrontPage(Head, Navigation, Breadcrumbs, Site);

/// <summary>An option of the buy box: the price a shopper pays now, the price it is down from, and the live flash sale that sets it.</summary>
public sealed record VariantChoice(string Sku, string Label, string Price, string? ListPrice, PageFlashSale? FlashSale = null);

/// <summary>A live flash sale as a page shows it: its name, when it ends, and the units left by the product's copy.</summary>
public sealed record PageFlashSale(string Name, DateTimeOffset EndsAt, int UnitsLeft)
{
    /// <summary>The end as the page prints it (UTC: the page is cached for every shopper, whatever their time zone).</summary>
    public string EndsAtText => EndsAt.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    public string EndsAtIso => EndsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record PageImage(Uri Url, string Alt);

/// <summary>The cart and checkout page: static, its script reads the cart through the API (the cart is the shopper's, never cached).</summary>
public sealed record CartPage(PageHead Head, IReadOnlyList<PageLink> Navigation, StorefrontSettings Site) : StorefrontPage(Head, Navigation, [], Site);

/// <summary>What reading a page gives: the page (with when its content last changed), or a permanent redirect to where it moved.</summary>
public abstract record PageOutcome;

/// <summary>
/// A page, and the instant its content changes without any write to the catalog (a flash sale on it starts or ends),
/// when there is one: a cache must not keep it past then.
/// </summary>
public sealed record RenderedPage(StorefrontPage Page, DateTimeOffset? FreshUntil = null) : PageOutcome;

/// <summary>An old slug: 301 to <see cref="Location"/>, the page's current public URL.</summary>
public sealed record MovedPermanently(Uri Location) : PageOutcome;
