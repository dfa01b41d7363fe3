using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class PercentOffTests
{
    [Fact]
    public void A_percentage_off_the_whole_cart_takes_that_share_off_every_line_by_name()
    {
        var cart = Request(Line("a", 20m), Line("b", 30m, quantity: 2)).Price(PercentOff(10));

        cart.LineDiscounts().ShouldBe([2.00m, 6.00m]);
        cart.Line("a").Discounts.ShouldHaveSingleItem().ShouldBe(new AppliedDiscount("promo_pct", "Promotion promo_pct", null, new Money(2.00m, Eur)));
        cart.DiscountTotal.ShouldBe(new Money(8.00m, Eur));
        cart.Total.ShouldBe(new Money(72.00m, Eur));
        cart.Promotions.ShouldHaveSingleItem().Discount.ShouldBe(new Money(8.00m, Eur));
    }

    [Fact]
    public void A_percentage_off_a_product_leaves_the_other_lines_alone()
    {
        var cart = Request(Line("a", 20m), Line("b", 30m)).Price(PercentOff(50, Products("prod_b")));

        cart.LineDiscounts().ShouldBe([0m, 15.00m]);
        cart.Line("a").Discounts.ShouldBeEmpty();
    }

    [Fact]
    public void A_percentage_is_taken_off_the_sale_price_when_there_is_one()
    {
        var cart = Request(Line("a", 20m, sale: 15m, quantity: 2)).Price(PercentOff(10));

        var line = cart.Line("a");
        line.ListTotal.ShouldBe(new Money(30.00m, Eur));
        line.UnitListPrice.ShouldBe(new Money(20m, Eur));
        line.UnitSalePrice.ShouldBe(new Money(15m, Eur));
        line.DiscountTotal.ShouldBe(new Money(3.00m, Eur));
        line.Total.ShouldBe(new Money(27.00m, Eur));
    }

    [Fact]
    public void A_hundred_percent_off_makes_the_lines_free_and_never_negative()
    {
        var cart = Request(Line("a", 19.99m, quantity: 3)).Price(PercentOff(100).Priority(1), PercentOff(50, id: "promo_more").Priority(2));

        cart.Line("a").Total.Amount.ShouldBe(0m);
        cart.Total.Amount.ShouldBe(0m);
        cart.Promotions.ShouldHaveSingleItem().PromotionId.ShouldBe("promo_pct");
    }
}

public sealed class AmountOffTests
{
    [Fact]
    public void An_amount_off_is_spread_over_the_targeted_lines_in_proportion_to_their_price()
    {
        var cart = Request(Line("a", 30m), Line("b", 10m)).Price(AmountOff(10));

        cart.LineDiscounts().ShouldBe([7.50m, 2.50m]);
        cart.Total.ShouldBe(new Money(30.00m, Eur));
    }

    [Fact]
    public void An_amount_that_does_not_divide_evenly_loses_no_cent_between_the_lines()
    {
        var cart = Request(Line("a", 10m), Line("b", 10m), Line("c", 10m)).Price(AmountOff(10));

        cart.LineDiscounts().ShouldBe([3.34m, 3.33m, 3.33m]);
        cart.DiscountTotal.Amount.ShouldBe(10.00m);
        cart.Total.Amount.ShouldBe(20.00m);
    }

    [Fact]
    public void An_amount_larger_than_the_targeted_lines_takes_only_what_they_cost()
    {
        var cart = Request(Line("a", 8m), Line("b", 30m)).Price(AmountOff(20, Products("prod_a")));

        cart.LineDiscounts().ShouldBe([8.00m, 0m]);
        cart.Promotions.ShouldHaveSingleItem().Discount.Amount.ShouldBe(8.00m);
        cart.Total.Amount.ShouldBe(30.00m);
    }

    [Fact]
    public void An_amount_in_another_currency_is_not_applied()
    {
        var cart = Request(Line("a", 30m)).Price(AmountOff(10, currency: "USD"));

        cart.Promotions.ShouldBeEmpty();
        cart.Total.Amount.ShouldBe(30m);
    }
}

public sealed class BuyXGetYTests
{
    private static Promotion BuyGet(int buy, int get, decimal percent = 100, PromotionTarget? target = null) =>
        Promo("promo_bogo", PromotionKind.BuyXGetY, target) with { BuyXGetY = new BuyXGetY(buy, get, percent) };

    [Fact]
    public void Buy_two_get_one_free_on_three_units_makes_one_unit_free()
    {
        var cart = Request(Line("a", 10m, quantity: 3)).Price(BuyGet(2, 1));

        cart.Line("a").DiscountTotal.Amount.ShouldBe(10.00m);
        cart.Total.Amount.ShouldBe(20.00m);
    }

