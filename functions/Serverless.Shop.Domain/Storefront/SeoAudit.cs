using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Storefront;

/// <summary>One thing to fix on one page: which resource, which check failed, and what was found.</summary>
public sealed record SeoFinding(string ResourceType, string ResourceId, string Slug, string Check, string Detail);

public sealed record SeoAuditReport(int ProductsChecked, int CategoriesChecked, int CollectionsChecked, IReadOnlyList<SeoFinding> Findings);

/// <summary>
/// The SEO checks over the catalog's pages, on the title and description a page really shows (the SEO fields, else
/// what the page falls back to): titles and descriptions too long or too short, focus keywords missing from the
/// title, description, slug or heading, images without alt text, titles used twice, and thin descriptions.
/// </summary>
public static class SeoAudit
{
    public const int MinimumTitleLength = 30;
    public const int MinimumMetaDescriptionLength = 70;

    /// <summary>Fewer words than this in a product's own description is thin content.</summary>
    public const int ThinDescriptionWords = 50;

    public static class Checks
    {
        public const string TitleTooLong = "title-too-long";
        public const string TitleTooShort = "title-too-short";
        public const string DescriptionTooLong = "meta-description-too-long";
        public const string DescriptionTooShort = "meta-description-too-short";
        public const string KeywordMissingFromTitle = "keyword-missing-from-title";
        public const string KeywordMissingFromDescription = "keyword-missing-from-meta-description";
        public const string KeywordMissingFromSlug = "keyword-missing-from-slug";
        public const string KeywordMissingFromHeading = "keyword-missing-from-heading";
        public const string NoFocusKeywords = "no-focus-keywords";
        public const string ImageWithoutAltText = "image-without-alt-text";
        public const string DuplicateTitle = "duplicate-title";
        public const string ThinDescription = "thin-description";
    }

    public static SeoAuditReport Run(IReadOnlyList<Product> products, IReadOnlyCollection<Category> categories, IReadOnlyCollection<Collection> collections, StorefrontSettings site)
    {
        var findings = new List<SeoFinding>();
        var titles = new List<(string Type, string Id, string Slug, string Title)>();

        foreach (var p in products)
        {
            var text = PageText.PlainText(p.Description.Html);
            var page = new AuditedPage("product", p.Id, p.Slug, p.Name, PageText.Title(p.Seo, p.Name, site),
                PageText.Description(p.Seo, text, $"{p.Name}, from {site.ShopName}."), p.Seo.FocusKeywords);
            CheckPage(page, findings);
            titles.Add((page.Type, page.Id, page.Slug, page.Title));
            foreach (var image in p.Images.Where(i => string.IsNullOrWhiteSpace(i.AltText)))
                findings.Add(new(page.Type, p.Id, p.Slug, Checks.ImageWithoutAltText, $"image {image.Id} has no alt text."));
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (words < ThinDescriptionWords)
                findings.Add(new(page.Type, p.Id, p.Slug, Checks.ThinDescription, $"the description has {words} words; write at least {ThinDescriptionWords}."));
        }
        foreach (var c in categories)
        {
            var page = new AuditedPage("category", c.Id, c.Slug, c.Name, PageText.Title(c.Seo, c.Name, site),
                PageText.Description(c.Seo, c.Description is null ? null : PageText.PlainText(c.Description), $"{c.Name} at {site.ShopName}."), c.Seo.FocusKeywords);
            CheckPage(page, findings);
            titles.Add((page.Type, page.Id, page.Slug, page.Title));
        }
        foreach (var c in collections)
        {
            var page = new AuditedPage("collection", c.Id, c.Slug, c.Title, PageText.Title(c.Seo, c.Title, site),
                PageText.Description(c.Seo, c.Description is null ? null : PageText.PlainText(c.Description), $"{c.Title} at {site.ShopName}."), c.Seo.FocusKeywords);
            CheckPage(page, findings);
            titles.Add((page.Type, page.Id, page.Slug, page.Title));
        }
        foreach (var same in titles.GroupBy(t => t.Title.Trim().ToLowerInvariant()).Where(g => g.Count() > 1))
            foreach (var t in same)
                findings.Add(new(t.Type, t.Id, t.Slug, Checks.DuplicateTitle,
                    $"'{t.Title}' is also the title of {string.Join(", ", same.Where(o => o.Id != t.Id).Select(o => $"{o.Type} {o.Id}"))}."));
        return new SeoAuditReport(products.Count, categories.Count, collections.Count, findings);
    }

