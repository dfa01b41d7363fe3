using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Pricing.Promotions.PromotionExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>Every field of a promotion, good and bad, with the field path the client sent.</summary>
public sealed class PromotionRulesTests
{
    private static PromotionTargetInput Target(TargetKind? kind, params string[] ids) => new(kind, ids);

    [Fact]
    public void A_valid_promotion_of_every_kind_is_built()
    {
        Build(PercentOff()).Percent.ShouldBe(20);
        Build(AmountOff()).Amount.ShouldBe(Euros(5));
        Build(BuyTwoGetOneFree()).BuyXGetY.ShouldBe(new BuyXGetY(2, 1, 100));
        Build(Bundle()).Bundle!.Components.Count.ShouldBe(2);
        Build(SpendTiers()).Tiers!.Select(t => t.Threshold).ShouldBe([50m, 100m]);
        Build(FreeShipping()).Kind.ShouldBe(PromotionKind.FreeShipping);
    }

    [Fact]
    public void Left_out_fields_take_their_defaults()
    {
        var promotion = Build(AmountOff());

        promotion.Target.ShouldBe(PromotionTarget.WholeCart);
        promotion.Stacking.ShouldBe(Stacking.Stackable);
        promotion.Priority.ShouldBe(PromotionRules.DefaultPriority);
        promotion.Enabled.ShouldBeTrue();
        promotion.Eligibility.ShouldBe(Eligibility.Everyone);
        promotion.Code.ShouldBeNull();
        promotion.CreatedAt.ShouldBe(FixedClock.Instant);
        promotion.UpdatedAt.ShouldBe(FixedClock.Instant);
    }

    [Fact]
    public void An_empty_input_reports_every_required_field_at_once()
    {
        var failure = Refuse(new PromotionInput());

        failure.ShouldReport("name", "is required.");
        failure.ShouldReport("kind", "is required.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_name_is_refused(string name) => Refuse(PercentOff() with { Name = name }).ShouldReport("name", "is required.");

    [Fact]
    public void A_name_of_101_characters_is_refused_and_100_accepted()
    {
        Refuse(PercentOff() with { Name = new string('n', 101) }).ShouldReport("name", "at most 100");
        Build(PercentOff() with { Name = new string('n', 100) }).Name.Length.ShouldBe(100);
    }

    [Fact]
    public void The_name_and_description_are_trimmed_and_an_overlong_description_is_refused()
    {
        var promotion = Build(PercentOff() with { Name = "  Sale  ", Description = "  Spring  " });
        promotion.Name.ShouldBe("Sale");
        promotion.Description.ShouldBe("Spring");
        Refuse(PercentOff() with { Description = new string('d', 1001) }).ShouldReport("description", "at most 1000");
    }

    // Percent off

    [Fact]
    public void A_percent_off_promotion_needs_its_percent() => Refuse(PercentOff() with { Percent = null }).ShouldReport("percent", "is required.");

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100.01)]
    [InlineData(250)]
    public void A_percent_outside_0_to_100_is_refused(decimal percent) => Refuse(PercentOff(percent)).ShouldReport("percent", "more than 0 and at most 100");

    [Fact]
    public void A_percent_with_three_decimals_is_refused_and_100_is_accepted()
    {
        Refuse(PercentOff(12.345m)).ShouldReport("percent", "at most 2 decimals");
        Build(PercentOff(100)).Percent.ShouldBe(100);
        Build(PercentOff(12.5m)).Percent.ShouldBe(12.5m);
    }

    // Fields of another kind

    [Fact]
    public void Fields_that_belong_to_another_kind_are_refused_by_name()
    {
        var failure = Refuse(PercentOff() with
        {
            Amount = Euros(5), BuyXGetY = new BuyXGetYInput(1, 1, 100), Bundle = new BundleInput([], Euros(1)),
            TierMeasure = TierMeasure.Spend, Tiers = [],
        });

        failure.ShouldReport("amount", "only applies to amountOff promotions");
        failure.ShouldReport("buyXGetY", "only applies to buyXGetY");
        failure.ShouldReport("bundle", "only applies to bundle");
        failure.ShouldReport("tierMeasure", "only applies to tiered");
        failure.ShouldReport("tiers", "only applies to tiered");
        Refuse(AmountOff() with { Percent = 10 }).ShouldReport("percent", "only applies to percentOff or freeShipping promotions");
    }

