using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>A flow's results: its Event Webhook counters and the revenue attributed to its id, for a flow that exists only.</summary>
public sealed class FlowResultsReportTests
{
    private readonly Campaigns.FakeAudience _engagement = new();
    private readonly FakeAttributedRevenue _revenue = new();

    private FlowResultsReport Report => new(new FlowSettingsReader(new InMemoryFlowSettingsStore(), [RemindAbandonedCarts.Definition]), _engagement, _revenue);

    [Fact]
    public async Task Results_show_the_orders_attributed_to_the_flow_and_their_revenue_per_currency()
    {
        _engagement.Engagement[RemindAbandonedCarts.FlowId] = new EmailEngagement(9, 5, 3, 0, 1, 0, Sent: 10);
        _revenue.ByCampaign[RemindAbandonedCarts.FlowId] = new AttributedRevenue(2, new Dictionary<string, long> { ["EUR"] = 8990, ["CHF"] = 4500 });
        _revenue.ByCampaign["flow-other"] = new AttributedRevenue(5, new Dictionary<string, long> { ["EUR"] = 50000 });

        var results = await Report.ReadAsync(RemindAbandonedCarts.FlowId, CancellationToken.None);

        (results.Sent, results.Delivered, results.Clicked).ShouldBe((10L, 9L, 3L));
        results.AttributedOrders.ShouldBe(2);
        results.AttributedRevenue.ShouldBe([new Money(45.00m, "CHF"), new Money(89.90m, "EUR")]);
    }

    [Fact]
    public async Task A_flow_nobody_bought_from_shows_none_and_an_unknown_flow_is_not_found()
    {
        var results = await Report.ReadAsync(RemindAbandonedCarts.FlowId, CancellationToken.None);
        (results.AttributedOrders, results.AttributedRevenue.Count).ShouldBe((0L, 0));

        _revenue.ByCampaign["flow-nope"] = new AttributedRevenue(1, new Dictionary<string, long> { ["EUR"] = 100 });
        await Should.ThrowAsync<ResourceNotFoundException>(() => Report.ReadAsync("flow-nope", CancellationToken.None));
    }
}
