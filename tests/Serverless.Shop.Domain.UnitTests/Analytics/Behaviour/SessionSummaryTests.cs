using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Clickstream;
using static Serverless.Shop.Domain.UnitTests.Analytics.Behaviour.Clicks;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Behaviour;

public sealed class SessionSummaryTests
{
    [Fact]
    public void A_session_has_its_first_and_last_page_views_as_entry_and_exit_and_the_steps_between_as_paths()
    {
        var s = SessionSummary.Of(Trail(
            Page("s", 0, "home", "/"),
            Page("s", 2, "category", "/c/shoes"),
            Page("s", 5, "product", "/p/red-shoe", "prod_red"),
            Page("s", 9, "other", "/about")));

        s.EntryPage.ShouldBe("home");
        s.ExitPage.ShouldBe("/about", "a page of no known type is named by its path");
        s.PageCount.ShouldBe(4);
        s.Bounced.ShouldBeFalse();
        s.DurationMs.ShouldBe(9 * 60_000);
        s.Transitions.ShouldBe([("home", "category"), ("category", "product"), ("product", "/about")]);
    }

    [Fact]
    public void Events_that_arrived_out_of_order_are_put_in_the_order_they_happened()
    {
        var s = SessionSummary.Of(Trail(Page("s", 5, "cart", "/cart"), Page("s", 0, "home", "/")));

        s.EntryPage.ShouldBe("home");
        s.ExitPage.ShouldBe("cart");
        s.Transitions.ShouldBe([("home", "cart")]);
    }

    [Fact]
    public void A_session_of_one_page_view_is_a_bounce_and_one_of_none_is_not()
    {
        SessionSummary.Of(Trail(Page("s", 0, "home", "/"), Time("s", 1, "home", "/", 40_000))).Bounced.ShouldBeTrue();
        SessionSummary.Of(Trail(Time("s", 1, "home", "/", 40_000))).Bounced.ShouldBeFalse();
    }

    [Fact]
    public void Visible_time_is_summed_per_page_type_and_per_product_with_the_number_of_reports()
    {
        var s = SessionSummary.Of(Trail(
            Time("s", 1, "product", "/p/a", 30_000, "prod_a"),
            Time("s", 2, "product", "/p/b", 10_000, "prod_b"),
            Time("s", 3, "product", "/p/a", 5_000, "prod_a"),
            Time("s", 4, "home", "/", 2_000)));

        s.TimeByPageType["product"].ShouldBe(new TimeTally(45_000, 3));
        s.TimeByPageType["home"].ShouldBe(new TimeTally(2_000, 1));
        s.TimeByProduct["prod_a"].ShouldBe(new TimeTally(35_000, 2));
        s.TimeByProduct["prod_a"].AverageMs.ShouldBe(17_500);
        s.TimeByProduct.ShouldNotContainKey("home");
    }

    [Fact]
    public void Time_reported_without_a_product_belongs_to_the_latest_view_of_its_page_and_several_reports_of_one_view_are_one_view()
    {
        // The beacon reports a page's visible time each time it is hidden, with the path and no product.
        var s = SessionSummary.Of(Trail(
            Page("s", 0, "product", "/p/a", "prod_a"),
            Time("s", 1, "product", "/p/a", 4_000),
            Time("s", 2, "product", "/p/a", 6_000),
            Page("s", 3, "product", "/p/b", "prod_b"),
            Time("s", 4, "product", "/p/b", 1_000)));

        s.TimeByProduct["prod_a"].ShouldBe(new TimeTally(10_000, 1));
        s.TimeByProduct["prod_b"].ShouldBe(new TimeTally(1_000, 1));
        s.TimeByPageType["product"].ShouldBe(new TimeTally(11_000, 2));
        s.TimeByPageType["product"].AverageMs.ShouldBe(5_500);
    }

    [Fact]
    public void Funnel_steps_come_from_product_views_product_pages_add_to_cart_and_checkout_start()
    {
        var s = SessionSummary.Of(Trail(
            Page("s", 0, "product", "/p/a", "prod_a"),
            Event("s", 1, ClickstreamEventType.ProductView, "category", "/c/x", "prod_b"),
            Event("s", 2, ClickstreamEventType.AddToCart, "product", "/p/a", "prod_a"),
            Event("s", 3, ClickstreamEventType.CheckoutStart, "checkout", "/checkout")));

        s.Viewed.ShouldBe(["prod_a", "prod_b"], ignoreOrder: true);
        s.AddedToCart.ShouldBe(["prod_a"]);
        s.StartedCheckout.ShouldBeTrue();
    }

    [Fact]
    public void An_event_id_seen_before_is_not_added_again()
    {
        var first = Page("s", 0, "home", "/", id: "e1");
        var (trail, added) = SessionTrail.Merge(Trail(first), [TrailEvent.From(first), TrailEvent.From(Page("s", 1, "cart", "/cart", id: "e2")), TrailEvent.From(first)]);

        added.ShouldBe(1);
        trail.Select(e => e.EventId).ShouldBe(["e1", "e2"]);
        SessionTrail.Merge(trail, [TrailEvent.From(first)]).Added.ShouldBe(0);
    }

    [Fact]
    public void A_session_keeps_at_most_its_maximum_of_events()
    {
        var many = Enumerable.Range(0, SessionTrail.MaximumEvents + 50).Select(i => TrailEvent.From(Page("s", i, "home", "/")));

        var (trail, added) = SessionTrail.Merge([], many);

        added.ShouldBe(SessionTrail.MaximumEvents);
        trail.Count.ShouldBe(SessionTrail.MaximumEvents);
    }
}
