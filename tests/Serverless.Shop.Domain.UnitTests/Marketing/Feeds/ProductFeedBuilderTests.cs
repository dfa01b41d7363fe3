using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Pricing;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Feeds;

/// <summary>Feed items from the catalog: one per variant, every required field checked, sale prices as the cart would charge them.</summary>
public sealed class ProductFeedBuilderTests
{
    private static readonly DateTimeOffset Now = CatalogExamples.Now;
    private static readonly Uri Storefront = new("https://shop.example/");
    private readonly ProductFeedBuilder _builder = new(new PromotionEngine(new PricingSettings()));

    private static ProductInput Input(string name = "Crème Brûlée Mug", params VariantInput[] variants) => CatalogExamples.MugInput() with
    {
        Name = name,
        Status = ProductStatus.Active,
        Description = new DescriptionInput(RichTextFormat.Markdown, "A **fine** mug & saucer."),
        Attributes = [new AttributeInput("Brand", AttributeType.Text, "Acme", null)],
        CategoryIds = [CatalogExamples.Mugs.Id],
        Variants = variants.Length > 0 ? variants : [CatalogExamples.Variant() with { Gtin = "4006381333931" }],
    };

    private static Product Product(ProductInput input, string id = "prod_mug", int images = 2) =>
        ProductRules.Build(input, id, null, CatalogExamples.Categories, CatalogExamples.ManualCollectionIds, "EUR", Now.AddDays(-1))
            with { Images = Enumerable.Range(1, images).Select(CatalogExamples.Image).ToList() };

    private ProductFeed Build(IReadOnlyList<Product> products, IReadOnlyList<Promotion>? promotions = null, Dictionary<string, int>? stock = null) =>
        _builder.Build(new FeedSources(products, CatalogExamples.Categories, stock ?? new Dictionary<string, int> { ["MUG-RED"] = 5 },
            promotions ?? [], Storefront, "EUR", Now));

    [Fact]
    public void A_complete_product_becomes_an_item_with_every_required_field()
    {
        var feed = Build([Product(Input())]);
        feed.Skipped.ShouldBeEmpty();
        var item = feed.Items.ShouldHaveSingleItem();
        item.Id.ShouldBe("MUG-RED");
        item.ItemGroupId.ShouldBe("prod_mug");
        item.Title.ShouldBe("Crème Brûlée Mug");
        item.Description.ShouldBe("A fine mug & saucer.");
        item.Availability.ShouldBe(FeedAvailability.InStock);
        item.Price.ShouldBe(new Money(12.50m, "EUR"));
        item.SalePrice.ShouldBeNull();
        item.Brand.ShouldBe("Acme");
        item.Gtin.ShouldBe("4006381333931");
        item.ImageLink.ShouldBe("https://cdn.test/img_1.png");
        item.AdditionalImageLinks.ShouldBe(["https://cdn.test/img_2.png"]);
        item.ProductType.ShouldBe("Kitchen > Mugs");
        item.Link.ShouldBe("https://shop.example/products/creme-brulee-mug");
    }

    [Fact]
    public void A_variant_without_stock_is_out_of_stock()
    {
        var feed = Build([Product(Input())], stock: []);
        feed.Items.ShouldHaveSingleItem().Availability.ShouldBe(FeedAvailability.OutOfStock);
    }

    [Fact]
    public void Each_variant_is_an_item_of_the_products_group_with_its_options_in_the_title()
    {
        var product = Product(Input("Mug",
            CatalogExamples.Variant("MUG-RED", options: CatalogExamples.Options(("colour", "red"))),
            CatalogExamples.Variant("MUG-BLUE", 14m, options: CatalogExamples.Options(("colour", "blue")))));
        var feed = Build([product]);
        feed.Items.Select(i => (i.Id, i.ItemGroupId, i.Title, i.Price.Amount)).ShouldBe(
            [("MUG-RED", "prod_mug", "Mug - red", 12.50m), ("MUG-BLUE", "prod_mug", "Mug - blue", 14m)]);
        // Neither has a GTIN or MPN: the item says so rather than being left out.
        feed.Items.ShouldAllBe(i => !i.HasIdentifier);
    }

    [Fact]
    public void A_product_without_brand_description_or_ready_image_is_left_out_with_every_reason()
    {
        var bare = Product(Input() with { Attributes = [], Description = null }, images: 0);
        var feed = Build([bare]);
        feed.Items.ShouldBeEmpty();
        var skipped = feed.Skipped.ShouldHaveSingleItem();
        skipped.ProductId.ShouldBe("prod_mug");
        skipped.Sku.ShouldBeNull();
        skipped.Reasons.Count.ShouldBe(3);
        skipped.Reasons.ShouldContain(r => r.Contains("brand"));
        skipped.Reasons.ShouldContain(r => r.Contains("description"));
        skipped.Reasons.ShouldContain(r => r.Contains("image"));
    }

    [Fact]
    public void A_variant_without_a_price_is_left_out_and_reported_while_its_siblings_stay()
    {
        var product = Product(Input("Mug",
            CatalogExamples.Variant("MUG-RED", options: CatalogExamples.Options(("colour", "red"))),
            CatalogExamples.Variant("MUG-BLUE", options: CatalogExamples.Options(("colour", "blue")))));
        // A price of zero (or none, in a document stored before prices were required) is no price to advertise.
        product = product with { Variants = [product.Variants[0], product.Variants[1] with { Price = new Money(0m, "EUR") }] };
        var feed = Build([product]);
        feed.Items.ShouldHaveSingleItem().Id.ShouldBe("MUG-RED");
        var skipped = feed.Skipped.ShouldHaveSingleItem();
        skipped.Sku.ShouldBe("MUG-BLUE");
        skipped.Reasons.ShouldBe(["no price."]);
    }

