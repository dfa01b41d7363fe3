using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;

namespace Serverless.Shop.Domain.Storefront;

/// <summary>
/// Builds the storefront's pages from the catalog's existing reads. A product page is one Cosmos DB call (the product
/// by slug; categories come from the taxonomy's short cache), listings one query more. Drafts and archived products are
/// not found; an old slug of a product, category or collection moves permanently to the current one. Prices are what a
/// shopper pays at the time of the read, a live flash sale's included, and a page says when a sale on it starts or ends.
/// </summary>
public sealed class ReadStorefrontPages(IProductStore products, ITaxonomyStore taxonomy, StorefrontSite storefront, TimeProvider clock)
{
    private StorefrontSettings Site => storefront.Settings;

    public const int ProductsPerListing = 24;

    public async Task<PageOutcome> ProductAsync(string slug, CancellationToken ct)
    {
        var found = Slug.IsValid(slug) ? await products.FindBySlugAsync(slug, ct) : null;
        if (found?.Value is not { IsVisibleToShoppers: true } product) throw new ResourceNotFoundException("Product", slug);
        if (product.Slug != slug) return new MovedPermanently(Site.UrlOf(StorefrontPaths.Product(product.Slug)));

        var categories = await taxonomy.GetCategoriesAsync(ct);
        var url = Site.UrlOf(StorefrontPaths.Product(product.Slug));
        var trail = new List<PageLink> { Home() };
        if (product.CategoryIds.FirstOrDefault() is { } categoryId && categories.TryGetValue(categoryId, out var category))
            trail.AddRange(category.Path.Where(categories.ContainsKey).Select(id => CategoryLink(categories[id])));
        trail.Add(new PageLink(product.Name, url));

        // The large rendition of each ready image (else any rendition, else the original); one without a usable URL is left out.
        var images = product.Images.Where(i => i.Status == ImageStatus.Ready)
            .Select(i => (Image: i, Url: AbsoluteUrl((i.Renditions.FirstOrDefault(r => r.Name == "large") ?? i.Renditions.FirstOrDefault())?.Url ?? i.OriginalUrl)))
            .Where(x => x.Url is not null)
            .Select(x => new PageImage(x.Url!, x.Image.AltText ?? product.Name)).ToList();
        var description = PageText.Description(product.Seo, PageText.PlainText(product.Description.Html), $"{product.Name}, from {Site.ShopName}.");
        var now = clock.GetUtcNow();
        var head = new PageHead(PageText.Title(product.Seo, product.Name, Site), description, url, "product",
            images.FirstOrDefault()?.Url, images.FirstOrDefault()?.Alt,
            [StructuredData.Product(product, url, images.Select(i => i.Url).ToList(), description, now), StructuredData.Breadcrumbs(trail), StructuredData.Organization(Site)]);
        var variants = product.Variants.Select(v => Choice(product, v, now)).ToList();
        var rating = product.Rating is { Count: > 0 } r ? $"{r.Average:0.#} out of 5 from {r.Count} review{(r.Count == 1 ? "" : "s")}" : null;
        return new RenderedPage(new ProductPage(head, Navigation(categories), trail, Site, product, product.Description.Html, variants, images, rating),
            FlashSaleOffers.NextChangeAfter(product, now));
    }

    public async Task<PageOutcome> CategoryAsync(string slug, CancellationToken ct)
    {
        var categories = await taxonomy.GetCategoriesAsync(ct);
        var category = BySlug(categories.Values, slug, c => c.Slug, c => c.FormerSlugs)
            ?? BySlug((await taxonomy.GetCategoriesAsync(ct, fresh: true)).Values, slug, c => c.Slug, c => c.FormerSlugs)
            ?? throw new ResourceNotFoundException("Category", slug);
        if (category.Slug != slug) return new MovedPermanently(Site.UrlOf(StorefrontPaths.Category(category.Slug)));

        var listed = await products.ListAsync(new ProductFilter { CategoryId = category.Id, Status = ProductStatus.Active }, new PageRequest(ProductsPerListing, null), ct);
        var trail = new List<PageLink> { Home() };
        trail.AddRange(category.Path.Where(categories.ContainsKey).Select(id => CategoryLink(categories[id])));
        return Listing(category.Seo, category.Name, category.Description, trail, categories, listed.Items);
    }

    public async Task<PageOutcome> CollectionAsync(string slug, CancellationToken ct)
    {
        var collections = await taxonomy.GetCollectionsAsync(ct);
        var collection = BySlug(collections.Values, slug, c => c.Slug, c => c.FormerSlugs)
            ?? BySlug((await taxonomy.GetCollectionsAsync(ct, fresh: true)).Values, slug, c => c.Slug, c => c.FormerSlugs)
            ?? throw new ResourceNotFoundException("Collection", slug);
        if (collection.Slug != slug) return new MovedPermanently(Site.UrlOf(StorefrontPaths.Collection(collection.Slug)));

        var filter = collection.Type == CollectionType.Manual
            ? new ProductFilter { CollectionId = collection.Id, Status = ProductStatus.Active }
            : new ProductFilter { Rules = collection.Rules, MatchAllRules = collection.MatchAllRules, Status = ProductStatus.Active };
        var listed = await products.ListAsync(filter, new PageRequest(ProductsPerListing, null), ct);
        var trail = new List<PageLink> { Home(), new(collection.Title, Site.UrlOf(StorefrontPaths.Collection(collection.Slug))) };
        return Listing(collection.Seo, collection.Title, collection.Description, trail, await taxonomy.GetCategoriesAsync(ct), listed.Items);
    }

