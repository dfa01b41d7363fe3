using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Orders;
using Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

namespace Serverless.Shop.Domain.UnitTests.Loyalty;

/// <summary>
/// Tiers, segments and personal offers follow the purchase history (docs/loyalty.md): on order events and on the
/// nightly review, which also downgrades once spend leaves the 12-month window. The clock is the test's.
/// </summary>
public sealed class CustomerStandingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OrderTestBed _bed = new();
    private readonly InMemoryCustomerSummaryStore _summaries = new();
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryPromotionStore _promotions = new();
    private readonly InMemoryPromotionUsageStore _usage = new();

    /// <summary>Each test order pays 46.50 EUR: two make Silver here, and Gold is out of reach.</summary>
    private static readonly LoyaltySettings Settings = new(1m, 365, 30)
    {
        Tiers = [new("Bronze", 0m, 1m, 0m), new("Silver", 90m, 1.5m, 10m), new("Gold", 1000m, 2m, 20m)],
        Segments =
        [
            new("mug-buyers", SegmentRuleKind.BoughtCategory, "mugs"),
            new("big-spenders", SegmentRuleKind.SpentOver, "50"),
            new("regulars", SegmentRuleKind.OrdersAtLeast, "2"),
            new("lapsed", SegmentRuleKind.InactiveDays, "90"),
            new("dutch", SegmentRuleKind.Language, "nl"),
            new("newsletter", SegmentRuleKind.MarketingConsent, "email"),
        ],
        OfferDays = 30,
    };

    public CustomerStandingTests()
    {
        _products.Add(PurchaseHistoryTests.Product("prod_mug", "kitchen", "mugs"));
        _products.Add(PurchaseHistoryTests.Product("prod_tee", "clothing", "tees"));
    }

    private CustomerHistory History => new(_summaries, _bed.Store, _products, _promotions, _usage, Settings, new ShopSettings("EUR"), _bed.Clock);

    private CustomerSummary Summary => _summaries.Current(OrderTestBed.CustomerId).ShouldNotBeNull();

    private async Task<Order> PaidOrderAsync()
    {
        var order = await _bed.InStatusAsync(OrderStatus.Paid);
        await History.ReactAsync(order, order.History[^1], Ct);
        return order;
    }

    [Fact]
    public async Task Segments_over_the_profile_follow_its_language_and_consents_with_or_without_orders()
    {
        // A customer who never ordered: the profile change alone makes their summary.
        await History.ProfileChangedAsync(OrderTestBed.CustomerId, new ProfileFacts("NL", EmailMarketing: true, SmsMarketing: false), Ct);
        Summary.Segments.ShouldBe(["dutch", "newsletter"]);
        (await History.GetStandingAsync(OrderTestBed.CustomerId, Ct)).Segments.ShouldBe(["dutch", "newsletter"]);

        // An order keeps them (the order's own rules add theirs) ...
        await PaidOrderAsync();
        Summary.Segments.ShouldBe(["dutch", "mug-buyers", "newsletter"]);

        // ... and withdrawing the consent or changing the language takes them away.
        await History.ProfileChangedAsync(OrderTestBed.CustomerId, new ProfileFacts("en-GB", EmailMarketing: false, SmsMarketing: true), Ct);
        Summary.Segments.ShouldBe(["mug-buyers"]);
    }

    [Fact]
    public async Task Telling_the_same_profile_facts_again_writes_nothing()
    {
        var facts = new ProfileFacts("nl", EmailMarketing: false, SmsMarketing: false);
        await History.ProfileChangedAsync(OrderTestBed.CustomerId, facts, Ct);
        var saves = _summaries.Saves;

        await History.ProfileChangedAsync(OrderTestBed.CustomerId, facts, Ct);

        _summaries.Saves.ShouldBe(saves);
    }

    [Fact]
    public async Task The_tier_follows_rolling_twelve_month_spend_and_the_nightly_review_downgrades_once_it_leaves_the_window()
    {
        await PaidOrderAsync();
        Summary.Tier.ShouldBe("Bronze");
        (await History.GetStandingAsync(OrderTestBed.CustomerId, Ct)).Tier.ShouldBe("Bronze");

        _bed.Clock.Advance(TimeSpan.FromDays(200));
        await PaidOrderAsync();
        Summary.Tier.ShouldBe("Silver", "93 EUR in 12 months reaches Silver's 90");

        // Nothing changes by itself before the first order's spend leaves the window ...
        _bed.Clock.Advance(TimeSpan.FromDays(150));
        await History.ReviewDueAsync(Ct);
        Summary.Tier.ShouldBe("Silver");

        // ... and the review after it has left downgrades.
        _bed.Clock.Advance(TimeSpan.FromDays(20));
        (await History.ReviewDueAsync(Ct)).ShouldBe(1);
        Summary.Tier.ShouldBe("Bronze");
        Summary.RollingSpend("EUR", _bed.Clock.Now).ShouldBe(46.50m);
    }

    [Fact]
    public async Task Segments_follow_the_rules_over_the_history_and_inactivity_is_found_by_the_review()
    {
        await PaidOrderAsync();
        Summary.Segments.ShouldBe(["mug-buyers"], "46.50 EUR is not over 50, and one order is not two");
        (await History.GetStandingAsync(OrderTestBed.CustomerId, Ct)).Segments.ShouldBe(["mug-buyers"]);

        await PaidOrderAsync();
        Summary.Segments.ShouldBe(["big-spenders", "mug-buyers", "regulars"]);

        _bed.Clock.Advance(TimeSpan.FromDays(89));
        await History.ReviewDueAsync(Ct);
        Summary.Segments.ShouldNotContain("lapsed");

        _bed.Clock.Advance(TimeSpan.FromDays(2));
        await History.ReviewDueAsync(Ct);
        Summary.Segments.ShouldContain("lapsed", "no order for 90 days");
    }

    [Fact]
    public async Task A_tier_with_an_offer_percent_gets_one_personal_offer_for_the_categories_it_buys_from_restricted_to_the_customer()
    {
        await PaidOrderAsync();
        Summary.Offers.ShouldBeEmpty("Bronze offers 0%");
        _promotions.Writes.ShouldBe(0);

        await PaidOrderAsync();
        var offer = Summary.Offers.ShouldHaveSingleItem();
        offer.Tier.ShouldBe("Silver");
        offer.Percent.ShouldBe(10m);
        offer.CategoryIds.ShouldBe(["mugs", "tees"], "the products' own categories, bought most often first");
        offer.ValidUntil.ShouldBe(_bed.Clock.Now.AddDays(30));

        var promotion = _promotions.Current(offer.PromotionId).ShouldNotBeNull().Value;
        promotion.Code.ShouldBe(offer.Code);
        promotion.CustomerId.ShouldBe(OrderTestBed.CustomerId);
        promotion.UsageLimit.ShouldBe(1);
        promotion.PerCustomerLimit.ShouldBe(1);
        promotion.Kind.ShouldBe(PromotionKind.PercentOff);
        promotion.Target.Kind.ShouldBe(TargetKind.Categories);
        promotion.Target.Ids.ShouldBe(["mugs", "tees"]);
        promotion.EndsAt.ShouldBe(offer.ValidUntil);

        var mine = await History.GetMyOffersAsync(OrderTestBed.Customer, Ct);
        mine.ShouldHaveSingleItem().Code.ShouldBe(offer.Code);
        (await History.GetMyOffersAsync(OrderTestBed.OtherCustomer, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Offers_do_not_pile_up_another_order_or_review_keeps_the_current_one_and_the_next_comes_after_it_runs_out()
    {
        await PaidOrderAsync();
        await PaidOrderAsync();
        var first = Summary.Offers.ShouldHaveSingleItem();

        await PaidOrderAsync();
        await History.ReviewDueAsync(Ct);
        Summary.Offers.ShouldHaveSingleItem().ShouldBe(first);
        _promotions.Writes.ShouldBe(1);

        _bed.Clock.Advance(TimeSpan.FromDays(31));
        await History.ReviewDueAsync(Ct);
        var second = Summary.Offers.ShouldHaveSingleItem();
        second.Code.ShouldNotBe(first.Code);
        Summary.OffersIssued.ShouldBe(2);
        _promotions.Writes.ShouldBe(2);
    }

    [Fact]
    public async Task An_offer_whose_summary_write_was_lost_is_found_again_not_issued_twice()
    {
        Order[] orders = [await PaidOrderAsync(), await PaidOrderAsync()];
        var offer = Summary.Offers.ShouldHaveSingleItem();

        // As if the write that listed the offer had been lost after its promotion was created.
        await _summaries.DeleteAsync(OrderTestBed.CustomerId, Ct);
        _bed.Clock.Advance(TimeSpan.FromMinutes(5));
        foreach (var order in orders)
            await History.ReactAsync(_bed.Stored(order.Number), order.History[^1], Ct);

        var again = Summary.Offers.ShouldHaveSingleItem();
        again.Code.ShouldBe(offer.Code);
        again.ValidUntil.ShouldBe(offer.ValidUntil, "the promotion's own dates");
        _promotions.Writes.ShouldBe(1);
    }

    [Fact]
    public async Task A_used_offer_no_longer_shows()
    {
        await PaidOrderAsync();
        await PaidOrderAsync();
        var offer = Summary.Offers.ShouldHaveSingleItem();

        (await _usage.TryIncrementAsync(offer.PromotionId, UsageCounter.Uses, 1, ChangeKeys.For(ChangeKeys.Take, "order_other", null), null, Ct)).ShouldBe(CounterChange.Applied);

        (await History.GetMyOffersAsync(OrderTestBed.Customer, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_pricing_profile_carries_the_customers_kept_tier_and_segments_and_a_guest_has_none()
    {
        await PaidOrderAsync();
        await PaidOrderAsync();
        var profiles = new CustomerPricingProfiles(_bed.Store, History);

        var customer = await profiles.GetAsync(OrderTestBed.CustomerId, Ct);
        customer.MembershipTier.ShouldBe("Silver");
        customer.Segments.ShouldBe(["big-spenders", "mug-buyers", "regulars"]);
        customer.IsFirstOrder.ShouldBeFalse();

        var newcomer = await profiles.GetAsync("cust_new", Ct);
        newcomer.MembershipTier.ShouldBe("Bronze", "the tier of no spend");
        newcomer.Segments.ShouldBeEmpty();
        (await profiles.GetAsync(null, Ct)).ShouldBe(PricingCustomer.Guest);
    }

    [Fact]
    public async Task Points_earn_times_the_tier_multiplier_the_order_reaches()
    {
        var points = new InMemoryPointsStore();
        var ledger = new PointsLedger(points, Settings, _bed.Clock, History);
        var notify = new NotifyOrderChange(_bed.Store, new RecordingEmailSender(), new RecordingIntegrationEvents(), _bed.Settings, _bed.Clock, [History, ledger]);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var order = await _bed.InStatusAsync(OrderStatus.Paid);
            foreach (var message in _bed.Messages.Where(m => m.Number == order.Number)) await notify.HandleAsync(message, Ct);
        }

        var account = points.Current(OrderTestBed.CustomerId).ShouldNotBeNull();
        account.Orders.Select(o => o.Earned).ShouldBe([46, 69], "Bronze earns 46.50 x 1; the second order reaches Silver and earns 46.50 x 1.5");
    }
}