    [Fact]
    public void Drafts_and_archived_products_are_not_in_the_feed()
    {
        var feed = Build([Product(Input() with { Status = ProductStatus.Draft }), Product(Input() with { Status = ProductStatus.Archived }, id: "prod_old")]);
        feed.Items.ShouldBeEmpty();
        feed.Skipped.ShouldBeEmpty();
    }

    [Fact]
    public void The_catalog_sale_price_is_the_sale_price_without_dates()
    {
        var feed = Build([Product(Input("Mug", CatalogExamples.Variant(salePrice: 10m)))]);
        var item = feed.Items.ShouldHaveSingleItem();
        item.Price.Amount.ShouldBe(12.50m);
        item.SalePrice.ShouldBe(new Money(10m, "EUR"));
        item.SaleStartsAt.ShouldBeNull();
        item.SaleEndsAt.ShouldBeNull();
    }

    [Fact]
    public void A_live_automatic_promotion_for_everyone_gives_the_sale_price_and_its_window()
    {
        var ends = Now.AddDays(3);
        var starts = Now.AddDays(-1);
        var promotion = PricingExamples.PercentOff(20, PricingExamples.Products("prod_mug")) with { StartsAt = starts, EndsAt = ends };
        var item = Build([Product(Input())], promotions: [promotion]).Items.ShouldHaveSingleItem();
        item.SalePrice.ShouldBe(new Money(10m, "EUR"));
        item.SaleStartsAt.ShouldBe(starts);
        item.SaleEndsAt.ShouldBe(ends);
    }

    [Fact]
    public void Promotions_not_every_shopper_gets_do_not_make_a_sale_price()
    {
        var target = PricingExamples.Products("prod_mug");
        IReadOnlyList<Promotion> restricted =
        [
            PricingExamples.PercentOff(50, target, "p1").WithCode("SECRET"),
            PricingExamples.PercentOff(50, target, "p2") with { UsageLimit = 10 },
            PricingExamples.PercentOff(50, target, "p3") with { Eligibility = Eligibility.Everyone with { FirstOrderOnly = true } },
            PricingExamples.PercentOff(50, target, "p4") with { Eligibility = Eligibility.Everyone with { Segments = ["vip"] } },
            PricingExamples.PercentOff(50, target, "p5") with { CustomerId = "cust_1" },
            PricingExamples.PercentOff(50, target, "p6") with { Eligibility = Eligibility.Everyone with { MinimumSubtotal = new Money(100m, "EUR") } },
        ];
        Build([Product(Input())], promotions: restricted).Items.ShouldHaveSingleItem().SalePrice.ShouldBeNull();
    }

    [Fact]
    public void A_live_flash_sale_is_the_sale_price_with_its_window_and_promotions_for_everyone_apply_on_top()
    {
        var ends = Now.AddHours(6);
        var product = Product(Input());
        var sale = new ProductFlashSale("sale_1", "Rush", Now.AddHours(-1), ends, 2, [new ProductFlashSaleVariant(product.Variants[0].Sku, new Money(10m, "EUR"), 3)]);
        var promotion = PricingExamples.PercentOff(10, PricingExamples.Products("prod_mug"));

        var item = Build([product with { FlashSales = [sale] }], promotions: [promotion]).Items.ShouldHaveSingleItem();

        item.SalePrice.ShouldBe(new Money(9m, "EUR"));
        item.SaleStartsAt.ShouldBe(Now.AddHours(-1));
        item.SaleEndsAt.ShouldBe(ends);
        Build([product with { FlashSales = [sale with { Variants = [sale.Variants[0] with { UnitsLeft = 0 }] }] }]).Items.ShouldHaveSingleItem()
            .SalePrice.ShouldBeNull("a sold-out sale prices nothing, as in a cart");
        Build([product with { FlashSales = [sale with { StartsAt = Now.AddHours(1) }] }]).Items.ShouldHaveSingleItem()
            .SalePrice.ShouldBeNull("a scheduled sale is not announced before it starts");
    }

    [Fact]
    public void A_title_too_long_for_google_or_a_sku_too_long_for_an_item_id_is_reported()
    {
        var product = Product(Input(new string('M', 151)));
        var feed = Build([product with { Variants = [product.Variants[0] with { Sku = new string('S', 51) }] }]);
        feed.Items.ShouldBeEmpty();
        feed.Skipped.ShouldHaveSingleItem().Reasons.Count.ShouldBe(2);
    }

    [Fact]
    public void Markup_is_taken_out_of_descriptions_and_long_ones_are_cut_to_googles_limit()
    {
        ProductFeedBuilder.PlainText("<p>Hot &amp; <b>strong</b></p>\n<ul><li>tea</li></ul>").ShouldBe("Hot & strong tea");
        ProductFeedBuilder.PlainText(new string('x', 6000)).Length.ShouldBe(ProductFeedBuilder.MaximumDescriptionLength);
    }
}
