using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Infrastructure.Storefront;
using Serverless.Shop.IntegrationTests.Http;
using Serverless.Shop.IntegrationTests.Marketing.FlashSales;

namespace Serverless.Shop.IntegrationTests.Storefront;

[Collection(LocalShopCollection.Name)]
public sealed class StorefrontPageTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);
    private readonly HttpClient _anonymous = fixture.Client();
    private string PageBase => fixture.Shop.BaseAddress + "api/storefront";

    private async Task<(string Id, string Slug, string ETag, string CategoryId)> ProductInCategoryAsync(object? seo = null, string status = "active")
    {
        var categoryId = await _catalog.CreateCategoryAsync("Mugs");
        var name = TestCatalog.Unique("Enamel Mug");
        var body = TestCatalog.ProductBody(name, 12.50m, categoryIds: [categoryId], status: status);
        var withSeo = seo is null ? body : Merge(body, seo);
        var (id, slug, etag) = await _catalog.CreateProductAsync(withSeo);
        return (id, slug, etag, categoryId);
    }

    private static Dictionary<string, object?> Merge(object body, object seo)
    {
        var fields = body.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(body));
        fields["seo"] = seo;
        return fields;
    }

    [Fact]
    public async Task A_product_page_has_its_title_description_canonical_url_social_tags_and_json_ld()
    {
        var (id, slug, _, _) = await ProductInCategoryAsync(new { title = "Enamel mug for campers", metaDescription = "A tough enamel mug.", focusKeywords = new[] { "enamel mug" } });

        var page = await StorefrontPage.GetAsync(_anonymous, $"api/storefront/products/{slug}");

        page.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        page.Title.ShouldBe("Enamel mug for campers");
        page.Meta("description").ShouldBe("A tough enamel mug.");
        page.Canonical.ShouldBe($"{PageBase}/products/{slug}");
        page.Property("og:title").ShouldBe("Enamel mug for campers");
        page.Property("og:type").ShouldBe("product");
        page.Property("og:url").ShouldBe(page.Canonical);
        page.Meta("twitter:card").ShouldBe("summary");
        page.Meta("twitter:description").ShouldBe("A tough enamel mug.");

        var product = page.StructuredDataOf("Product");
        product.GetProperty("@context").GetString().ShouldBe("https://schema.org");
        product.GetProperty("url").GetString().ShouldBe(page.Canonical);
        var offer = product.GetProperty("offers")[0];
        offer.GetProperty("price").GetString().ShouldBe("12.50");
        offer.GetProperty("priceCurrency").GetString().ShouldBe("EUR");
        product.TryGetProperty("aggregateRating", out _).ShouldBeFalse("a product without reviews has no rating");
        page.StructuredDataOf("BreadcrumbList").GetProperty("itemListElement").GetArrayLength().ShouldBe(3);
        page.StructuredDataOf("Organization").GetProperty("url").GetString().ShouldBe(PageBase + "/");
        page.Document.QuerySelector("form#buy")!.GetAttribute("data-product-id").ShouldBe(id);
    }

    [Fact]
    public async Task A_product_page_is_cacheable_by_the_cdn_and_revalidates_with_its_etag_in_one_cosmos_call()
    {
        var (_, slug, _, _) = await ProductInCategoryAsync();
        var path = $"api/storefront/products/{slug}";
        await _anonymous.GetAsync(path); // fills the taxonomy's short cache, as any earlier page of the instance does

        var response = await _anonymous.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.CosmosCalls().ShouldBe(1);
        response.Headers.CacheControl!.Public.ShouldBeTrue();
        response.Headers.CacheControl.SharedMaxAge.ShouldBe(TimeSpan.FromSeconds(3600));
        var etag = response.Headers.ETag!;
        var revalidation = new HttpRequestMessage(HttpMethod.Get, path);
        revalidation.Headers.IfNoneMatch.Add(etag);
        var notModified = await _anonymous.SendAsync(revalidation);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await notModified.Content.ReadAsStringAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_live_flash_sale_prices_the_page_and_its_json_ld_and_the_cdn_keeps_it_no_longer_than_the_sale()
    {
        var sales = new FlashSaleShopper(fixture);
        var variant = await sales.Checkout.ProductInStockAsync(10, price: 30.00m);
        var endsAt = DateTimeOffset.UtcNow.AddMinutes(30);
        await sales.SaleAsync(FlashSaleShopper.Body(variant, 19.00m, cap: 4, endsAt: endsAt, name: "Half-hour mugs"));
        var (_, product) = await sales.ProductAsync(variant.ProductId);
        var path = $"api/storefront/products/{product.GetProperty("slug").GetString()}";
        await _anonymous.GetAsync(path); // fills the taxonomy's short cache

        var page = await StorefrontPage.GetAsync(_anonymous, path);

        page.Response.CosmosCalls().ShouldBe(1);
        var offer = page.StructuredDataOf("Product").GetProperty("offers")[0];
        offer.GetProperty("price").GetString().ShouldBe("19.00");
        offer.GetProperty("priceValidUntil").GetString().ShouldBe(endsAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var notice = page.Document.QuerySelector("p.flash")!.TextContent;
        notice.ShouldContain("Half-hour mugs");
        notice.ShouldContain("19.00 EUR instead of 30.00 EUR, 4 left");
        var sharedMaxAge = page.Response.Headers.CacheControl!.SharedMaxAge!.Value;
        sharedMaxAge.ShouldBeLessThanOrEqualTo(endsAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        sharedMaxAge.ShouldBeGreaterThan(TimeSpan.FromMinutes(20));
    }

    [Fact]
    public async Task A_product_whose_slug_changed_answers_301_from_its_old_address()
    {
        var (id, oldSlug, etag, categoryId) = await ProductInCategoryAsync();
        var newSlug = TestCatalog.Unique("renamed-mug");
        var replaced = await _catalog.Merchandiser.PutJsonAsync($"api/products/{id}",
            TestCatalog.ProductBody("Renamed mug", 12.50m, categoryIds: [categoryId], slug: newSlug), etag);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, (await replaced.JsonAsync()).ToString());

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Shop.BaseAddress };
        var moved = await noRedirects.GetAsync($"api/storefront/products/{oldSlug}");

        moved.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        moved.Headers.Location.ShouldBe(new Uri($"{PageBase}/products/{newSlug}"));
        (await StorefrontPage.GetAsync(_anonymous, $"api/storefront/products/{newSlug}")).Title.ShouldStartWith("Renamed mug");
        // The old slug stays the product's: another product cannot take it while it redirects.
        var taken = await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody("Another mug", slug: oldSlug));
        await ProblemAssertions.ShouldBeProblem(taken, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_category_whose_slug_changed_answers_301_and_keeps_its_seo_fields()
    {
        var created = await _catalog.Merchandiser.PostJsonAsync("api/categories", new { name = TestCatalog.Unique("Cups"), seo = new { title = "Cups for every camp", focusKeywords = new[] { "camp cups" } } });
        var category = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, category.ToString());
        category.GetProperty("seo").GetProperty("focusKeywords")[0].GetString().ShouldBe("camp cups");
        var oldSlug = category.GetProperty("slug").GetString()!;
        var newSlug = TestCatalog.Unique("camp-cups");
        var replaced = await _catalog.Merchandiser.PutJsonAsync($"api/categories/{category.GetProperty("id").GetString()}",
            new { name = category.GetProperty("name").GetString(), slug = newSlug, seo = new { title = "Cups for every camp" } }, created.Headers.ETag!.Tag);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, (await replaced.JsonAsync()).ToString());

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Shop.BaseAddress };
        var moved = await noRedirects.GetAsync($"api/storefront/categories/{oldSlug}");

        moved.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        moved.Headers.Location.ShouldBe(new Uri($"{PageBase}/categories/{newSlug}"));
        (await StorefrontPage.GetAsync(_anonymous, $"api/storefront/categories/{newSlug}")).Title.ShouldBe("Cups for every camp");
    }

    [Fact]
    public async Task Drafts_and_unknown_pages_are_not_found_as_problems()
    {
        var (_, draftSlug, _, _) = await ProductInCategoryAsync(status: "draft");

        await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync($"api/storefront/products/{draftSlug}"), HttpStatusCode.NotFound);
        await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync("api/storefront/categories/no-such-category"), HttpStatusCode.NotFound);
        await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync("api/storefront/collections/no-such-collection"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_category_page_lists_its_active_products_with_links_to_their_pages()
    {
        var (_, slug, _, categoryId) = await ProductInCategoryAsync();
        var category = await (await _anonymous.GetAsync($"api/categories/{categoryId}")).JsonAsync();

        var page = await StorefrontPage.GetAsync(_anonymous, $"api/storefront/categories/{category.GetProperty("slug").GetString()}");

        page.Document.QuerySelectorAll("a.product-link").Select(a => a.GetAttribute("href")).ShouldContain($"{PageBase}/products/{slug}");
        page.StructuredDataOf("BreadcrumbList").GetProperty("itemListElement").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task A_product_change_purges_its_pages_and_republishes_the_sitemap()
    {
        var (id, oldSlug, etag, categoryId) = await ProductInCategoryAsync();
        var newSlug = TestCatalog.Unique("purged-mug");
        var purges = fixture.Shop.Services.GetRequiredService<LocalRecordingCdnPurge>();

        (await _catalog.Merchandiser.PutJsonAsync($"api/products/{id}", TestCatalog.ProductBody("Purged mug", categoryIds: [categoryId], slug: newSlug), etag))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var purged = await HttpTestExtensions.EventuallyAsync(() => Task.FromResult(purges.Purged),
            p => p.Contains($"/products/{newSlug}") && p.Contains($"/products/{oldSlug}"));
        purged.ShouldContain($"/products/{newSlug}");
        purged.ShouldContain($"/products/{oldSlug}");
        purged.ShouldContain("/sitemap.xml");
        var sitemap = await HttpTestExtensions.EventuallyAsync(async () => await _anonymous.GetStringAsync("api/storefront/sitemaps/sitemap-1.xml"),
            xml => xml.Contains($"/products/{newSlug}", StringComparison.Ordinal));
        sitemap.ShouldContain($"{PageBase}/products/{newSlug}</loc><lastmod>");
        sitemap.ShouldNotContain($"/products/{oldSlug}<");
    }

    [Fact]
    public async Task The_sitemap_index_and_robots_are_served_with_their_media_types()
    {
        await fixture.Shop.RunTimerAsync("PublishSitemaps");

        var index = await _anonymous.GetAsync("api/storefront/sitemap.xml");
        index.StatusCode.ShouldBe(HttpStatusCode.OK);
        index.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        (await index.Content.ReadAsStringAsync()).ShouldContain($"<loc>{PageBase}/sitemaps/sitemap-1.xml</loc>");
        var robots = await _anonymous.GetAsync("api/storefront/robots.txt");
        robots.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await robots.Content.ReadAsStringAsync()).ShouldContain($"Sitemap: {PageBase}/sitemap.xml");
        await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync("api/storefront/sitemaps/sitemap-999.xml"), HttpStatusCode.NotFound);
        await ProblemAssertions.ShouldBeProblem(await _anonymous.GetAsync("api/storefront/sitemaps/secrets.txt"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_seo_audit_is_for_marketers_and_admins_and_reports_the_catalogs_problems()
    {
        var (id, _, _, _) = await ProductInCategoryAsync(new { title = "Mug", focusKeywords = new[] { "titanium cup" } });

        (await _anonymous.GetAsync("api/seo/audit")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.Client(ShopRoles.Merchandiser).GetAsync("api/seo/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var response = await fixture.Client(ShopRoles.Marketer).GetAsync("api/seo/audit");
        var report = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, report.ToString());

        var checks = report.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("resourceId").GetString() == id)
            .Select(f => f.GetProperty("check").GetString()).ToList();
        checks.ShouldContain("title-too-short");
        checks.ShouldContain("keyword-missing-from-title");
        checks.ShouldContain("keyword-missing-from-slug");
        checks.ShouldContain("thin-description");
        (await fixture.Client(ShopRoles.Admin).GetAsync("api/seo/audit")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Seo_fields_out_of_bounds_are_refused_naming_the_field()
    {
        var tooMany = Enumerable.Range(1, 11).Select(i => $"keyword {i}").ToArray();
        var category = await _catalog.Merchandiser.PostJsonAsync("api/categories", new { name = TestCatalog.Unique("Bad"), seo = new { title = new string('t', 71), focusKeywords = tooMany } });

        var problem = await ProblemAssertions.ShouldBeProblem(category, HttpStatusCode.BadRequest, "seo.title");
        problem.GetProperty("errors").TryGetProperty("seo.focusKeywords", out _).ShouldBeTrue(problem.ToString());
        var product = await _catalog.Merchandiser.PostJsonAsync("api/products", Merge(TestCatalog.ProductBody(TestCatalog.Unique("Bad")), new { focusKeywords = new[] { "" } }));
        await ProblemAssertions.ShouldBeProblem(product, HttpStatusCode.BadRequest, "seo.focusKeywords[0]");
    }
}
