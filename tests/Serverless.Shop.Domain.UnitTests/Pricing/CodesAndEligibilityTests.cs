using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class PromotionWindowTests
{
    private static PricedCart PricedWith(Promotion promotion) => Request(Line("a", 100m)).Price(promotion);

    [Fact]
    public void A_promotion_applies_from_the_instant_it_starts() =>
        PricedWith(PercentOff(10) with { StartsAt = Now }).DiscountTotal.Amount.ShouldBe(10m);

    [Fact]
    public void A_promotion_does_not_apply_a_tick_before_it_starts() =>
        PricedWith(PercentOff(10) with { StartsAt = Now.AddTicks(1) }).Promotions.ShouldBeEmpty();

    [Fact]
    public void A_promotion_applies_until_a_tick_before_it_ends() =>
        PricedWith(PercentOff(10) with { EndsAt = Now.AddTicks(1) }).DiscountTotal.Amount.ShouldBe(10m);

    [Fact]
    public void A_promotion_no_longer_applies_at_the_instant_it_ends() =>
        PricedWith(PercentOff(10) with { EndsAt = Now }).Promotions.ShouldBeEmpty();

    [Fact]
    public void A_paused_promotion_never_applies_whatever_its_dates() =>
        PricedWith(PercentOff(10) with { Enabled = false, StartsAt = Now.AddDays(-1), EndsAt = Now.AddDays(1) }).Promotions.ShouldBeEmpty();
}

public sealed class CodeTests
{
    private static readonly Promotion Summer = PercentOff(10, id: "promo_summer").WithCode("SUMMER10");

    private static CodeRejection Rejection(PricingRequest request, Promotion promotion, string code = "SUMMER10")
    {
        var cart = request.WithCodes(code).Price(promotion);
        cart.Promotions.ShouldBeEmpty();
        cart.DiscountTotal.Amount.ShouldBe(0m);
        return cart.RejectedCodes.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_promotion_with_a_code_applies_only_to_a_cart_that_carries_the_code()
    {
        Request(Line("a", 100m)).Price(Summer).Promotions.ShouldBeEmpty();

        var cart = Request(Line("a", 100m)).WithCodes("SUMMER10").Price(Summer);

        cart.DiscountTotal.Amount.ShouldBe(10m);
        cart.Line("a").Discounts.ShouldHaveSingleItem().Code.ShouldBe("SUMMER10");
        cart.Promotions.ShouldHaveSingleItem().Code.ShouldBe("SUMMER10");
        cart.RejectedCodes.ShouldBeEmpty();
    }

    [Fact]
    public void Codes_are_matched_whatever_their_case_and_surrounding_spaces()
    {
        var cart = Request(Line("a", 100m)).WithCodes("  summer10 ").Price(Summer);

        cart.DiscountTotal.Amount.ShouldBe(10m);
    }

    [Fact]
    public void The_same_code_given_twice_counts_once()
    {
        var cart = Request(Line("a", 100m)).WithCodes("SUMMER10", "summer10", "NOPE", "nope").Price(Summer);

        cart.DiscountTotal.Amount.ShouldBe(10m);
        cart.RejectedCodes.ShouldHaveSingleItem().Code.ShouldBe("NOPE");
    }

    [Fact]
    public void An_unknown_code_is_refused_as_such() =>
        Rejection(Request(Line("a", 100m)), Summer, "WINTER").ShouldBe(new CodeRejection("WINTER", "This code does not exist."));

    [Fact]
    public void An_expired_code_says_when_it_expired() =>
        Rejection(Request(Line("a", 100m)), Summer with { EndsAt = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero) })
            .Reason.ShouldBe("This code expired on 1 March 2025 at 00:00 UTC.");

    [Fact]
    public void A_code_not_yet_valid_says_from_when() =>
        Rejection(Request(Line("a", 100m)), Summer with { StartsAt = new DateTimeOffset(2025, 6, 21, 8, 0, 0, TimeSpan.FromHours(2)) })
            .Reason.ShouldBe("This code is valid from 21 June 2025 at 06:00 UTC.");

    [Fact]
    public void A_paused_code_is_refused_as_not_active() =>
        Rejection(Request(Line("a", 100m)), Summer with { Enabled = false }).Reason.ShouldBe("This code is not active.");

    [Fact]
    public void A_code_that_targets_nothing_in_the_cart_says_nothing_qualifies() =>
        Rejection(Request(Line("a", 100m)), Summer with { Target = Categories("cat_garden") }).Reason.ShouldBe("Nothing in the cart qualifies for this code.");