    // Amount off

    [Fact]
    public void An_amount_off_promotion_needs_its_amount() => Refuse(AmountOff() with { Amount = null }).ShouldReport("amount", "is required.");

    [Theory]
    [InlineData(0, "amount.amount")]
    [InlineData(-3, "amount.amount")]
    [InlineData(2_000_000, "amount.amount")]
    [InlineData(4.999, "amount.amount")]
    public void An_amount_that_is_not_a_valid_price_is_refused(decimal amount, string field) => Refuse(AmountOff(amount)).ShouldReport(field);

    [Fact]
    public void An_amount_in_another_currency_than_the_shops_is_refused()
    {
        Refuse(AmountOff() with { Amount = new Money(5, "USD") }).ShouldReport("amount.currency", "the shop's currency, EUR");
        Refuse(AmountOff() with { Amount = new Money(5, "XYZ") }).ShouldReport("amount.currency", "ISO 4217");
    }

    // Buy X get Y

    [Fact]
    public void Buy_x_get_y_needs_its_offer() => Refuse(BuyTwoGetOneFree() with { BuyXGetY = null }).ShouldReport("buyXGetY", "is required.");

    [Fact]
    public void Buy_x_get_y_needs_each_of_its_numbers()
    {
        var failure = Refuse(BuyTwoGetOneFree() with { BuyXGetY = new BuyXGetYInput(null, null, null) });

        failure.ShouldReport("buyXGetY.buy", "is required.");
        failure.ShouldReport("buyXGetY.get", "is required.");
        failure.ShouldReport("buyXGetY.percentOff", "is required.");
    }

    [Theory]
    [InlineData(0, 1, 100, "buyXGetY.buy")]
    [InlineData(-1, 1, 100, "buyXGetY.buy")]
    [InlineData(1001, 1, 100, "buyXGetY.buy")]
    [InlineData(2, 0, 100, "buyXGetY.get")]
    [InlineData(2, 1, 0, "buyXGetY.percentOff")]
    [InlineData(2, 1, 101, "buyXGetY.percentOff")]
    public void Buy_x_get_y_numbers_out_of_range_are_refused(int buy, int get, decimal percentOff, string field) =>
        Refuse(BuyTwoGetOneFree() with { BuyXGetY = new BuyXGetYInput(buy, get, percentOff) }).ShouldReport(field);

    // Bundles

    [Fact]
    public void A_bundle_needs_its_offer() => Refuse(Bundle() with { Bundle = null }).ShouldReport("bundle", "is required.");

    [Fact]
    public void A_bundle_of_one_component_is_refused()
    {
        var one = new BundleInput([new BundleComponentInput(Target(TargetKind.Products, "prod_mug"), 1)], Euros(10));
        Refuse(Bundle() with { Bundle = one }).ShouldReport("bundle.components", "2 to 20 components");
        Refuse(Bundle() with { Bundle = one with { Components = null } }).ShouldReport("bundle.components", "2 to 20 components");
    }

    [Fact]
    public void Each_bundle_component_needs_a_target_and_a_quantity_of_at_least_one()
    {
        var bundle = new BundleInput(
            [new BundleComponentInput(null, 1), new BundleComponentInput(Target(TargetKind.Products, "prod_mug"), 0), new BundleComponentInput(Target(TargetKind.Products, "prod_tea"), null)],
            Euros(10));
        var failure = Refuse(Bundle() with { Bundle = bundle });

        failure.ShouldReport("bundle.components[0].target", "is required.");
        failure.ShouldReport("bundle.components[1].quantity", "from 1 to 1000");
        failure.ShouldReport("bundle.components[2].quantity", "is required.");
    }

