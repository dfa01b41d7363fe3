using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Pricing.Promotions.PromotionExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>Usage limits: holding, redeeming and releasing uses of limited promotions for orders.</summary>
public sealed class PromotionRedemptionsTests
{
    private readonly InMemoryPromotionStore _promotions = new();
    private readonly InMemoryPromotionUsageStore _usage = new();
    private readonly PromotionRedemptions _redemptions;

    public PromotionRedemptionsTests() => _redemptions = new PromotionRedemptions(_promotions, _usage, new FixedClock());

    private Promotion Stored(string id, string? code = null, int? usageLimit = null, int? perCustomerLimit = null) =>
        _promotions.Add(Limited(id, code, usageLimit, perCustomerLimit)).Value;

    private Task HoldAsync(string orderId, string? customerId, params Promotion[] promotions) =>
        _redemptions.HoldAsync(orderId, customerId, promotions.Select(Applied).ToList(), CancellationToken.None);

    private Task RedeemAsync(string orderId, params Promotion[] promotions) =>
        _redemptions.RedeemAsync(orderId, promotions.Select(Applied).ToList(), CancellationToken.None);

    private Task ReleaseAsync(string orderId, params Promotion[] promotions) =>
        _redemptions.ReleaseAsync(orderId, promotions.Select(Applied).ToList(), CancellationToken.None);

    private int Uses(Promotion p) => _usage.Units(p.Id, UsageCounter.Uses);

