using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Attribution;

/// <summary>
/// Which campaign or flow a paid order is credited to (the latest email touch within the window before it was placed),
/// with what, and that replays, other changes and refunds change nothing (docs/marketing.md, "Attributed revenue").
/// </summary>
public sealed class EmailRevenueAttributionTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Window = TimeSpan.FromDays(EmailAttributionSettings.DefaultWindowDays);

    private readonly OrderTestBed _bed = new();
    private readonly InMemoryAttributedRevenue _counters = new();

    private AttributeEmailRevenue Reaction(TimeSpan? window = null) => new(_counters, new EmailAttributionSettings(window ?? Window));

    private static MarketingTouch Touch(string? medium, string? campaign, DateTimeOffset at, string? source = "newsletter") =>
        new(source, medium, campaign, null, null, null, null, "https://shop.example/products/mug", at);

    /// <summary>An order placed (at the bed's clock) with this journey and paid, and its paid history entry.</summary>
    private async Task<(Order Order, OrderHistoryEntry Paid)> PaidOrderAsync(CartAttribution? journey)
    {
        var placed = await _bed.Orders.PlaceAsync(OrderTestBed.Placement() with { Attribution = journey }, None);
        var paid = await _bed.Orders.MarkPaidAsync(placed.Number, OrderTestBed.Captured(), OrderTestBed.CheckoutActor, None);
        return (paid, paid.History.Single(h => h.Change == OrderChange.Paid));
    }

    private DateTimeOffset PlacedAt => _bed.Clock.Now;

    [Fact]
    public async Task A_paid_order_from_a_campaign_link_is_credited_to_that_campaign_with_its_total_in_minor_units()
    {
        var (order, paid) = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_spring", PlacedAt.AddHours(-2))));

        await Reaction().ReactAsync(order, paid, None);

        var credited = await _counters.ReadAsync("cmp_spring", None);
        credited.Orders.ShouldBe(1);
        credited.MinorUnitsByCurrency.ShouldBe(new Dictionary<string, long> { ["EUR"] = 4650 });
        credited.Amounts.ShouldBe([new Money(46.50m, "EUR")]);
        order.Pricing.Total.ShouldBe(new Money(46.50m, "EUR"));
    }

    [Fact]
    public async Task A_touch_exactly_at_the_window_start_counts_and_one_a_second_earlier_does_not()
    {
        var inside = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_edge_in", PlacedAt - Window)));
        var outside = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_edge_out", PlacedAt - Window - TimeSpan.FromSeconds(1))));

        await Reaction().ReactAsync(inside.Order, inside.Paid, None);
        await Reaction().ReactAsync(outside.Order, outside.Paid, None);

        (await _counters.ReadAsync("cmp_edge_in", None)).Orders.ShouldBe(1);
        (await _counters.ReadAsync("cmp_edge_out", None)).ShouldBe(AttributedRevenue.None);
    }

    [Fact]
    public async Task The_window_is_the_setting_and_a_touch_captured_after_the_order_counts_only_within_the_allowed_clock_skew()
    {
        var twoDays = TimeSpan.FromDays(2);
        var threeDaysBefore = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_short", PlacedAt - TimeSpan.FromDays(3))));
        var skewed = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_skew", PlacedAt + AttributionRules.AllowedClockSkew)));
        var later = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_later", PlacedAt + AttributionRules.AllowedClockSkew + TimeSpan.FromSeconds(1))));

        foreach (var (order, paid) in new[] { threeDaysBefore, skewed, later }) await Reaction(twoDays).ReactAsync(order, paid, None);

        (await _counters.ReadAsync("cmp_short", None)).Orders.ShouldBe(0, "three days is outside a two-day window");
        (await _counters.ReadAsync("cmp_skew", None)).Orders.ShouldBe(1);
        (await _counters.ReadAsync("cmp_later", None)).Orders.ShouldBe(0);
    }

    [Fact]
    public async Task Touches_that_are_not_from_an_email_link_credit_nothing()
    {
        var journeys = new[]
        {
            CartAttribution.Start(Touch("cpc", "cmp_ads", PlacedAt.AddHours(-1))),
            CartAttribution.Start(Touch(null, "cmp_no_medium", PlacedAt.AddHours(-1))),
            CartAttribution.Start(Touch("email", null, PlacedAt.AddHours(-1))),
            // Not a campaign or flow id the shop could have issued (and not a Cosmos DB key either).
            CartAttribution.Start(Touch("email", "spring sale/2026", PlacedAt.AddHours(-1))),
        };
        foreach (var journey in journeys)
        {
            var (order, paid) = await PaidOrderAsync(journey);
            await Reaction().ReactAsync(order, paid, None);
        }

        _counters.Counted.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_order_without_attribution_credits_nothing()
    {
        var (order, paid) = await PaidOrderAsync(null);

        await Reaction().ReactAsync(order, paid, None);

        _counters.Counted.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_latest_email_touch_takes_the_credit_and_a_later_ad_click_does_not_take_it_away()
    {
        var firstEmailThenEmail = CartAttribution.Start(Touch("email", "cmp_first", PlacedAt.AddDays(-2))).With(Touch("Email", "flow-abandoned-cart", PlacedAt.AddHours(-3)));
        var emailThenAd = CartAttribution.Start(Touch("email", "cmp_before_ad", PlacedAt.AddDays(-1))).With(Touch("cpc", "winter-ads", PlacedAt.AddHours(-1), source: "google"));
        var oldEmailThenRecentEmail = CartAttribution.Start(Touch("email", "cmp_too_old", PlacedAt.AddDays(-30))).With(Touch("email", "cmp_recent", PlacedAt.AddDays(-1)));
        foreach (var journey in new[] { firstEmailThenEmail, emailThenAd, oldEmailThenRecentEmail })
        {
            var (order, paid) = await PaidOrderAsync(journey);
            await Reaction().ReactAsync(order, paid, None);
        }

        _counters.Counted.Select(c => c.CampaignId).ShouldBe(["flow-abandoned-cart", "cmp_before_ad", "cmp_recent"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_replayed_paid_event_counts_the_order_once()
    {
        var (order, paid) = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_replay", PlacedAt.AddHours(-1))));

        await Reaction().ReactAsync(order, paid, None);
        await Reaction().ReactAsync(order, paid, None);
        // A later read of the order (more history since) still names the same order and amount.
        var later = _bed.Stored(order.Number);
        await Reaction().ReactAsync(later, later.History.Single(h => h.Change == OrderChange.Paid), None);

        var credited = await _counters.ReadAsync("cmp_replay", None);
        credited.Orders.ShouldBe(1);
        credited.MinorUnitsByCurrency["EUR"].ShouldBe(4650);
        _counters.Attempts.ShouldBe(3, "each run asks the counters, which know the order already");
    }

    [Fact]
    public async Task Currencies_are_kept_apart_never_converted()
    {
        var euro = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_multi", PlacedAt.AddHours(-1))));
        var pound = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_multi", PlacedAt.AddHours(-1))));
        var yen = await PaidOrderAsync(CartAttribution.Start(Touch("email", "cmp_multi", PlacedAt.AddHours(-1))));
        var inPounds = pound.Order with { Currency = "GBP", Pricing = pound.Order.Pricing with { Total = new Money(19.99m, "GBP") } };
        var inYen = yen.Order with { Currency = "JPY", Pricing = yen.Order.Pricing with { Total = new Money(1500m, "JPY") } };

        await Reaction().ReactAsync(euro.Order, euro.Paid, None);
        await Reaction().ReactAsync(inPounds, pound.Paid, None);
        await Reaction().ReactAsync(inYen, yen.Paid, None);

        var credited = await _counters.ReadAsync("cmp_multi", None);
        credited.Orders.ShouldBe(3);
        credited.MinorUnitsByCurrency.ShouldBe(new Dictionary<string, long> { ["EUR"] = 4650, ["GBP"] = 1999, ["JPY"] = 1500 }, ignoreOrder: true);
        credited.Amounts.ShouldBe([new Money(46.50m, "EUR"), new Money(19.99m, "GBP"), new Money(1500m, "JPY")]);
    }

    [Fact]
    public async Task Only_the_paid_entry_credits_an_unpaid_order_nothing_and_a_refund_or_cancellation_takes_nothing_back()
    {
        var journey = CartAttribution.Start(Touch("email", "cmp_refund", PlacedAt.AddHours(-1)));
        var unpaid = await _bed.Orders.PlaceAsync(OrderTestBed.Placement() with { Attribution = journey }, None);
        await Reaction().ReactAsync(unpaid, unpaid.History.Single(), None);
        _counters.Counted.ShouldBeEmpty();

        var (order, paid) = await PaidOrderAsync(journey);
        await Reaction().ReactAsync(order, paid, None);
        var refunded = await _bed.Orders.RefundAsync(order.Number, OrderTestBed.Eur(46.50m), "Damaged", OrderTestBed.Admin, None);
        foreach (var entry in refunded.History) await Reaction().ReactAsync(refunded, entry, None);

        var (cancelledOrder, _) = await PaidOrderAsync(journey);
        var cancelled = await _bed.Orders.CancelAsync(cancelledOrder.Number, "Out of stock", OrderTestBed.Support, None);
        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        foreach (var entry in cancelled.History) await Reaction().ReactAsync(cancelled, entry, None);

        var credited = await _counters.ReadAsync("cmp_refund", None);
        credited.Orders.ShouldBe(2, "the refunded order and the cancelled one were each paid once");
        credited.MinorUnitsByCurrency["EUR"].ShouldBe(2 * 4650);
        _counters.Counted.Select(c => c.OrderNumber).ShouldBe([order.Number, cancelledOrder.Number]);
    }

    /// <summary>
    /// Counters with the contract of the Cosmos DB ones: an order number counted once per campaign (the adapter's own
    /// tests, CosmosAttributedRevenueTests, prove that it holds there under replays and concurrency).
    /// </summary>
    private sealed class InMemoryAttributedRevenue : IAttributedRevenueCounters
    {
        private readonly List<AttributedOrder> _counted = [];

        public IReadOnlyList<AttributedOrder> Counted => _counted;
        public int Attempts { get; private set; }

        public Task<bool> CountAsync(AttributedOrder order, CancellationToken ct)
        {
            Attempts++;
            if (_counted.Any(c => c.CampaignId == order.CampaignId && c.OrderNumber == order.OrderNumber)) return Task.FromResult(false);
            _counted.Add(order);
            return Task.FromResult(true);
        }

        public Task<AttributedRevenue> ReadAsync(string campaignOrFlowId, CancellationToken ct)
        {
            var mine = _counted.Where(c => c.CampaignId == campaignOrFlowId).ToList();
            return Task.FromResult(mine.Count == 0 ? AttributedRevenue.None : new AttributedRevenue(mine.Count,
                mine.GroupBy(c => c.Currency).ToDictionary(g => g.Key, g => g.Sum(c => c.MinorUnits))));
        }
    }
}