    [Fact]
    public void A_bundle_component_cannot_be_the_whole_cart_nor_name_bad_ids()
    {
        var bundle = new BundleInput(
            [new BundleComponentInput(Target(TargetKind.Cart), 1), new BundleComponentInput(Target(TargetKind.Products, "no/slashes"), 1)], Euros(10));
        var failure = Refuse(Bundle() with { Bundle = bundle });

        failure.ShouldReport("bundle.components[0].target.kind", "must name products");
        failure.ShouldReport("bundle.components[1].target.ids[0]");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    public void A_bundle_price_of_zero_or_less_is_refused(decimal price) =>
        Refuse(Bundle() with { Bundle = Bundle().Bundle! with { Price = Euros(price) } }).ShouldReport("bundle.price.amount", "greater than zero");

    [Fact]
    public void A_bundle_without_a_price_is_refused() =>
        Refuse(Bundle() with { Bundle = Bundle().Bundle! with { Price = null } }).ShouldReport("bundle.price", "is required.");

    [Fact]
    public void A_bundle_is_targeted_by_its_components_not_by_a_target() =>
        Refuse(Bundle() with { Target = Target(TargetKind.Products, "prod_mug") }).ShouldReport("target", "through its components");

    // Tiers

    [Fact]
    public void Tiered_promotions_need_a_measure_and_tiers()
    {
        var failure = Refuse(SpendTiers() with { TierMeasure = null, Tiers = null });

        failure.ShouldReport("tierMeasure", "is required.");
        failure.ShouldReport("tiers", "is required.");
    }

    [Fact]
    public void No_tiers_or_more_than_ten_are_refused()
    {
        Refuse(SpendTiers() with { Tiers = [] }).ShouldReport("tiers", "1 to 10 tiers");
        var eleven = Enumerable.Range(1, 11).Select(i => new PromotionTierInput(i * 10, i, null)).ToList();
        Refuse(SpendTiers() with { Tiers = eleven }).ShouldReport("tiers", "1 to 10 tiers");
        Build(SpendTiers() with { Tiers = eleven.Take(10).ToList() }).Tiers!.Count.ShouldBe(10);
    }

    [Fact]
    public void Thresholds_must_rise_strictly_from_tier_to_tier()
    {
        var failure = Refuse(SpendTiers() with { Tiers = [new(50, 5, null), new(50, 10, null), new(40, 15, null)] });

        failure.ShouldReport("tiers[1].threshold", "higher than the previous");
        failure.ShouldReport("tiers[2].threshold", "higher than the previous");
        failure.ShouldNotReport("tiers[0].threshold");
    }

    [Fact]
    public void A_tier_needs_its_threshold_and_exactly_one_of_percent_or_amount()
    {
        var failure = Refuse(SpendTiers() with { Tiers = [new(null, 5, null), new(100, null, null), new(200, 10, Euros(5))] });

        failure.ShouldReport("tiers[0].threshold", "is required.");
        failure.ShouldReport("tiers[1]", "exactly one of percent or amount");
        failure.ShouldReport("tiers[2]", "exactly one of percent or amount");
    }

    [Fact]
    public void A_tiers_percent_and_amount_follow_the_same_rules_as_elsewhere()
    {
        var failure = Refuse(SpendTiers() with { Tiers = [new(50, 0, null), new(100, null, Euros(-1)), new(150, null, new Money(5, "USD"))] });

        failure.ShouldReport("tiers[0].percent", "more than 0");
        failure.ShouldReport("tiers[1].amount.amount", "greater than zero");
        failure.ShouldReport("tiers[2].amount.currency", "the shop's currency");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-20)]
    [InlineData(10.555)]
    public void A_spend_threshold_must_be_a_positive_amount_in_the_currencys_decimals(decimal threshold) =>
        Refuse(SpendTiers() with { Tiers = [new(threshold, 5, null)] }).ShouldReport("tiers[0].threshold", "a spend tier");

    [Theory]
    [InlineData(0)]
    [InlineData(2.5)]
    [InlineData(100_001)]
    public void A_quantity_threshold_must_be_a_whole_number_of_units(decimal threshold) =>
        Refuse(SpendTiers() with { TierMeasure = TierMeasure.Quantity, Tiers = [new(threshold, 5, null)] }).ShouldReport("tiers[0].threshold", "a quantity tier");

