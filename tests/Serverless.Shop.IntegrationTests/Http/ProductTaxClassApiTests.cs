using System.Net;
using System.Text.Json;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>A product's tax class through the API: kept, defaulted, and refused when malformed.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class ProductTaxClassApiTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);

    private static object WithTaxClass(object body, string? taxClass)
    {
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["taxClass"] = taxClass;
        return json;
    }

    [Fact]
    public async Task A_product_keeps_its_tax_class_and_one_without_is_standard()
    {
        var reduced = await _catalog.CreateProductAsync(WithTaxClass(TestCatalog.ProductBody(TestCatalog.Unique("Book")), "reduced"));
        var plain = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Pen")));

        (await (await _catalog.Anonymous.GetAsync($"api/products/{reduced.Id}")).JsonAsync()).GetProperty("taxClass").GetString().ShouldBe("reduced");
        (await (await _catalog.Anonymous.GetAsync($"api/products/{plain.Id}")).JsonAsync()).GetProperty("taxClass").GetString().ShouldBe("standard");
    }

    [Fact]
    public async Task A_malformed_tax_class_is_refused_naming_the_field_and_nothing_is_created()
    {
        var name = TestCatalog.Unique("Bad tax class");

        var response = await _catalog.Merchandiser.PostJsonAsync("api/products", WithTaxClass(TestCatalog.ProductBody(name), "Reduced Rate!"));

        await ShouldBeProblem(response, HttpStatusCode.BadRequest, "taxClass");
        var listing = await (await _catalog.Merchandiser.GetAsync($"api/products?search={Uri.EscapeDataString(name.ToLowerInvariant())}")).JsonAsync();
        listing.GetProperty("items").GetArrayLength().ShouldBe(0);
    }
}