    [Fact]
    public void The_free_unit_is_the_cheapest_of_the_targeted_units()
    {
        var cart = Request(Line("dear", 10m, quantity: 2), Line("cheap", 4m)).Price(BuyGet(2, 1));

        cart.LineDiscounts().ShouldBe([0m, 4.00m]);
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(8, 2)]
    [InlineData(9, 3)]
    public void Every_complete_group_of_buy_plus_get_units_gives_its_free_units(int units, int free)
    {
        var cart = Request(Line("a", 10m, quantity: units)).Price(BuyGet(2, 1));

        cart.Line("a").DiscountTotal.Amount.ShouldBe(free * 10m);
    }

    [Fact]
    public void The_get_units_can_be_discounted_by_a_percentage_instead_of_free()
    {
        var cart = Request(Line("a", 10m, quantity: 2)).Price(BuyGet(1, 1, percent: 50));

        cart.Line("a").DiscountTotal.Amount.ShouldBe(5.00m);
    }

    [Fact]
    public void Units_outside_the_target_neither_count_nor_get_discounted()
    {
        var cart = Request(Line("a", 10m, quantity: 2, tags: ["socks"]), Line("b", 1m, quantity: 5)).Price(BuyGet(2, 1, target: Tags("socks")));

        cart.DiscountTotal.Amount.ShouldBe(0m);
    }

    [Fact]
    public void Too_few_units_for_a_code_say_how_many_more_are_needed()
    {
        var cart = Request(Line("a", 10m, quantity: 2)).WithCodes("B2G1").Price(BuyGet(2, 1).WithCode("B2G1"));

        cart.DiscountTotal.Amount.ShouldBe(0m);
        cart.RejectedCodes.ShouldHaveSingleItem().ShouldBe(new CodeRejection("B2G1", "Add 1 more qualifying item to use this code."));
    }
}

public sealed class BundleTests
{
    private static Promotion Bundle(decimal price, params (string Product, int Quantity)[] parts) =>
        Promo("promo_bundle", PromotionKind.Bundle) with
        {
            Bundle = new BundleOffer(parts.Select(p => new BundleComponent(Products(p.Product), p.Quantity)).ToList(), new Money(price, Eur)),
        };

    [Fact]
    public void A_set_costs_the_bundle_price_and_the_saving_is_shared_by_its_items_in_proportion_to_their_prices()
    {
        var cart = Request(Line("a", 10m), Line("b", 8m)).Price(Bundle(15m, ("prod_a", 1), ("prod_b", 1)));

        cart.LineDiscounts().ShouldBe([1.67m, 1.33m]);
        cart.Total.Amount.ShouldBe(15.00m);
    }

    [Fact]
    public void As_many_complete_sets_as_the_cart_holds_get_the_bundle_price()
    {
        var cart = Request(Line("a", 10m, quantity: 2), Line("b", 8m, quantity: 3)).Price(Bundle(15m, ("prod_a", 1), ("prod_b", 1)));

        cart.DiscountTotal.Amount.ShouldBe(6.00m);
        cart.Total.Amount.ShouldBe(2 * 15m + 8m);
    }

    [Fact]
    public void A_component_of_several_units_needs_them_all_for_a_set()
    {
        var cart = Request(Line("a", 10m, quantity: 5)).Price(Bundle(15m, ("prod_a", 2)));

        cart.DiscountTotal.Amount.ShouldBe(10.00m);
        cart.Total.Amount.ShouldBe(2 * 15m + 10m);
    }

    [Fact]
    public void An_incomplete_set_gets_nothing_and_a_code_says_so()
    {
        var cart = Request(Line("a", 10m, quantity: 3)).WithCodes("SET").Price(Bundle(15m, ("prod_a", 1), ("prod_b", 1)).WithCode("SET"));

        cart.DiscountTotal.Amount.ShouldBe(0m);
        cart.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("Nothing in the cart qualifies for this code.");
    }

    [Fact]
    public void A_bundle_price_above_what_the_items_cost_gives_nothing()
    {
        var cart = Request(Line("a", 5m), Line("b", 5m)).Price(Bundle(15m, ("prod_a", 1), ("prod_b", 1)));

        cart.Promotions.ShouldBeEmpty();
        cart.Total.Amount.ShouldBe(10m);
    }

    [Fact]
    public void A_unit_counts_for_one_component_only()
    {
        // Both components match the same product: two units make one set, three units still one.
        var either = Promo("promo_bundle", PromotionKind.Bundle) with
        {
            Bundle = new BundleOffer([new BundleComponent(Categories("cat_mugs"), 1), new BundleComponent(Categories("cat_mugs"), 1)], new Money(15m, Eur)),
        };

        var cart = Request(Line("a", 10m, quantity: 3, categories: ["cat_mugs"])).Price(either);

        cart.DiscountTotal.Amount.ShouldBe(5.00m);
    }
}