    [Fact]
    public async Task A_hold_takes_one_use_and_records_it_for_the_order()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 3);

        await HoldAsync("order_1", "cust_1", coupon);

        Uses(coupon).ShouldBe(1);
        _usage.Use(coupon.Id, "order_1").ShouldBe(new PromotionUse(coupon.Id, "order_1", "cust_1", false, PromotionUseState.Held, FixedClock.Instant));
    }

    [Fact]
    public async Task When_the_limit_is_used_up_the_next_hold_is_a_rule_violation_on_codes_that_takes_nothing()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 2);
        await HoldAsync("order_1", "cust_1", coupon);
        await HoldAsync("order_2", "cust_2", coupon);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_3", "cust_3", coupon));

        failure.Field.ShouldBe("codes");
        failure.Message.ShouldContain("SPRING20");
        Uses(coupon).ShouldBe(2);
        _usage.Use(coupon.Id, "order_3").ShouldBeNull();
    }

    [Fact]
    public async Task A_used_up_automatic_promotion_is_reported_on_promotions_by_name()
    {
        var flashSale = Stored("promo_flash", usageLimit: 1);
        await HoldAsync("order_1", null, flashSale);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_2", null, flashSale));

        failure.Field.ShouldBe("promotions");
        failure.Message.ShouldContain("promo_flash");
    }

    [Fact]
    public async Task Fifty_concurrent_holds_on_a_code_with_limit_five_take_exactly_five_uses()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 5);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            try { await HoldAsync($"order_{i}", $"cust_{i}", coupon); return true; }
            catch (BusinessRuleViolationException) { return false; }
        })));

        results.Count(held => held).ShouldBe(5);
        Uses(coupon).ShouldBe(5);
    }

    [Fact]
    public async Task A_customer_cannot_hold_more_uses_than_the_per_customer_limit_across_orders()
    {
        var coupon = Stored("promo_a", "WELCOME", perCustomerLimit: 2);
        await HoldAsync("order_1", "cust_1", coupon);
        await HoldAsync("order_2", "cust_1", coupon);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_3", "cust_1", coupon));

        failure.Field.ShouldBe("codes");
        failure.Message.ShouldContain("per customer");
        await HoldAsync("order_4", "cust_2", coupon); // another customer still can
        _usage.Units(coupon.Id, UsageCounter.Customer("cust_1")).ShouldBe(2);
        Uses(coupon).ShouldBe(3); // the refused hold gave its unit of the total back
    }

    [Fact]
    public async Task A_guest_cannot_use_a_code_limited_per_customer()
    {
        var coupon = Stored("promo_a", "WELCOME", usageLimit: 100, perCustomerLimit: 1);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_1", null, coupon));

        failure.Field.ShouldBe("codes");
        failure.Message.ShouldContain("sign in");
        Uses(coupon).ShouldBe(0);
    }

    [Fact]
    public async Task A_guest_can_use_a_code_with_only_a_total_limit()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 1);

        await HoldAsync("order_1", null, coupon);

        Uses(coupon).ShouldBe(1);
    }

    [Fact]
    public async Task Holding_for_the_same_order_again_counts_once()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 5, perCustomerLimit: 1);

        for (var i = 0; i < 3; i++) await HoldAsync("order_1", "cust_1", coupon);

        Uses(coupon).ShouldBe(1);
        _usage.Units(coupon.Id, UsageCounter.Customer("cust_1")).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_holds_for_the_same_order_count_once_and_all_succeed()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 5, perCustomerLimit: 1);
        _usage.HoldRecordReadsUntil(3); // all three see no record before any writes one

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => HoldAsync("order_1", "cust_1", coupon))));

        Uses(coupon).ShouldBe(1);
        _usage.Units(coupon.Id, UsageCounter.Customer("cust_1")).ShouldBe(1);
        _usage.Use(coupon.Id, "order_1")!.State.ShouldBe(PromotionUseState.Held);
    }

    [Fact]
    public async Task A_hold_across_promotions_is_all_or_nothing()
    {
        var first = Stored("promo_a", "SPRING20", usageLimit: 5, perCustomerLimit: 1);
        var exhausted = Stored("promo_b", "LAST1", usageLimit: 1);
        await HoldAsync("order_0", "cust_0", exhausted);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_1", "cust_1", first, exhausted));

        failure.Message.ShouldContain("LAST1");
        Uses(first).ShouldBe(0);
        _usage.Units(first.Id, UsageCounter.Customer("cust_1")).ShouldBe(0);
        _usage.Use(first.Id, "order_1")!.State.ShouldBe(PromotionUseState.Released);
        await HoldAsync("order_2", "cust_1", first); // the customer's one use is free again
    }

    [Fact]
    public async Task A_failed_hold_does_not_give_back_uses_the_order_held_before_the_call()
    {
        var first = Stored("promo_a", "SPRING20", usageLimit: 5);
        var exhausted = Stored("promo_b", "LAST1", usageLimit: 1);
        await HoldAsync("order_1", "cust_1", first);
        await HoldAsync("order_0", "cust_0", exhausted);

        await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_1", "cust_1", first, exhausted));

        Uses(first).ShouldBe(1);
        _usage.Use(first.Id, "order_1")!.State.ShouldBe(PromotionUseState.Held);
    }

    [Fact]
    public async Task Promotions_without_limits_are_not_tracked()
    {
        var unlimited = Stored("promo_a", "FREE");

        await HoldAsync("order_1", null, unlimited);
        await RedeemAsync("order_1", unlimited);

        Uses(unlimited).ShouldBe(0);
        _usage.Use(unlimited.Id, "order_1").ShouldBeNull();
    }

    [Fact]
    public async Task A_promotion_deleted_since_pricing_cannot_be_held()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 5);
        _promotions.Remove(coupon.Id);

        var failure = await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_1", "cust_1", coupon));

        failure.Field.ShouldBe("codes");
        failure.Message.ShouldContain("no longer exists");
    }

    [Fact]
    public async Task A_release_gives_the_use_back_once_and_the_code_can_be_held_again()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 1, perCustomerLimit: 1);
        await HoldAsync("order_1", "cust_1", coupon);

        await ReleaseAsync("order_1", coupon);
        await ReleaseAsync("order_1", coupon);

        Uses(coupon).ShouldBe(0);
        _usage.Units(coupon.Id, UsageCounter.Customer("cust_1")).ShouldBe(0);
        await HoldAsync("order_2", "cust_1", coupon);
        Uses(coupon).ShouldBe(1);
        await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_3", "cust_2", coupon));
    }

    [Fact]
    public async Task A_released_order_can_hold_again()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 1);
        await HoldAsync("order_1", "cust_1", coupon);
        await ReleaseAsync("order_1", coupon);

        await HoldAsync("order_1", "cust_1", coupon);

        Uses(coupon).ShouldBe(1);
        _usage.Use(coupon.Id, "order_1")!.State.ShouldBe(PromotionUseState.Held);
    }

    [Fact]
    public async Task Redeeming_makes_the_use_final_once_and_a_release_after_it_gives_everything_back()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 2, perCustomerLimit: 1);
        await HoldAsync("order_1", "cust_1", coupon);

        await RedeemAsync("order_1", coupon);
        await RedeemAsync("order_1", coupon);

        _usage.Use(coupon.Id, "order_1")!.State.ShouldBe(PromotionUseState.Redeemed);
        Uses(coupon).ShouldBe(1);
        _usage.Units(coupon.Id, UsageCounter.Redemptions).ShouldBe(1);
        await HoldAsync("order_1", "cust_1", coupon); // a late retry of the hold changes nothing
        Uses(coupon).ShouldBe(1);

        await ReleaseAsync("order_1", coupon); // the order was cancelled

        Uses(coupon).ShouldBe(0);
        _usage.Units(coupon.Id, UsageCounter.Redemptions).ShouldBe(0);
        _usage.Units(coupon.Id, UsageCounter.Customer("cust_1")).ShouldBe(0);
    }

    [Fact]
    public async Task Redeeming_or_releasing_what_the_order_never_held_changes_nothing()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 2);
        await HoldAsync("order_1", "cust_1", coupon);

        await RedeemAsync("order_2", coupon);
        await ReleaseAsync("order_2", coupon);

        Uses(coupon).ShouldBe(1);
        _usage.Units(coupon.Id, UsageCounter.Redemptions).ShouldBe(0);
        _usage.Use(coupon.Id, "order_2").ShouldBeNull();
    }

    [Fact]
    public async Task A_release_gives_back_what_the_hold_took_even_when_the_limits_changed_since()
    {
        var coupon = Stored("promo_a", "SPRING20", perCustomerLimit: 1);
        await HoldAsync("order_1", "cust_1", coupon);
        _promotions.Add(coupon with { PerCustomerLimit = null, UsageLimit = 10 });

        await ReleaseAsync("order_1", coupon);

        _usage.Units(coupon.Id, UsageCounter.Customer("cust_1")).ShouldBe(0);
        Uses(coupon).ShouldBe(0);
    }

    [Fact]
    public async Task Lowering_the_limit_below_the_uses_taken_refuses_new_holds()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 5);
        await HoldAsync("order_1", "cust_1", coupon);
        await HoldAsync("order_2", "cust_2", coupon);
        _promotions.Add(coupon with { UsageLimit = 1 });

        await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_3", "cust_3", coupon));

        Uses(coupon).ShouldBe(2);
    }

    [Fact]
    public async Task When_writing_the_record_fails_for_an_unknown_reason_the_use_stays_counted_rather_than_risk_over_use()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 1);
        _usage.NextSaveFailure = new TimeoutException("the store did not answer");

        await Should.ThrowAsync<TimeoutException>(() => HoldAsync("order_1", "cust_1", coupon));

        Uses(coupon).ShouldBe(1); // under-counted availability: safe
        await Should.ThrowAsync<BusinessRuleViolationException>(() => HoldAsync("order_2", "cust_2", coupon));
    }

    [Fact]
    public async Task An_order_id_that_cannot_be_stored_is_refused()
    {
        var coupon = Stored("promo_a", "SPRING20", usageLimit: 1);

        (await Should.ThrowAsync<ValidationFailedException>(() => HoldAsync("order/1", "cust_1", coupon))).ShouldReport("orderId");
        Uses(coupon).ShouldBe(0);
    }
}
