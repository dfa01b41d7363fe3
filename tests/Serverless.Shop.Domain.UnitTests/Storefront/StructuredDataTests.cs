using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using static Serverless.Shop.Domain.UnitTests.Storefront.StorefrontExamples;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

public sealed class StructuredDataTests
{
    private static readonly Uri Url = new("https://shop.test/products/creme-brulee-mug");
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

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
        var product = StructuredData.Product(TwoVariantMug(), Url, [], "A mug.", Now);

        product["@type"].ShouldBe("Product");
        var offers = product["offers"].ShouldBeAssignableTo<IEnumerable<Dictionary<string, object?>>>()!.ToList();
        offers.Select(o => o["sku"]).ShouldBe(["MUG-RED", "MUG-BLUE"]);
        offers.Select(o => o["price"]).ShouldBe(["12.50", "9.90"]);
        offers.ShouldAllBe(o => (string)o["priceCurrency"]! == "EUR" && (string)o["url"]! == Url.ToString());
    }

    [Fact]
    public void A_product_names_its_brand_and_each_offer_its_gtin_or_mpn_as_the_feeds_do()
    {
        var mug = TwoVariantMug() with
        {
            Attributes = [new ProductAttribute("Brand", AttributeType.Text, " Harbour Ceramics ", null)],
            Variants = [TwoVariantMug().Variants[0] with { Gtin = "4006381333931" }, TwoVariantMug().Variants[1] with { Mpn = "HC-MUG-BLUE" }],
        };

        var product = StructuredData.Product(mug, Url, [], "A mug.", Now);

        var brand = product["brand"].ShouldBeOfType<Dictionary<string, object?>>();
        brand["@type"].ShouldBe("Brand");
        brand["name"].ShouldBe("Harbour Ceramics");
        var offers = product["offers"].ShouldBeAssignableTo<IEnumerable<Dictionary<string, object?>>>()!.ToList();
        offers[0]["gtin"].ShouldBe("4006381333931");
        offers[0].ShouldNotContainKey("mpn");
        offers[1]["mpn"].ShouldBe("HC-MUG-BLUE");
        offers[1].ShouldNotContainKey("gtin");
        StructuredData.Product(TwoVariantMug(), Url, [], "A mug.", Now).ShouldNotContainKey("brand");
    }

    [Fact]
    public void A_live_flash_sale_sets_the_offer_price_until_its_last_day_and_a_sold_out_or_later_one_does_not()
    {
        static ProductFlashSale Sale(string sku, DateTimeOffset startsAt, int unitsLeft) =>
            new("sale_1", "Rush", startsAt, Now.AddHours(6), 2, [new ProductFlashSaleVariant(sku, new Money(7m, "EUR"), unitsLeft)]);

        Dictionary<string, object?> RedOffer(ProductFlashSale sale) =>
            StructuredData.Product(TwoVariantMug() with { FlashSales = [sale] }, Url, [], "A mug.", Now)["offers"]
                .ShouldBeAssignableTo<IEnumerable<Dictionary<string, object?>>>()!.First();

        var live = RedOffer(Sale("MUG-RED", Now.AddHours(-1), 3));
        live["price"].ShouldBe("7.00");
        live["priceValidUntil"].ShouldBe("2026-12-07");

        var soldOut = RedOffer(Sale("MUG-RED", Now.AddHours(-1), 0));
        soldOut["price"].ShouldBe("12.50");
        soldOut.ShouldNotContainKey("priceValidUntil");

        RedOffer(Sale("MUG-RED", Now.AddHours(1), 3))["price"].ShouldBe("12.50");
    }

    [Fact]
    public void A_product_without_reviews_has_no_aggregate_rating()
    {
        StructuredData.Product(TwoVariantMug(), Url, [], "A mug.", Now).ShouldNotContainKey("aggregateRating");
        StructuredData.Product(TwoVariantMug() with { Rating = ProductRating.Of([]) }, Url, [], "A mug.", Now).ShouldNotContainKey("aggregateRating");
    }

    [Fact]
    public void A_reviewed_product_has_its_average_and_count_as_aggregate_rating()
    {
        var product = StructuredData.Product(TwoVariantMug() with { Rating = ProductRating.Of([5, 4, 4]) }, Url, [], "A mug.", Now);

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