    public async Task<PageOutcome> HomeAsync(CancellationToken ct)
    {
        var categories = await taxonomy.GetCategoriesAsync(ct);
        var collections = await taxonomy.GetCollectionsAsync(ct);
        var newest = await products.ListAsync(new ProductFilter { Status = ProductStatus.Active }, new PageRequest(ProductsPerListing, null), ct);
        var url = Site.UrlOf(StorefrontPaths.Home);
        var head = new PageHead(Site.ShopName, $"Shop {Site.ShopName}: new products, collections and offers.", url, "website", null, null,
            [StructuredData.Organization(Site)]);
        var collectionLinks = collections.Values.OrderBy(c => c.Title, StringComparer.Ordinal)
            .Select(c => new PageLink(c.Title, Site.UrlOf(StorefrontPaths.Collection(c.Slug)))).ToList();
        var now = clock.GetUtcNow();
        return new RenderedPage(new HomePage(head, Navigation(categories), Site, collectionLinks, newest.Items.Select(p => Card(p, now)).ToList()),
            NextChangeAfter(newest.Items, now));
    }

    public async Task<PageOutcome> CartAsync(CancellationToken ct)
    {
        var categories = await taxonomy.GetCategoriesAsync(ct);
        var head = new PageHead($"Your cart | {Site.ShopName}", "Your cart and checkout.", Site.UrlOf(StorefrontPaths.Cart), "website", null, null, [StructuredData.Organization(Site)]);
        return new RenderedPage(new CartPage(head, Navigation(categories), Site));
    }

    private RenderedPage Listing(SeoFields seo, string name, string? description, List<PageLink> trail,
        IReadOnlyDictionary<string, Category> categories, IReadOnlyList<Product> items)
    {
        var url = trail[^1].Url;
        var head = new PageHead(PageText.Title(seo, name, Site),
            PageText.Description(seo, description is null ? null : PageText.PlainText(description), $"{name} at {Site.ShopName}."), url, "website", null, null,
            [StructuredData.Breadcrumbs(trail), StructuredData.Organization(Site)]);
        var now = clock.GetUtcNow();
        return new RenderedPage(new ListingPage(head, Navigation(categories), trail, Site, name, description, items.Select(p => Card(p, now)).ToList()),
            NextChangeAfter(items, now));
    }

    private ProductCard Card(Product p, DateTimeOffset at)
    {
        var image = p.Images.FirstOrDefault(i => i.Status == ImageStatus.Ready);
        var thumbnail = image?.Renditions.FirstOrDefault(r => r.Name == "medium") ?? image?.Renditions.FirstOrDefault();
        var cheapest = p.Variants.Select(v => FlashSaleOffers.PriceAt(p, v, at)).MinBy(price => price.Amount)!;
        return new ProductCard(p.Name, Site.UrlOf(StorefrontPaths.Product(p.Slug)), PageText.Price(cheapest),
            AbsoluteUrl(thumbnail?.Url), image?.AltText ?? p.Name);
    }

    /// <summary>A variant at the price pricing starts from now: a live flash sale's (down from the list price), else the sale or list price.</summary>
    private static VariantChoice Choice(Product product, ProductVariant v, DateTimeOffset at) =>
        FlashSaleOffers.LiveOffer(product, v.Sku, at) is { } offer
            ? new VariantChoice(v.Sku, VariantLabel(v), PageText.Price(offer.Variant.SalePrice), PageText.Price(v.Price),
                new PageFlashSale(offer.Sale.Name, offer.Sale.EndsAt, offer.Variant.UnitsLeft))
            : new VariantChoice(v.Sku, VariantLabel(v), PageText.Price(v.EffectivePrice), v.SalePrice is null ? null : PageText.Price(v.Price));

    private static DateTimeOffset? NextChangeAfter(IEnumerable<Product> listed, DateTimeOffset at) =>
        listed.Select(p => FlashSaleOffers.NextChangeAfter(p, at)).Min();

    private List<PageLink> Navigation(IReadOnlyDictionary<string, Category> categories) =>
        categories.Values.Where(c => c.ParentId is null).OrderBy(c => c.SortOrder).ThenBy(c => c.Name, StringComparer.Ordinal).Select(CategoryLink).ToList();

    private PageLink Home() => new("Home", Site.UrlOf(StorefrontPaths.Home));

    private PageLink CategoryLink(Category c) => new(c.Name, Site.UrlOf(StorefrontPaths.Category(c.Slug)));

    private static Uri? AbsoluteUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;

    private static string VariantLabel(ProductVariant v) =>
        v.Name ?? (v.Options.Count == 0 ? v.Sku : string.Join(", ", v.Options.Select(o => $"{o.Key}: {o.Value}")));

    private static T? BySlug<T>(IEnumerable<T> all, string slug, Func<T, string> current, Func<T, IReadOnlyList<string>> former) where T : class =>
        all.FirstOrDefault(x => current(x) == slug) ?? all.FirstOrDefault(x => former(x).Contains(slug, StringComparer.Ordinal));
}
