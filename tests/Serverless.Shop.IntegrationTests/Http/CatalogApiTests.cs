using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Http;

[Collection(LocalShopCollection.Name)]
public sealed class CatalogApiTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);

    [Fact]
    public async Task A_created_product_is_served_by_id_and_by_slug_with_one_cosmos_call_each()
    {
        var (id, slug, etag) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Blue Mug")));

        var byId = await _catalog.Anonymous.GetAsync($"api/products/{id}");
        byId.StatusCode.ShouldBe(HttpStatusCode.OK);
        byId.Headers.ETag!.Tag.ShouldBe(etag);
        (await byId.JsonAsync()).GetProperty("slug").GetString().ShouldBe(slug);
        byId.CosmosCalls().ShouldBe(1);

        var bySlug = await _catalog.Anonymous.GetAsync($"api/products/by-slug/{slug}");
        bySlug.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bySlug.JsonAsync()).GetProperty("id").GetString().ShouldBe(id);
        bySlug.CosmosCalls().ShouldBe(1);
    }

    [Fact]
    public async Task A_conditional_get_with_the_current_etag_answers_304()
    {
        var (id, _, etag) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Etag Mug")));
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/products/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        (await _catalog.Anonymous.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Descriptions_are_sanitised_on_the_server()
    {
        var body = new
        {
            name = TestCatalog.Unique("Xss Mug"),
            status = "active",
            description = new { format = "html", content = "<p onclick=\"steal()\">Nice</p><script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>" },
            variants = new[] { new { sku = TestCatalog.Unique("XSS").ToUpperInvariant(), price = new { amount = 5m, currency = "EUR" } } },
        };
        var response = await _catalog.Merchandiser.PostJsonAsync("api/products", body);
        var html = (await response.JsonAsync()).GetProperty("description").GetProperty("html").GetString()!;
        html.ShouldContain("Nice");
        html.ShouldNotContain("script");
        html.ShouldNotContain("onclick");
        html.ShouldNotContain("javascript:");
    }

    [Fact]
    public async Task Drafts_are_hidden_from_shoppers_and_visible_to_staff()
    {
        var (id, slug, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Draft Mug"), status: "draft"));
        (await _catalog.Anonymous.GetAsync($"api/products/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _catalog.Anonymous.GetAsync($"api/products/by-slug/{slug}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.Client(ShopRoles.Customer).GetAsync($"api/products/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _catalog.Merchandiser.GetAsync($"api/products/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_category_listing_includes_its_subcategories_and_costs_one_query()
    {
        var parent = await _catalog.CreateCategoryAsync("Clothing");
        var child = await _catalog.CreateCategoryAsync("Shirts", parent);
        var (inChild, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Shirt"), categoryIds: [child]));
        var (inParent, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Scarf"), categoryIds: [parent]));
        await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Elsewhere")));

        await _catalog.Anonymous.GetAsync($"api/products?category={parent}"); // warms the category cache
        var response = await _catalog.Anonymous.GetAsync($"api/products?category={parent}");
        var ids = (await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        ids.ShouldBe([inParent, inChild], ignoreOrder: true);
        response.CosmosCalls().ShouldBe(1);

        var childOnly = await (await _catalog.Anonymous.GetAsync($"api/products?category={child}")).JsonAsync();
        childOnly.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ShouldBe([inChild]);
    }

    [Fact]
    public async Task Listings_filter_by_tag_price_and_attribute_and_sort_by_price()
    {
        var tag = TestCatalog.Unique("tag").ToLowerInvariant();
        var (cheap, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Cheap"), price: 5m, tags: [tag],
            attributes: [new { name = "material", type = "text", value = "Cotton" }]));
        var (middle, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Middle"), price: 15m, tags: [tag],
            attributes: [new { name = "material", type = "text", value = "Wool" }]));
        var (dear, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Dear"), price: 50m, salePrice: 25m, tags: [tag]));

        async Task<List<string?>> Ids(string query) =>
            (await (await _catalog.Anonymous.GetAsync($"api/products?tag={tag}&{query}")).JsonAsync())
                .GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();

        (await Ids("sort=price-asc")).ShouldBe([cheap, middle, dear]);
        (await Ids("sort=price-desc")).ShouldBe([dear, middle, cheap]);
        (await Ids("minPrice=10&maxPrice=30&sort=price-asc")).ShouldBe([middle, dear]); // the sale price counts
        (await Ids("attribute=material:wool")).ShouldBe([middle]);
    }

    [Fact]
    public async Task Pages_follow_the_continuation_token_without_gaps_or_repeats()
    {
        var tag = TestCatalog.Unique("paged").ToLowerInvariant();
        var created = new List<string>();
        for (var i = 0; i < 5; i++) created.Add((await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Paged"), tags: [tag]))).Id);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = $"api/products?tag={tag}&pageSize=2" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            var page = await (await _catalog.Anonymous.GetAsync(url)).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            token = page.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        } while (token is not null && pages < 10);

        seen.ShouldBe(created, ignoreOrder: true);
        seen.Count.ShouldBe(seen.Distinct().Count());
        pages.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_product_update_with_the_current_etag_succeeds_and_a_stale_one_gets_412()
    {
        var name = TestCatalog.Unique("Update Mug");
        var (id, _, etag) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(name));

        var updated = await _catalog.Merchandiser.PutJsonAsync($"api/products/{id}", TestCatalog.ProductBody(name + " v2"), etag);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        updated.Headers.ETag!.Tag.ShouldNotBe(etag);

        var stale = await _catalog.Merchandiser.PutJsonAsync($"api/products/{id}", TestCatalog.ProductBody(name + " v3"), etag);
        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await stale.JsonAsync()).GetProperty("errors").TryGetProperty("If-Match", out _).ShouldBeTrue();
        (await (await _catalog.Anonymous.GetAsync($"api/products/{id}")).JsonAsync()).GetProperty("name").GetString().ShouldBe(name + " v2");
    }

    [Fact]
    public async Task A_rule_based_collection_lists_the_products_matching_its_rules()
    {
        var tag = TestCatalog.Unique("rule").ToLowerInvariant();
        var response = await _catalog.Merchandiser.PostJsonAsync("api/collections", new
        {
            title = TestCatalog.Unique("Cheap Rule"),
            type = "rules",
            rules = new object[] { new { field = "tag", @operator = "equals", value = tag }, new { field = "price", @operator = "lessThan", value = "10" } },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var collection = (await response.JsonAsync()).GetProperty("id").GetString();
        var (match, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Rule Cheap"), price: 5m, tags: [tag]));
        await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Rule Dear"), price: 50m, tags: [tag]));

        var listed = await (await _catalog.Anonymous.GetAsync($"api/products?collection={collection}")).JsonAsync();
        listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ShouldBe([match]);
    }

    [Fact]
    public async Task Deleting_a_product_frees_its_slug()
    {
        var name = TestCatalog.Unique("Gone Mug");
        var (id, slug, etag) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(name));
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"api/products/{id}");
        delete.Headers.TryAddWithoutValidation("If-Match", etag);
        (await _catalog.Merchandiser.SendAsync(delete)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _catalog.Anonymous.GetAsync($"api/products/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _catalog.CreateProductAsync(TestCatalog.ProductBody(name, slug: slug))).Slug.ShouldBe(slug);
    }
}