    [Fact]
    public void A_code_whose_minimum_subtotal_is_not_met_says_the_minimum_and_the_subtotal() =>
        Rejection(Request(Line("a", 39.99m)), Summer with { Eligibility = Eligibility.Everyone with { MinimumSubtotal = new Money(40m, Eur) } })
            .Reason.ShouldBe("This code needs a subtotal of at least 40.00 EUR; the cart comes to 39.99 EUR.");

    [Fact]
    public void A_minimum_subtotal_met_exactly_is_met()
    {
        var promotion = Summer with { Eligibility = Eligibility.Everyone with { MinimumSubtotal = new Money(40m, Eur) } };

        Request(Line("a", 40m)).WithCodes("SUMMER10").Price(promotion).DiscountTotal.Amount.ShouldBe(4m);
    }

    [Fact]
    public void A_code_that_other_promotions_leave_nothing_to_discount_says_so()
    {
        var cart = Request(Line("a", 100m)).WithCodes("SUMMER10").Price(PercentOff(100, id: "promo_all").Priority(1), Summer.Priority(2));

        cart.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("The cart's other promotions leave nothing for this code to take off.");
    }
}

public sealed class EligibilityTests
{
    private static readonly PricingCustomer Returning = new("cus_1", false, ["newsletter"], "silver");

    private static PricedCart PricedFor(PricingCustomer customer, Eligibility eligibility, string? code = "WELCOME")
    {
        var promotion = PercentOff(10) with { Eligibility = eligibility, Code = code };
        var request = Request(Line("a", 100m)) with { Customer = customer };
        return (code is null ? request : request.WithCodes(code)).Price(promotion);
    }

    [Fact]
    public void A_first_order_promotion_applies_to_a_guest_and_to_a_customer_who_has_not_ordered()
    {
        var firstOrder = Eligibility.Everyone with { FirstOrderOnly = true };

        PricedFor(PricingCustomer.Guest, firstOrder).DiscountTotal.Amount.ShouldBe(10m);
        PricedFor(Returning with { IsFirstOrder = true }, firstOrder).DiscountTotal.Amount.ShouldBe(10m);
    }

    [Fact]
    public void A_first_order_code_is_refused_to_a_returning_customer_with_the_reason() =>
        PricedFor(Returning, Eligibility.Everyone with { FirstOrderOnly = true })
            .RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("This code is for a first order only.");

    [Fact]
    public void A_segment_promotion_applies_to_a_customer_in_one_of_its_segments()
    {
        PricedFor(Returning, Eligibility.Everyone with { Segments = ["vip", "Newsletter"] }).DiscountTotal.Amount.ShouldBe(10m);

        PricedFor(Returning, Eligibility.Everyone with { Segments = ["vip"] })
            .RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("This code is not available to this customer.");
    }

    [Fact]
    public void A_membership_tier_promotion_applies_to_members_of_those_tiers_only()
    {
        PricedFor(Returning, Eligibility.Everyone with { MembershipTiers = ["gold", "silver"] }).DiscountTotal.Amount.ShouldBe(10m);

        PricedFor(Returning, Eligibility.Everyone with { MembershipTiers = ["gold"] })
            .RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("This code is for gold members only.");
        PricedFor(PricingCustomer.Guest, Eligibility.Everyone with { MembershipTiers = ["gold"] }).DiscountTotal.Amount.ShouldBe(0m);
    }

    [Fact]
    public void An_automatic_promotion_the_customer_is_not_eligible_for_is_left_out_silently()
    {
        var cart = PricedFor(Returning, Eligibility.Everyone with { FirstOrderOnly = true }, code: null);

        cart.Promotions.ShouldBeEmpty();
        cart.RejectedCodes.ShouldBeEmpty();
    }

    [Fact]
    public void A_promotion_limited_per_customer_is_refused_to_a_guest_with_the_reason_and_applies_to_a_signed_in_customer()
    {
        var promotion = PercentOff(10) with { Code = "ONCE", PerCustomerLimit = 1 };

        var guest = (Request(Line("a", 100m)) with { Customer = PricingCustomer.Guest }).WithCodes("ONCE").Price(promotion);
        var customer = (Request(Line("a", 100m)) with { Customer = Returning }).WithCodes("ONCE").Price(promotion);

        guest.DiscountTotal.Amount.ShouldBe(0m);
        guest.RejectedCodes.ShouldHaveSingleItem().Reason.ShouldBe("Sign in to use this code: it is limited per customer.");
        customer.DiscountTotal.Amount.ShouldBe(10m);
    }
}
