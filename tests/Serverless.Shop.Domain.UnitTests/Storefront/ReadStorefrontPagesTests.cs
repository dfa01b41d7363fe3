using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using static Serverless.Shop.Domain.UnitTests.Storefront.StorefrontExamples;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

public sealed class ReadStorefrontPagesTests
{
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryTaxonomyStore _taxonomy = new InMemoryTaxonomyStore().With(CatalogExamples.Kitchen).With(CatalogExamples.Mugs).With(CatalogExamples.StaffPicks);
    private readonly FixedClock _clock = new();
    private ReadStorefrontPages Pages => new(_products, _taxonomy, new StorefrontSite(Site), _clock);

    private Product AddMug(Func<Product, Product>? change = null)
    {
        var mug = CatalogExamples.Build(CatalogExamples.MugInput() with { CategoryIds = [CatalogExamples.Mugs.Id], Status = ProductStatus.Active });
        mug = change?.Invoke(mug) ?? mug;
        _products.Add(mug);
        return mug;
    }

    [Fact]
    public async Task A_product_page_has_its_seo_title_description_canonical_url_and_breadcrumbs_down_its_category()
    {
        AddMug(m => m with { Seo = new SeoFields("The brûlée mug", "A mug for crème brûlée lovers.") });

        var page = (await Pages.ProductAsync("creme-brulee-mug", default)).ShouldBeOfType<RenderedPage>().Page.ShouldBeOfType<ProductPage>();

        page.Head.Title.ShouldBe("The brûlée mug");
        page.Head.Description.ShouldBe("A mug for crème brûlée lovers.");
        page.Head.Canonical.ShouldBe(new Uri("https://shop.test/products/creme-brulee-mug"));
        page.Breadcrumbs.Select(b => b.Label).ShouldBe(["Home", "Kitchen", "Mugs", "Crème Brûlée Mug"]);
        page.Head.StructuredData.Select(d => d["@type"]).ShouldBe(["Product", "BreadcrumbList", "Organization"]);
    }

    [Fact]
    public async Task Without_seo_fields_the_title_is_the_name_and_shop_and_the_description_the_start_of_the_text()
    {
        AddMug(m => m with { Description = RichText.From(RichTextFormat.Markdown, "**Enamel** mug. " + new string('x', 200)) });

        var page = (RenderedPage)await Pages.ProductAsync("creme-brulee-mug", default);

        page.Page.Head.Title.ShouldBe("Crème Brûlée Mug | Test Shop");
        page.Page.Head.Description.ShouldStartWith("Enamel mug.");
        page.Page.Head.Description.Length.ShouldBeLessThanOrEqualTo(SeoRules.MaximumMetaDescriptionLength);
    }

    [Fact]
    public async Task The_social_image_is_the_first_ready_images_large_rendition_with_its_alt_text()
    {
        AddMug(m => m with
        {
            Images =
            [
                new ProductImage("img_processing", "image/png", "Not yet", ImageStatus.Processing, "https://cdn.test/p.png", []),
                new ProductImage("img_ready", "image/png", "A red mug", ImageStatus.Ready, "https://cdn.test/o.png",
                    [new ImageRendition("medium", 600, 600, "image/webp", "https://cdn.test/m.webp"), new ImageRendition("large", 1200, 1200, "image/webp", "https://cdn.test/l.webp")]),
                new ProductImage("img_broken", "image/png", null, ImageStatus.Ready, null, []),
            ],
        });

        var page = (ProductPage)((RenderedPage)await Pages.ProductAsync("creme-brulee-mug", default)).Page;

        page.Head.ImageUrl.ShouldBe(new Uri("https://cdn.test/l.webp"));
        page.Head.ImageAlt.ShouldBe("A red mug");
        page.Images.Select(i => i.Url.ToString()).ShouldBe(["https://cdn.test/l.webp"]);
    }

    [Fact]
    public async Task A_former_product_slug_moves_permanently_to_the_current_page()
    {
        AddMug(m => m with { Slug = "enamel-mug", FormerSlugs = ["creme-brulee-mug"] });

        var outcome = await Pages.ProductAsync("creme-brulee-mug", default);

        outcome.ShouldBeOfType<MovedPermanently>().Location.ShouldBe(new Uri("https://shop.test/products/enamel-mug"));
    }

    [Theory]
    [InlineData(ProductStatus.Draft)]
    [InlineData(ProductStatus.Archived)]
    public async Task Unpublished_products_have_no_page(ProductStatus status)
    {
        AddMug(m => m with { Status = status });

        await Should.ThrowAsync<ResourceNotFoundException>(() => Pages.ProductAsync("creme-brulee-mug", default));
    }