    private sealed record AuditedPage(string Type, string Id, string Slug, string Heading, string Title, string Description, IReadOnlyList<string> Keywords);

    private static void CheckPage(AuditedPage page, List<SeoFinding> findings)
    {
        void Add(string check, string detail) => findings.Add(new(page.Type, page.Id, page.Slug, check, detail));

        if (page.Title.Length > SeoRules.MaximumTitleLength) Add(Checks.TitleTooLong, $"{page.Title.Length} characters; search results show about {SeoRules.MaximumTitleLength}.");
        if (page.Title.Length < MinimumTitleLength) Add(Checks.TitleTooShort, $"{page.Title.Length} characters; use at least {MinimumTitleLength}.");
        if (page.Description.Length > SeoRules.MaximumMetaDescriptionLength) Add(Checks.DescriptionTooLong, $"{page.Description.Length} characters; snippets show about {SeoRules.MaximumMetaDescriptionLength}.");
        if (page.Description.Length < MinimumMetaDescriptionLength) Add(Checks.DescriptionTooShort, $"{page.Description.Length} characters; use at least {MinimumMetaDescriptionLength}.");
        if (page.Keywords.Count == 0) Add(Checks.NoFocusKeywords, "no focus keywords are set, so nothing says what the page should rank for.");
        foreach (var keyword in page.Keywords)
        {
            if (!Contains(page.Title, keyword)) Add(Checks.KeywordMissingFromTitle, $"'{keyword}' is not in the title.");
            if (!Contains(page.Description, keyword)) Add(Checks.KeywordMissingFromDescription, $"'{keyword}' is not in the meta description.");
            if (!page.Slug.Contains(Catalog.Slug.FromName(keyword), StringComparison.Ordinal)) Add(Checks.KeywordMissingFromSlug, $"'{keyword}' is not in the slug '{page.Slug}'.");
            if (!Contains(page.Heading, keyword)) Add(Checks.KeywordMissingFromHeading, $"'{keyword}' is not in the heading '{page.Heading}'.");
        }
    }

    private static bool Contains(string text, string keyword) => SeoRules.NormaliseKeyword(text).Contains(keyword, StringComparison.Ordinal);
}

/// <summary>Runs the SEO audit over the whole catalog (every product, active or not, paged through the listing read).</summary>
public sealed class AuditCatalogSeo(IProductStore products, ITaxonomyStore taxonomy, StorefrontSite storefront)
{
    public async Task<SeoAuditReport> RunAsync(CancellationToken ct)
    {
        var all = await CatalogPages.AllProductsAsync(products, status: null, ct);
        var categories = await taxonomy.GetCategoriesAsync(ct, fresh: true);
        var collections = await taxonomy.GetCollectionsAsync(ct, fresh: true);
        return SeoAudit.Run(all, categories.Values.ToList(), collections.Values.ToList(), storefront.Settings);
    }
}

internal static class CatalogPages
{
    /// <summary>Every product with the status (null: all), page by page through the catalog's listing read.</summary>
    public static async Task<List<Product>> AllProductsAsync(IProductStore products, ProductStatus? status, CancellationToken ct)
    {
        var all = new List<Product>();
        string? token = null;
        do
        {
            var page = await products.ListAsync(new ProductFilter { Status = status, Sort = ProductSort.Name }, new PageRequest(PageRequest.MaximumSize, token), ct);
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        } while (token is not null);
        return all;
    }
}
