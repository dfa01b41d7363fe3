using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class StackingTests
{
    private static PricedCart Price(StackingStrategy strategy, PricingRequest request, params Promotion[] promotions) =>
        Engine(strategy).Price(request, promotions);

    private static string[] Applied(PricedCart cart) => cart.Promotions.Select(p => p.PromotionId).ToArray();

    [Theory]
    [InlineData(StackingStrategy.InPriorityOrder)]
    [InlineData(StackingStrategy.BestForCustomer)]
    public void Stackable_percentages_compound_on_what_is_left(StackingStrategy strategy)
    {
        var cart = Price(strategy, Request(Line("a", 100m)), PercentOff(10, id: "promo_a").Priority(1), PercentOff(10, id: "promo_b").Priority(2));

        cart.DiscountTotal.Amount.ShouldBe(19m);
        cart.Line("a").Discounts.Select(d => d.Amount.Amount).ShouldBe([10m, 9m]);
    }

    [Theory]
    [InlineData(1, 2, 81)]
    [InlineData(2, 1, 80)]
    public void Stackable_promotions_apply_in_priority_order(int amountPriority, int percentPriority, decimal total)
    {
        // 10 off then 10 % of the rest: 100 - 10 - 9 = 81; 10 % then 10 off: 100 - 10 - 10 = 80.
        var cart = Request(Line("a", 100m)).Price(AmountOff(10).Priority(amountPriority), PercentOff(10).Priority(percentPriority));

        cart.Total.Amount.ShouldBe(total);
        Applied(cart).ShouldBe(amountPriority < percentPriority ? ["promo_amt", "promo_pct"] : ["promo_pct", "promo_amt"]);
    }

    [Fact]
    public void In_priority_order_an_exclusive_promotion_met_first_is_the_only_one_applied()
    {
        var cart = Price(StackingStrategy.InPriorityOrder, Request(Line("a", 100m)),
            PercentOff(5, id: "promo_excl").Exclusive(priority: 1), PercentOff(20, id: "promo_big").Priority(2));

        Applied(cart).ShouldBe(["promo_excl"]);
        cart.Total.Amount.ShouldBe(95m);
    }

    [Fact]
    public void In_priority_order_an_exclusive_promotion_met_after_others_applied_is_skipped_and_its_code_says_why()
    {
        var cart = Price(StackingStrategy.InPriorityOrder, Request(Line("a", 100m)).WithCodes("BIG"),
            PercentOff(5, id: "promo_small").Priority(1), PercentOff(30, id: "promo_excl").Exclusive(priority: 2).WithCode("BIG"));

        Applied(cart).ShouldBe(["promo_small"]);
        cart.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("This code cannot be combined with Promotion promo_small.");
    }

    [Fact]
    public void In_priority_order_an_exclusive_promotion_that_targets_nothing_does_not_stop_the_others()
    {
        var cart = Price(StackingStrategy.InPriorityOrder, Request(Line("a", 100m)),
            PercentOff(50, Categories("cat_garden"), id: "promo_excl").Exclusive(priority: 1), PercentOff(10).Priority(2));

        Applied(cart).ShouldBe(["promo_pct"]);
    }

    [Fact]
    public void A_code_left_out_by_an_exclusive_promotion_names_it()
    {
        var cart = Price(StackingStrategy.InPriorityOrder, Request(Line("a", 100m)).WithCodes("TEN"),
            PercentOff(15, id: "promo_flash").Exclusive(priority: 1) with { Name = "Flash sale" }, PercentOff(10).Priority(2).WithCode("TEN"));

        Applied(cart).ShouldBe(["promo_flash"]);
        cart.RejectedCodes.ShouldHaveSingleItem().ShouldBe(new CodeRejection("TEN", "This code cannot be combined with Flash sale."));
    }

    [Fact]
    public void Best_for_customer_picks_an_exclusive_promotion_that_beats_the_stack()
    {
        var cart = Price(StackingStrategy.BestForCustomer, Request(Line("a", 100m)),
            PercentOff(10, id: "promo_a").Priority(1), PercentOff(10, id: "promo_b").Priority(2), PercentOff(30, id: "promo_excl").Exclusive(priority: 9));

        Applied(cart).ShouldBe(["promo_excl"]);
        cart.Total.Amount.ShouldBe(70m);
    }

    [Fact]
    public void Best_for_customer_keeps_the_stack_when_it_beats_every_exclusive_promotion_and_the_code_says_why()
    {
        var cart = Price(StackingStrategy.BestForCustomer, Request(Line("a", 100m)).WithCodes("THIRTY"),
            PercentOff(20, id: "promo_a").Priority(5), PercentOff(20, id: "promo_b").Priority(6), PercentOff(30, id: "promo_excl").Exclusive(priority: 1).WithCode("THIRTY"));

        Applied(cart).ShouldBe(["promo_a", "promo_b"]);
        cart.Total.Amount.ShouldBe(64m);
        cart.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("This code cannot be combined with Promotion promo_a, Promotion promo_b, which together save more.");
    }

    [Fact]
    public void Best_for_customer_keeps_the_stack_on_a_tie()
    {
        var cart = Price(StackingStrategy.BestForCustomer, Request(Line("a", 100m)),
            AmountOff(20, id: "promo_stack"), AmountOff(20, id: "promo_excl").Exclusive(priority: 1));

        Applied(cart).ShouldBe(["promo_stack"]);
    }

    [Fact]
    public void Best_for_customer_picks_the_larger_of_two_exclusive_promotions_and_the_earlier_one_on_a_tie()
    {
        var request = Request(Line("a", 100m));

        Applied(Price(StackingStrategy.BestForCustomer, request, PercentOff(10, id: "promo_x").Exclusive(1), PercentOff(25, id: "promo_y").Exclusive(2)))
            .ShouldBe(["promo_y"]);
        Applied(Price(StackingStrategy.BestForCustomer, request, PercentOff(25, id: "promo_x").Exclusive(2), PercentOff(25, id: "promo_y").Exclusive(1)))
            .ShouldBe(["promo_y"]);
    }

    [Fact]
    public void Best_for_customer_compares_what_the_customer_pays_including_shipping()
    {
        // 5 % of 40 saves 2.00; free shipping saves 4.90.
        var cart = Price(StackingStrategy.BestForCustomer, Request(Line("a", 40m)).Shipping(4.90m),
            PercentOff(5, id: "promo_pct"), FreeShipping(id: "promo_ship").Exclusive(1));

        Applied(cart).ShouldBe(["promo_ship"]);
        cart.Total.Amount.ShouldBe(40m);
    }

    [Fact]
    public void In_priority_order_a_lower_priority_number_wins_even_when_it_saves_less()
    {
        var cart = Price(StackingStrategy.InPriorityOrder, Request(Line("a", 100m)),
            PercentOff(10, id: "promo_x").Exclusive(1), PercentOff(25, id: "promo_y").Exclusive(2));

        Applied(cart).ShouldBe(["promo_x"]);
    }

    [Theory]
    [InlineData(StackingStrategy.InPriorityOrder)]
    [InlineData(StackingStrategy.BestForCustomer)]
    public void The_result_does_not_depend_on_the_order_the_promotions_come_in(StackingStrategy strategy)
    {
        var request = Request(Line("a", 33.33m, quantity: 3, tags: ["gift"]), Line("b", 9.99m), Line("c", 120m, categories: ["cat_x"])).Shipping(5.95m);
        Promotion[] promotions =
        [
            PercentOff(15, id: "p1"), AmountOff(7, Tags("gift"), id: "p2"), PercentOff(12.5m, Categories("cat_x"), id: "p3").Exclusive(3),
            FreeShipping(id: "p4"), AmountOff(30, id: "p5").Exclusive(1), PercentOff(10, id: "p6"),
        ];
        var expected = Engine(strategy).Price(request, promotions);

        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var shuffled = promotions.OrderBy(_ => random.Next()).ToArray();
            var cart = Engine(strategy).Price(request, shuffled);
            cart.Total.ShouldBe(expected.Total);
            cart.Promotions.ShouldBe(expected.Promotions);
            cart.Lines.Select(l => l.DiscountTotal).ShouldBe(expected.Lines.Select(l => l.DiscountTotal));
        }
    }
}
