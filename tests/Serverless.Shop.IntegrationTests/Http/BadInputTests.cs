using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Every kind of bad request gets the right status, an RFC 9457 problem naming the field, and changes nothing.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class BadInputTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);

    /// <summary>The proof that nothing was half-written: the product's slug is still free and no product has the name.</summary>
    private async Task ShouldNotExistAsync(string name)
    {
        var listing = await (await _catalog.Merchandiser.GetAsync($"api/products?status=all&search={Uri.EscapeDataString(name.ToLowerInvariant())}")).JsonAsync();
        listing.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("{\"name\": \"x\",", "body")]
    [InlineData("not json at all", "body")]
    [InlineData("[1, 2, 3]", "body")]
    [InlineData("{\"name\": 42, \"variants\": []}", "name")]
    [InlineData("{\"name\": \"Mug\", \"variants\": [{\"sku\": \"A1\", \"price\": {\"amount\": \"twelve\", \"currency\": \"EUR\"}}]}", "variants[0].price.amount")]
    [InlineData("{\"name\": \"Mug\", \"status\": \"published\", \"variants\": []}", "status")]
    public async Task Malformed_or_wrong_typed_json_is_a_400_naming_the_field(string json, string field)
    {
        var response = await _catalog.Merchandiser.SendRawAsync(HttpMethod.Post, "api/products", json);
        await ShouldBeProblem(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Missing_fields_are_all_reported_at_once()
    {
        var response = await _catalog.Merchandiser.SendRawAsync(HttpMethod.Post, "api/products", "{}");
        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest, "name");
        problem.GetProperty("errors").TryGetProperty("variants", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(-1, "variants[0].price.amount")]
    [InlineData(0, "variants[0].price.amount")]
    [InlineData(10_000_000, "variants[0].price.amount")]
    [InlineData(1.999, "variants[0].price.amount")]
    public async Task Negative_zero_absurd_or_over_precise_prices_are_refused(double price, string field)
    {
        var name = TestCatalog.Unique("Bad Price");
        await ShouldBeProblem(await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(name, price: (decimal)price)), HttpStatusCode.BadRequest, field);
        await ShouldNotExistAsync(name);
    }

    [Fact]
    public async Task A_duplicate_slug_is_a_409_and_the_second_product_is_not_written()
    {
        var (_, slug, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Original")));
        var copyName = TestCatalog.Unique("Copy");
        await ShouldBeProblem(await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(copyName, slug: slug)), HttpStatusCode.Conflict, "slug");
        await ShouldNotExistAsync(copyName);
    }

    [Fact]
    public async Task Five_products_created_at_once_with_one_slug_make_one_product_and_four_409s()
    {
        var slug = TestCatalog.Unique("race").ToLowerInvariant();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(TestCatalog.Unique($"Race {i}"), slug: slug))));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Where(r => r.StatusCode != HttpStatusCode.Created).ShouldAllBe(r => r.StatusCode == HttpStatusCode.Conflict);
        (await _catalog.Anonymous.GetAsync($"api/products/by-slug/{slug}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_update_without_if_match_is_a_428()
    {
        var name = TestCatalog.Unique("No Etag");
        var (id, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(name));
        await ShouldBeProblem(await _catalog.Merchandiser.PutJsonAsync($"api/products/{id}", TestCatalog.ProductBody(name + " changed"), null), (HttpStatusCode)428, "If-Match");
    }

    [Fact]
    public async Task Writes_without_a_token_are_401_and_with_the_wrong_role_403()
    {
        var name = TestCatalog.Unique("Unauthorised");
        var anonymous = await _catalog.Anonymous.PostJsonAsync("api/products", TestCatalog.ProductBody(name));
        await ShouldBeProblem(anonymous, HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
        await ShouldBeProblem(await fixture.Client(ShopRoles.Customer).PostJsonAsync("api/products", TestCatalog.ProductBody(name)), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Marketer).PostJsonAsync("api/products", TestCatalog.ProductBody(name)), HttpStatusCode.Forbidden);
        await ShouldNotExistAsync(name);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("forged")]
    [InlineData("garbage")]
    [InlineData("basic")]
    public async Task Bad_credentials_are_a_401_even_on_public_routes(string kind)
    {
        var client = fixture.Client();
        var header = kind switch
        {
            "expired" => "Bearer " + fixture.Shop.Tokens.Mint("someone", [ShopRoles.Admin], TimeSpan.FromMinutes(-10)),
            "forged" => "Bearer " + new LocalHost.Hosting.DevTokens(Convert.ToBase64String(new byte[32]), TimeProvider.System).For(ShopRoles.Admin),
            "garbage" => "Bearer not-a-token",
            _ => "Basic dXNlcjpwYXNz",
        };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        await ShouldBeProblem(await client.GetAsync("api/products"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("api/products?pageSize=1000", "pageSize")]
    [InlineData("api/products?pageSize=0", "pageSize")]
    [InlineData("api/products?pageSize=ten", "pageSize")]
    [InlineData("api/products?minPrice=-5", "minPrice")]
    [InlineData("api/products?minPrice=30&maxPrice=10", "maxPrice")]
    [InlineData("api/products?sort=random", "sort")]
    [InlineData("api/products?category=no-such-category", "category")]
    [InlineData("api/products?attribute=colour", "attribute")]
    [InlineData("api/products?continuationToken=made-up", "continuationToken")]
    public async Task Bad_listing_parameters_are_a_400_naming_the_parameter(string url, string field) =>
        await ShouldBeProblem(await _catalog.Anonymous.GetAsync(url), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await ShouldBeProblem(await _catalog.Anonymous.GetAsync("api/no-such-thing"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _catalog.Anonymous.GetAsync("api/products/prod_doesnotexist"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _catalog.Anonymous.GetAsync("api/products/by-slug/NOT%20A%20SLUG"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        await ShouldBeProblem(await _catalog.Merchandiser.SendRawAsync(HttpMethod.Post, "api/products", "name=Mug", "application/x-www-form-urlencoded"),
            HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task A_json_body_over_256_kb_is_a_413()
    {
        var huge = JsonSerializer.Serialize(new { name = "Huge", description = new { format = "text", content = new string('x', 300_000) } });
        await ShouldBeProblem(await _catalog.Merchandiser.SendRawAsync(HttpMethod.Post, "api/products", huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Unknown_category_and_collection_ids_on_a_product_are_refused()
    {
        var body = TestCatalog.ProductBody(TestCatalog.Unique("Orphan"), categoryIds: ["cat_missing"]);
        await ShouldBeProblem(await _catalog.Merchandiser.PostJsonAsync("api/products", body), HttpStatusCode.BadRequest, "categoryIds[0]");
    }

    [Theory]
    [InlineData("\"not-an-etag-this-api-issued\"")]
    [InlineData("W/\"bm9wZQ\"")]
    [InlineData("garbage without quotes")]
    public async Task An_if_match_the_api_never_issued_is_a_412_and_changes_nothing(string ifMatch)
    {
        var name = TestCatalog.Unique("Forged Etag");
        var (id, _, _) = await _catalog.CreateProductAsync(TestCatalog.ProductBody(name));
        await ShouldBeProblem(await _catalog.Merchandiser.PutJsonAsync($"api/products/{id}", TestCatalog.ProductBody(name + " changed"), ifMatch),
            HttpStatusCode.PreconditionFailed, "If-Match");
        (await (await _catalog.Anonymous.GetAsync($"api/products/{id}")).JsonAsync()).GetProperty("name").GetString().ShouldBe(name);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("0")]
    [InlineData("500")]
    public async Task A_bad_page_size_on_the_stock_audit_trail_is_a_400(string size) =>
        await ShouldBeProblem(await _catalog.Merchandiser.GetAsync($"api/inventory/ANY-SKU/adjustments?pageSize={size}"), HttpStatusCode.BadRequest, "pageSize");
}