    [Fact]
    public async Task A_malformed_slug_is_not_found_without_reading_the_store()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Pages.ProductAsync("Not A Slug", default));
    }

    [Fact]
    public async Task A_former_category_slug_moves_permanently_and_a_category_page_lists_only_active_products_of_it()
    {
        var renamed = CatalogExamples.Mugs with { Slug = "cups", FormerSlugs = ["mugs"] };
        _taxonomy.With(renamed);

        (await Pages.CategoryAsync("mugs", default)).ShouldBeOfType<MovedPermanently>().Location.ShouldBe(new Uri("https://shop.test/categories/cups"));
        var page = (await Pages.CategoryAsync("cups", default)).ShouldBeOfType<RenderedPage>().Page.ShouldBeOfType<ListingPage>();
        page.Heading.ShouldBe("Mugs");
        _products.LastFilter.ShouldSatisfyAllConditions(f => f.CategoryId.ShouldBe(renamed.Id), f => f.Status.ShouldBe(ProductStatus.Active));
    }

    [Fact]
    public async Task A_former_collection_slug_moves_permanently_and_a_rule_based_collection_lists_by_its_rules()
    {
        _taxonomy.With(CatalogExamples.UnderTwenty with { Slug = "gifts-under-20", FormerSlugs = ["under-20"] });

        (await Pages.CollectionAsync("under-20", default)).ShouldBeOfType<MovedPermanently>().Location.ShouldBe(new Uri("https://shop.test/collections/gifts-under-20"));
        (await Pages.CollectionAsync("gifts-under-20", default)).ShouldBeOfType<RenderedPage>();
        _products.LastFilter.ShouldSatisfyAllConditions(
            f => f.Rules.ShouldBe(CatalogExamples.UnderTwenty.Rules), f => f.MatchAllRules.ShouldBeFalse(), f => f.Status.ShouldBe(ProductStatus.Active));
    }

    [Fact]
    public async Task A_hand_picked_collection_lists_its_products_and_an_unknown_one_is_not_found()
    {
        var page = (await Pages.CollectionAsync("staff-picks", default)).ShouldBeOfType<RenderedPage>().Page.ShouldBeOfType<ListingPage>();

        page.Head.Canonical.ShouldBe(new Uri("https://shop.test/collections/staff-picks"));
        _products.LastFilter.CollectionId.ShouldBe(CatalogExamples.StaffPicks.Id);
        await Should.ThrowAsync<ResourceNotFoundException>(() => Pages.CollectionAsync("no-such-collection", default));
    }

    [Fact]
    public async Task A_live_flash_sale_prices_the_page_and_its_card_and_the_page_is_fresh_until_the_sale_ends()
    {
        var now = _clock.Now;
        var mug = AddMug(m => m with
        {
            FlashSales =
            [
                new ProductFlashSale("sale_1", "Morning rush", now.AddMinutes(-30), now.AddMinutes(45), 2,
                    [new ProductFlashSaleVariant(m.Variants[0].Sku, new Money(5m, "EUR"), 7)]),
            ],
        });

        var rendered = (await Pages.ProductAsync("creme-brulee-mug", default)).ShouldBeOfType<RenderedPage>();

        var choice = rendered.Page.ShouldBeOfType<ProductPage>().Variants[0];
        choice.Price.ShouldBe("5.00 EUR");
        choice.ListPrice.ShouldBe(PageText.Price(mug.Variants[0].Price));
        choice.FlashSale.ShouldBe(new PageFlashSale("Morning rush", now.AddMinutes(45), 7));
        rendered.FreshUntil.ShouldBe(now.AddMinutes(45));

        _products.ListingResult = [mug];
        var listing = (await Pages.CategoryAsync("mugs", default)).ShouldBeOfType<RenderedPage>();
        listing.Page.ShouldBeOfType<ListingPage>().Products.Single().Price.ShouldBe("5.00 EUR");
        listing.FreshUntil.ShouldBe(now.AddMinutes(45));
    }

    [Fact]
    public async Task A_scheduled_flash_sale_is_not_shown_and_the_page_is_fresh_until_it_starts()
    {
        var now = _clock.Now;
        var mug = AddMug(m => m with
        {
            FlashSales =
            [
                new ProductFlashSale("sale_1", "Tonight", now.AddHours(2), now.AddHours(3), 2, [new ProductFlashSaleVariant(m.Variants[0].Sku, new Money(5m, "EUR"), 7)]),
            ],
        });

        var rendered = (await Pages.ProductAsync("creme-brulee-mug", default)).ShouldBeOfType<RenderedPage>();

        var choice = rendered.Page.ShouldBeOfType<ProductPage>().Variants[0];
        choice.Price.ShouldBe(PageText.Price(mug.Variants[0].EffectivePrice));
        choice.FlashSale.ShouldBeNull();
        rendered.FreshUntil.ShouldBe(now.AddHours(2));
        AddMug(m => m with { Id = "prod_plain", Slug = "plain-mug" });
        (await Pages.ProductAsync("plain-mug", default)).ShouldBeOfType<RenderedPage>().FreshUntil.ShouldBeNull();
    }

    [Fact]
    public async Task Pages_of_a_storefront_that_is_not_configured_fail_with_what_is_missing()
    {
        AddMug();
        var pages = new ReadStorefrontPages(_products, _taxonomy, StorefrontSite.NotConfigured("Storefront:PublicBaseUrl is not set."), _clock);

        var failure = await Should.ThrowAsync<NotConfiguredException>(() => pages.ProductAsync("creme-brulee-mug", default));
        failure.Message.ShouldContain("Storefront:PublicBaseUrl");
    }
}