    [Fact]
    public void Quantity_tiers_are_accepted_with_whole_numbers() =>
        Build(SpendTiers() with { TierMeasure = TierMeasure.Quantity, Tiers = [new(3, 5, null), new(6, 10, null)] }).TierMeasure.ShouldBe(TierMeasure.Quantity);

    // Free shipping

    [Fact]
    public void Free_shipping_may_take_a_lower_percent_within_0_to_100()
    {
        Build(FreeShipping()).Percent.ShouldBeNull();
        Build(FreeShipping() with { Percent = 50 }).Percent.ShouldBe(50);
        Refuse(FreeShipping() with { Percent = 0 }).ShouldReport("percent", "more than 0");
        Refuse(FreeShipping() with { Percent = 120 }).ShouldReport("percent", "at most 100");
    }

    // Targets

    [Fact]
    public void A_target_needs_its_kind() => Refuse(PercentOff() with { Target = Target(null, "cat_mugs") }).ShouldReport("target.kind", "is required.");

    [Theory]
    [InlineData(TargetKind.Products)]
    [InlineData(TargetKind.Variants)]
    [InlineData(TargetKind.Categories)]
    [InlineData(TargetKind.Collections)]
    [InlineData(TargetKind.Tags)]
    public void A_target_other_than_the_cart_needs_ids(TargetKind kind)
    {
        Refuse(PercentOff() with { Target = Target(kind) }).ShouldReport("target.ids", "at least one");
        Refuse(PercentOff() with { Target = new PromotionTargetInput(kind, null) }).ShouldReport("target.ids", "at least one");
    }

    [Fact]
    public void The_whole_cart_takes_no_ids() =>
        Refuse(PercentOff() with { Target = Target(TargetKind.Cart, "cat_mugs") }).ShouldReport("target.ids", "must be empty");

    [Fact]
    public void At_most_500_target_ids_are_accepted()
    {
        var ids = Enumerable.Range(0, 501).Select(i => $"prod_{i}").ToArray();
        Refuse(PercentOff() with { Target = Target(TargetKind.Products, ids) }).ShouldReport("target.ids", "at most 500");
        Build(PercentOff() with { Target = Target(TargetKind.Products, ids[..500]) }).Target.Ids.Count.ShouldBe(500);
    }

    [Fact]
    public void Each_bad_target_id_is_reported_at_its_position()
    {
        var failure = Refuse(PercentOff() with { Target = new PromotionTargetInput(TargetKind.Products, ["prod_ok", "bad id", null!, new string('x', 101)]) });

        failure.ShouldNotReport("target.ids[0]");
        failure.ShouldReport("target.ids[1]");
        failure.ShouldReport("target.ids[2]");
        failure.ShouldReport("target.ids[3]");
    }

    [Fact]
    public void Variant_skus_are_upper_cased_tags_lower_cased_and_duplicates_dropped()
    {
        Build(PercentOff() with { Target = Target(TargetKind.Variants, "mug-red", "MUG-RED", " mug-blue ") }).Target.Ids.ShouldBe(["MUG-RED", "MUG-BLUE"]);
        Build(PercentOff() with { Target = Target(TargetKind.Tags, "Tea", "tea ") }).Target.Ids.ShouldBe(["tea"]);
        Refuse(PercentOff() with { Target = Target(TargetKind.Variants, "not a sku!") }).ShouldReport("target.ids[0]", "not a valid SKU");
        Refuse(PercentOff() with { Target = Target(TargetKind.Tags, new string('t', 51)) }).ShouldReport("target.ids[0]", "tag of 1 to 50");
    }

    // Stacking, priority, dates

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void A_priority_outside_0_to_1000_is_refused(int priority) => Refuse(PercentOff() with { Priority = priority }).ShouldReport("priority", "from 0");

    [Fact]
    public void Priority_and_stacking_are_kept_as_sent()
    {
        var promotion = Build(PercentOff() with { Priority = 0, Stacking = Stacking.Exclusive });
        promotion.Priority.ShouldBe(0);
        promotion.Stacking.ShouldBe(Stacking.Exclusive);
        Build(PercentOff() with { Priority = 1000 }).Priority.ShouldBe(1000);
    }

