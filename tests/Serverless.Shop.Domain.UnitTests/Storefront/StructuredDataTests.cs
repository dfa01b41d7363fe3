using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using static Serverless.Shop.Domain.UnitTests.Storefront.StorefrontExamples;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

public sealed class StructuredDataTests
{
    private static readonly Uri Url = new("https://shop.test/products/creme-brulee-mug");

    private static Product TwoVariantMug() => CatalogExamples.ExistingMug() with
    {
        Variants =
        [
            new ProductVariant("MUG-RED", "Red", new Dictionary<string, string>(), new Money(12.50m, "EUR"), null),
            new ProductVariant("MUG-BLUE", "Blue", new Dictionary<string, string>(), new Money(14m, "EUR"), new Money(9.9m, "EUR")),
        ],
    };

    [Fact]
    public void A_product_has_one_offer_per_variant_at_the_price_a_shopper_pays()
    {
        var product = StructuredData.Product(TwoVariantMug(), Url, [], "A mug.");

        product["@type"].ShouldBe("Product");
        var offers = product["offers"].ShouldBeAssignableTo<IEnumerable<Dictionary<string, object?>>>()!.ToList();
        offers.Select(o => o["sku"]).ShouldBe(["MUG-RED", "MUG-BLUE"]);
        offers.Select(o => o["price"]).ShouldBe(["12.50", "9.90"]);
        offers.ShouldAllBe(o => (string)o["priceCurrency"]! == "EUR" && (string)o["url"]! == Url.ToString());
    }

    [Fact]
    public void A_product_without_reviews_has_no_aggregate_rating()
    {
        StructuredData.Product(TwoVariantMug(), Url, [], "A mug.").ShouldNotContainKey("aggregateRating");
        StructuredData.Product(TwoVariantMug() with { Rating = ProductRating.Of([]) }, Url, [], "A mug.").ShouldNotContainKey("aggregateRating");
    }

    [Fact]
    public void A_reviewed_product_has_its_average_and_count_as_aggregate_rating()
    {
        var product = StructuredData.Product(TwoVariantMug() with { Rating = ProductRating.Of([5, 4, 4]) }, Url, [], "A mug.");

        var rating = product["aggregateRating"].ShouldBeOfType<Dictionary<string, object?>>();
        rating["ratingValue"].ShouldBe("4.33");
        rating["reviewCount"].ShouldBe(3);
    }

    [Fact]
    public void Breadcrumbs_are_listed_in_order_from_one()
    {
        var trail = StructuredData.Breadcrumbs([new PageLink("Home", new Uri("https://shop.test/")), new PageLink("Mugs", new Uri("https://shop.test/categories/mugs"))]);

        var items = trail["itemListElement"].ShouldBeAssignableTo<IEnumerable<Dictionary<string, object?>>>()!.ToList();
        items.Select(i => $"{i["position"]} {i["name"]} {i["item"]}").ShouldBe(["1 Home https://shop.test/", "2 Mugs https://shop.test/categories/mugs"]);
    }

    [Fact]
    public void The_organization_is_the_shop_at_its_home_page()
    {
        var organization = StructuredData.Organization(Site);

        organization["name"].ShouldBe("Test Shop");
        organization["url"].ShouldBe("https://shop.test/");
    }
}
