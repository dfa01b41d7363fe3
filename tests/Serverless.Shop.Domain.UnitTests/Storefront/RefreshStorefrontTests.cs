using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Storefront.StorefrontExamples;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

public sealed class RefreshStorefrontTests
{
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryTaxonomyStore _taxonomy = new InMemoryTaxonomyStore().With(CatalogExamples.Kitchen).With(CatalogExamples.Mugs).With(CatalogExamples.StaffPicks);
    private readonly InMemorySitemapFiles _files = new();
    private readonly RecordingCdnPurge _cdn = new();

    private readonly FixedClock _clock = new();

    private PublishSitemaps Publish => new(_products, _taxonomy, _files, new StorefrontSite(Site), _clock);
    private RefreshStorefront Refresh => new(_taxonomy, Publish, _cdn);

    [Fact]
    public async Task A_renamed_product_purges_its_old_and_new_page_its_categories_the_collections_the_home_page_and_the_sitemaps()
    {
        var before = CatalogExamples.Build(CatalogExamples.MugInput() with { CategoryIds = [CatalogExamples.Mugs.Id], Status = ProductStatus.Active });
        var after = CatalogExamples.Build(CatalogExamples.MugInput() with { Slug = "enamel-mug", CategoryIds = [CatalogExamples.Mugs.Id], Status = ProductStatus.Active }, before);
        _products.ListingResult = [after];

        await Refresh.RunAsync(StorefrontChange.ForProducts(after, before), default);

        _cdn.Purged.ShouldBe([
            "/", "/categories/kitchen", "/categories/mugs", "/collections/staff-picks", "/products/creme-brulee-mug", "/products/enamel-mug",
            "/robots.txt", "/sitemap.xml", "/sitemaps/*"], ignoreOrder: true);
        _files.Files[Sitemaps.IndexName].ShouldContain("https://shop.test/sitemaps/sitemap-1.xml");
        _files.Files["sitemap-1.xml"].ShouldContain("https://shop.test/products/enamel-mug");
        _files.Files["sitemap-1.xml"].ShouldNotContain("creme-brulee-mug");
    }

    [Fact]
    public async Task A_taxonomy_change_purges_every_page()
    {
        await Refresh.RunAsync(StorefrontChange.Taxonomy, default);

        _cdn.Purged.ShouldBe(["/*"]);
    }

    [Fact]
    public async Task Sitemap_parts_the_catalog_no_longer_fills_are_removed()
    {
        _files.Files["sitemap-7.xml"] = "<urlset/>";
        _files.Files["unrelated.txt"] = "kept";

        await Publish.RunAsync(default);

        _files.Files.Keys.ShouldBe(["sitemap-1.xml", "sitemap.xml", "robots.txt", Sitemaps.StampName, "unrelated.txt"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_change_the_last_publication_already_read_purges_its_pages_without_publishing_again()
    {
        await Publish.RunAsync(default);
        _files.Files.Remove("sitemap-1.xml");

        await Refresh.RunAsync(StorefrontChange.ForProducts(CatalogExamples.ExistingMug()) with { ChangedAt = _clock.Now - TimeSpan.FromSeconds(10) }, default);

        _files.Files.ShouldNotContainKey("sitemap-1.xml");
        _cdn.Purged.ShouldContain("/products/creme-brulee-mug");
        _cdn.Purged.ShouldContain("/sitemap.xml");
    }

    [Fact]
    public async Task A_change_after_the_last_publication_started_publishes_again()
    {
        await Publish.RunAsync(default);
        _files.Files.Remove("sitemap-1.xml");

        await Refresh.RunAsync(StorefrontChange.ForProducts(CatalogExamples.ExistingMug()) with { ChangedAt = _clock.Now }, default);

        _files.Files.ShouldContainKey("sitemap-1.xml");
    }
}