    [Fact]
    public void An_end_before_or_at_the_start_is_refused()
    {
        var start = FixedClock.Instant;
        Refuse(PercentOff() with { StartsAt = start, EndsAt = start }).ShouldReport("endsAt", "after startsAt");
        Refuse(PercentOff() with { StartsAt = start, EndsAt = start.AddHours(-1) }).ShouldReport("endsAt", "after startsAt");
    }

    [Fact]
    public void Times_are_stored_in_utc_as_the_same_instant()
    {
        var startsAt = new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.FromHours(2));
        var promotion = Build(PercentOff() with { StartsAt = startsAt, EndsAt = startsAt.AddDays(1) });

        promotion.StartsAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
        promotion.StartsAt.ShouldBe(startsAt);
        promotion.EndsAt!.Value.UtcDateTime.ShouldBe(new DateTime(2025, 6, 2, 8, 0, 0, DateTimeKind.Utc));
    }

    // Codes and limits

    [Fact]
    public void A_code_is_stored_trimmed_and_upper_case() => Build(Coupon(" spring-20_x ")).Code.ShouldBe("SPRING-20_X");

    [Theory]
    [InlineData("AB")]
    [InlineData("A234567890123456789012345678901234")]
    [InlineData("SPRING 20")]
    [InlineData("SPRÎNG")]
    [InlineData("20%OFF")]
    public void A_code_that_is_too_short_too_long_or_has_other_characters_is_refused(string code) =>
        Refuse(Coupon(code)).ShouldReport("code", "3 to 32");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_code_means_an_automatic_promotion(string code) => Build(Coupon(code)).Code.ShouldBeNull();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_000_001)]
    public void A_usage_limit_below_one_or_absurd_is_refused(int limit) => Refuse(Coupon(usageLimit: limit)).ShouldReport("usageLimit", "from 1");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_per_customer_limit_below_one_is_refused(int limit) => Refuse(Coupon(perCustomerLimit: limit)).ShouldReport("perCustomerLimit", "from 1");

    [Fact]
    public void Limits_are_kept_as_sent()
    {
        var promotion = Build(Coupon(usageLimit: 100, perCustomerLimit: 1));
        promotion.UsageLimit.ShouldBe(100);
        promotion.PerCustomerLimit.ShouldBe(1);
    }

    // Eligibility

    [Fact]
    public void Eligibility_is_kept_trimmed_and_without_duplicates()
    {
        var promotion = Build(PercentOff() with { Eligibility = new EligibilityInput(true, [" vip ", "vip", "staff"], ["gold"], Euros(30)) });

        promotion.Eligibility.FirstOrderOnly.ShouldBeTrue();
        promotion.Eligibility.Segments.ShouldBe(["vip", "staff"]);
        promotion.Eligibility.MembershipTiers.ShouldBe(["gold"]);
        promotion.Eligibility.MinimumSubtotal.ShouldBe(Euros(30));
    }

    [Fact]
    public void Bad_eligibility_entries_are_reported_at_their_position()
    {
        var failure = Refuse(PercentOff() with
        {
            Eligibility = new EligibilityInput(null, ["ok", " "], [new string('g', 51)], Euros(0)),
        });

        failure.ShouldReport("eligibility.segments[1]", "1 to 50");
        failure.ShouldReport("eligibility.membershipTiers[0]", "1 to 50");
        failure.ShouldReport("eligibility.minimumSubtotal.amount", "greater than zero");
        Refuse(PercentOff() with { Eligibility = new EligibilityInput(null, Enumerable.Range(0, 51).Select(i => $"s{i}").ToList(), null, null) })
            .ShouldReport("eligibility.segments", "at most 50");
    }

    [Fact]
    public void A_replaced_promotion_keeps_its_creation_time()
    {
        var created = Build(PercentOff());
        var later = FixedClock.Instant.AddDays(3);

        var replaced = PromotionRules.Build(PercentOff() with { Name = "Renamed" }, created.Id, created, ShopCurrency, later);

        replaced.CreatedAt.ShouldBe(created.CreatedAt);
        replaced.UpdatedAt.ShouldBe(later);
    }
}