public sealed class TieredTests
{
    private static Promotion SpendTiers(PromotionTarget? target = null) => Promo("promo_tiers", PromotionKind.Tiered, target) with
    {
        TierMeasure = TierMeasure.Spend,
        Tiers = [new PromotionTier(100m, 10m, null), new PromotionTier(50m, 5m, null)],
    };

    [Theory]
    [InlineData(49.99, 0)]
    [InlineData(50.00, 2.50)]
    [InlineData(99.99, 5.00)]
    [InlineData(100.00, 10.00)]
    [InlineData(250.00, 25.00)]
    public void The_highest_spend_tier_reached_applies_and_a_threshold_is_reached_at_exactly_its_amount(decimal spend, decimal discount)
    {
        var cart = Request(Line("a", spend)).Price(SpendTiers());

        cart.DiscountTotal.Amount.ShouldBe(discount);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 5)]
    [InlineData(5, 12)]
    public void Quantity_tiers_count_targeted_units_and_can_take_an_amount_off(int units, decimal discount)
    {
        var tiers = Promo("promo_tiers", PromotionKind.Tiered, Tags("tea")) with
        {
            TierMeasure = TierMeasure.Quantity,
            Tiers = [new PromotionTier(3m, null, new Money(5m, Eur)), new PromotionTier(5m, null, new Money(12m, Eur))],
        };

        var cart = Request(Line("a", 4m, quantity: units, tags: ["tea"]), Line("b", 100m)).Price(tiers);

        cart.DiscountTotal.Amount.ShouldBe(discount);
        cart.Line("b").DiscountTotal.Amount.ShouldBe(0m);
    }

    [Fact]
    public void Spend_counts_only_the_targeted_lines()
    {
        var cart = Request(Line("a", 60m, categories: ["cat_tea"]), Line("b", 60m)).Price(SpendTiers(Categories("cat_tea")));

        cart.LineDiscounts().ShouldBe([3.00m, 0m]);
    }

    [Fact]
    public void A_code_below_the_first_tier_says_how_much_is_needed()
    {
        var cart = Request(Line("a", 20m)).WithCodes("TIERS").Price(SpendTiers().WithCode("TIERS"));

        cart.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("This code needs qualifying items worth at least 50.00 EUR.");
    }
}

public sealed class FreeShippingTests
{
    [Fact]
    public void Free_shipping_takes_the_whole_fee_off_and_leaves_the_lines_alone()
    {
        var cart = Request(Line("a", 30m)).Shipping(4.90m).Price(FreeShipping());

        cart.ShippingFee.Amount.ShouldBe(4.90m);
        cart.ShippingDiscount.Amount.ShouldBe(4.90m);
        cart.DiscountTotal.Amount.ShouldBe(0m);
        cart.Total.Amount.ShouldBe(30.00m);
        cart.Promotions.ShouldHaveSingleItem().Discount.Amount.ShouldBe(4.90m);
    }

    [Fact]
    public void A_shipping_discount_can_be_a_percentage_of_the_fee()
    {
        var cart = Request(Line("a", 30m)).Shipping(5.00m).Price(FreeShipping(percent: 50));

        cart.ShippingDiscount.Amount.ShouldBe(2.50m);
        cart.Total.Amount.ShouldBe(32.50m);
    }

    [Fact]
    public void Free_shipping_is_listed_before_the_fee_is_known_and_its_code_is_not_refused()
    {
        var cart = Request(Line("a", 30m)).WithCodes("SHIPFREE").Price(FreeShipping().WithCode("SHIPFREE"));

        cart.Promotions.ShouldHaveSingleItem().Discount.Amount.ShouldBe(0m);
        cart.RejectedCodes.ShouldBeEmpty();
        cart.ShippingFee.Amount.ShouldBe(0m);
    }

    [Fact]
    public void A_free_shipping_code_on_a_cart_that_ships_free_anyway_says_so()
    {
        var cart = Request(Line("a", 30m)).Shipping(0m).WithCodes("SHIPFREE").Price(FreeShipping().WithCode("SHIPFREE"));

        cart.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("Shipping is already free.");
    }

    [Fact]
    public void Free_shipping_from_a_minimum_subtotal_applies_only_from_that_subtotal()
    {
        var promotion = FreeShipping() with { Eligibility = Eligibility.Everyone with { MinimumSubtotal = new Money(50m, Eur) } };

        Request(Line("a", 49.99m)).Shipping(4.90m).Price(promotion).ShippingDiscount.Amount.ShouldBe(0m);
        Request(Line("a", 50.00m)).Shipping(4.90m).Price(promotion).ShippingDiscount.Amount.ShouldBe(4.90m);
    }
}
