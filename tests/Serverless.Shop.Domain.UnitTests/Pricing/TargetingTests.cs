using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class TargetingTests
{
    private static readonly PricingRequest Cart = Request(
        Line("mug", 10m, product: "prod_mug", sku: "MUG-RED", categories: ["cat_kitchen", "cat_mugs"], collections: ["col_staff-picks"], tags: ["gift"]),
        Line("pan", 40m, product: "prod_pan", sku: "PAN-28", categories: ["cat_kitchen", "cat_pans"], tags: ["cookware"]),
        Line("tee", 20m, product: "prod_tee", sku: "TEE-M", categories: ["cat_clothing"]));

    private static string[] Discounted(PromotionTarget target) =>
        Cart.Price(PercentOff(10, target)).Lines.Where(l => l.DiscountTotal.Amount > 0).Select(l => l.LineId).ToArray();

    [Fact]
    public void The_whole_cart_target_discounts_every_line() =>
        Discounted(PromotionTarget.WholeCart).ShouldBe(["mug", "pan", "tee"]);

    [Fact]
    public void A_product_target_discounts_every_variant_of_the_product() =>
        Discounted(Products("prod_pan", "prod_unknown")).ShouldBe(["pan"]);

    [Fact]
    public void A_variant_target_discounts_only_that_sku() =>
        Discounted(Variants("MUG-RED")).ShouldBe(["mug"]);

    [Fact]
    public void A_parent_category_target_discounts_the_products_of_its_child_categories() =>
        Discounted(Categories("cat_kitchen")).ShouldBe(["mug", "pan"]);

    [Fact]
    public void A_child_category_target_discounts_only_its_own_products() =>
        Discounted(Categories("cat_pans")).ShouldBe(["pan"]);

    [Fact]
    public void A_collection_target_discounts_the_hand_picked_products() =>
        Discounted(Collections("col_staff-picks")).ShouldBe(["mug"]);

    [Fact]
    public void A_tag_target_matches_tags_whatever_their_case() =>
        Discounted(Tags("COOKWARE", "gift")).ShouldBe(["mug", "pan"]);

    [Fact]
    public void A_target_that_matches_nothing_discounts_nothing() =>
        Discounted(Categories("cat_garden")).ShouldBeEmpty();
}
