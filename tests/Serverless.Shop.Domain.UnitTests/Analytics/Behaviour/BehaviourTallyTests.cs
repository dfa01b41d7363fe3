using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Clickstream;
using static Serverless.Shop.Domain.UnitTests.Analytics.Behaviour.Clicks;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Behaviour;

public sealed class BehaviourTallyTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static SessionSummary Buyer(string s) => SessionSummary.Of(Trail(
        Page(s, 0, "home", "/"), Page(s, 1, "product", "/p/a", "prod_a"),
        Event(s, 2, ClickstreamEventType.AddToCart, "product", "/p/a", "prod_a"),
        Page(s, 3, "checkout", "/checkout"), Event(s, 4, ClickstreamEventType.CheckoutStart, "checkout", "/checkout"),
        Time(s, 5, "product", "/p/a", 20_000, "prod_a")));

    private static SessionSummary Bouncer(string s) => SessionSummary.Of(Trail(Page(s, 0, "product", "/p/b", "prod_b"), Time(s, 1, "product", "/p/b", 4_000, "prod_b")));

    [Fact]
    public void A_day_counts_each_session_once_per_funnel_step_for_the_shop_and_each_product()
    {
        var day = new BehaviourTally().Add(Buyer("s1")).Add(Buyer("s2")).Add(Bouncer("s3")).ToDay(Today);

        day.Sessions.ShouldBe(3);
        day.Bounces.ShouldBe(1);
        day.PageViews.ShouldBe(3 + 3 + 1);
        day.Funnel.ShouldBe(new FunnelTally(3, 2, 2));
        day.Products["prod_a"].ShouldBe(new FunnelTally(2, 2, 2));
        day.Products["prod_b"].ShouldBe(new FunnelTally(1, 0, 0), "a product not added to a cart has no checkout step, even in a session that checked out");
        day.TimeByProduct["prod_a"].ShouldBe(new TimeTally(40_000, 2));
        day.EntryPages.ShouldBe(new Dictionary<string, long> { ["home"] = 2, ["product"] = 1 }, ignoreOrder: true);
        day.ExitPages["checkout"].ShouldBe(2);
        day.Transitions["home"]["product"].ShouldBe(2);
        day.Transitions["product"]["checkout"].ShouldBe(2);
    }

    [Fact]
    public void Adding_days_up_gives_what_folding_all_their_sessions_gives()
    {
        var monday = new BehaviourTally().Add(Buyer("s1")).Add(Bouncer("s2")).ToDay(Today);
        var tuesday = new BehaviourTally().Add(Bouncer("s3")).Add(Buyer("s4")).Add(Buyer("s5")).ToDay(Today.AddDays(1));

        var summed = new BehaviourTally().Add(monday).Add(tuesday).ToDay(Today);
        var direct = new BehaviourTally().Add(Buyer("s1")).Add(Bouncer("s2")).Add(Bouncer("s3")).Add(Buyer("s4")).Add(Buyer("s5")).ToDay(Today);

        summed.Sessions.ShouldBe(direct.Sessions);
        summed.Bounces.ShouldBe(direct.Bounces);
        summed.DurationMs.ShouldBe(direct.DurationMs);
        summed.Funnel.ShouldBe(direct.Funnel);
        summed.Products.ShouldBe(direct.Products, ignoreOrder: true);
        summed.TimeByPageType.ShouldBe(direct.TimeByPageType, ignoreOrder: true);
        summed.Transitions.Keys.ShouldBe(direct.Transitions.Keys, ignoreOrder: true);
        foreach (var from in direct.Transitions.Keys) summed.Transitions[from].ShouldBe(direct.Transitions[from], ignoreOrder: true);
    }

    [Fact]
    public void A_long_tail_of_pages_is_added_up_under_other_without_losing_a_session()
    {
        var tally = new BehaviourTally();
        for (var i = 0; i < BehaviourTally.MaximumPages + 10; i++) tally.Add(SessionSummary.Of(Trail(Page($"s{i}", 0, "other", $"/page-{i}"))));
        tally.Add(SessionSummary.Of(Trail(Page("again", 0, "other", "/page-1"))));

        var day = tally.ToDay(Today);

        day.EntryPages.Count.ShouldBe(BehaviourTally.MaximumPages);
        day.EntryPages["/page-1"].ShouldBe(2, "the largest are kept");
        day.EntryPages.Values.Sum().ShouldBe(BehaviourTally.MaximumPages + 11);
        day.EntryPages[BehaviourTally.Other].ShouldBe(11, "the 510 pages less the 499 kept, one session each");
    }
}
