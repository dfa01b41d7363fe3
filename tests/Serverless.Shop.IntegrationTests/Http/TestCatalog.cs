using System.Net;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Builds catalog data through the API for a test, with unique names so tests sharing the shop do not meet.</summary>
public sealed class TestCatalog(LocalShopFixture fixture)
{
    public HttpClient Merchandiser { get; } = fixture.Client(ShopRoles.Merchandiser);
    public HttpClient Anonymous { get; } = fixture.Client();

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static object ProductBody(string name, decimal price = 19.90m, string? sku = null, string status = "active",
        string[]? categoryIds = null, string[]? tags = null, object[]? attributes = null, string? slug = null, decimal? salePrice = null) => new
    {
        name,
        slug,
        status,
        description = new { format = "markdown", content = "A **fine** product." },
        attributes = attributes ?? [new { name = "colour", type = "colour", value = "#336699" }],
        variants = new[] { new { sku = sku ?? Unique("SKU").ToUpperInvariant(), price = new { amount = price, currency = "EUR" }, salePrice = salePrice is null ? null : new { amount = salePrice.Value, currency = "EUR" } } },
        categoryIds = categoryIds ?? [],
        tags = tags ?? [],
    };

    public async Task<(string Id, string Slug, string ETag)> CreateProductAsync(object body)
    {
        var response = await Merchandiser.PostJsonAsync("api/products", body);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("slug").GetString()!, response.Headers.ETag!.Tag);
    }

    public async Task<string> CreateCategoryAsync(string name, string? parentId = null)
    {
        var response = await Merchandiser.PostJsonAsync("api/categories", new { name = Unique(name), parentId });
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetString()!;
    }
}
