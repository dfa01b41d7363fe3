using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Infrastructure.Marketing.Attribution;
using Serverless.Shop.IntegrationTests.Marketing.Campaigns;

namespace Serverless.Shop.IntegrationTests.Marketing.Attribution;

/// <summary>
/// The attributed-revenue counters on the Cosmos DB emulator, through the real SDK: an order counts once however often
/// and however concurrently it is counted, currencies stay apart (also a currency new to a day's document, an Increment
/// on a nested path that does not exist yet), days add up, campaigns are kept apart.
/// </summary>
[Collection(CampaignShopCollection.Name)]
public sealed class CosmosAttributedRevenueTests(CampaignShopFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Today = DateTimeOffset.UtcNow;

    private IAttributedRevenueCounters Counters => fixture.Shop.Services.GetRequiredService<IAttributedRevenueCounters>();

    private static string NewCampaign() => Ids.New("cmp");

    private static AttributedOrder Order(string campaign, string currency = "EUR", long units = 1000, DateTimeOffset? placedAt = null) =>
        new(campaign, OrderNumbers.New(), placedAt ?? Today, currency, units);

    [Fact]
    public async Task An_order_counted_again_is_not_counted_twice()
    {
        var campaign = NewCampaign();
        var order = Order(campaign, units: 4650);

        (await Counters.CountAsync(order, None)).ShouldBeTrue();
        (await Counters.CountAsync(order, None)).ShouldBeFalse();
        (await Counters.CountAsync(order, None)).ShouldBeFalse();

        var read = await Counters.ReadAsync(campaign, None);
        read.Orders.ShouldBe(1);
        read.MinorUnitsByCurrency.ShouldBe(new Dictionary<string, long> { ["EUR"] = 4650 });
    }

    [Fact]
    public async Task Currencies_stay_apart_and_days_add_up()
    {
        var campaign = NewCampaign();
        var yesterday = Today.AddDays(-1);
        (await Counters.CountAsync(Order(campaign, "EUR", 1000, yesterday), None)).ShouldBeTrue();
        // A currency the day's document does not have yet: the Increment creates it.
        (await Counters.CountAsync(Order(campaign, "GBP", 1999, yesterday), None)).ShouldBeTrue();
        (await Counters.CountAsync(Order(campaign, "EUR", 250), None)).ShouldBeTrue();
        (await Counters.CountAsync(Order(campaign, "JPY", 1500), None)).ShouldBeTrue();

        var read = await Counters.ReadAsync(campaign, None);
        read.Orders.ShouldBe(4);
        read.MinorUnitsByCurrency.ShouldBe(new Dictionary<string, long> { ["EUR"] = 1250, ["GBP"] = 1999, ["JPY"] = 1500 }, ignoreOrder: true);
        read.Amounts.ShouldBe([new Money(12.50m, "EUR"), new Money(19.99m, "GBP"), new Money(1500m, "JPY")]);
    }

    [Fact]
    public async Task Many_orders_counted_at_once_each_several_times_count_each_exactly_once()
    {
        var campaign = NewCampaign();
        var orders = Enumerable.Range(1, 12).Select(i => Order(campaign, units: i * 100)).ToList();

        // Every order three times, all at once: the first order of the day races to create the document.
        var counted = await Task.WhenAll(orders.SelectMany(o => Enumerable.Repeat(o, 3)).Select(o => Counters.CountAsync(o, None)));

        counted.Count(c => c).ShouldBe(12);
        var read = await Counters.ReadAsync(campaign, None);
        read.Orders.ShouldBe(12);
        read.MinorUnitsByCurrency["EUR"].ShouldBe(orders.Sum(o => o.MinorUnits));
    }

    [Fact]
    public async Task Campaigns_are_kept_apart_and_one_with_no_orders_reads_none()
    {
        var one = NewCampaign();
        var other = NewCampaign();
        await Counters.CountAsync(Order(one, units: 700), None);

        (await Counters.ReadAsync(other, None)).ShouldBe(AttributedRevenue.None);
        (await Counters.ReadAsync(one, None)).Orders.ShouldBe(1);
        (await Counters.ReadAsync("not a campaign id/..", None)).ShouldBe(AttributedRevenue.None);
    }

    [Fact]
    public async Task An_order_number_or_currency_that_could_break_the_write_is_refused_and_nothing_is_counted()
    {
        var campaign = NewCampaign();

        await Should.ThrowAsync<ArgumentException>(() => Counters.CountAsync(Order(campaign) with { OrderNumber = "SS-1') OR ('1'='1" }, None));
        await Should.ThrowAsync<ArgumentException>(() => Counters.CountAsync(Order(campaign) with { Currency = "EUR/orders" }, None));
        await Should.ThrowAsync<ArgumentException>(() => Counters.CountAsync(Order(campaign) with { CampaignId = "cmp/1" }, None));

        (await Counters.ReadAsync(campaign, None)).ShouldBe(AttributedRevenue.None);
    }
}

/// <summary>The attribution window setting: its default, and values the app refuses to start with.</summary>
public sealed class AttributionWindowSettingTests
{
    private static IConfiguration Config(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection([new(AttributionRegistration.AttributionWindowDaysSetting, value)]).Build();

    [Fact]
    public void Defaults_to_five_days_and_takes_a_whole_number_of_days()
    {
        AttributionRegistration.ReadEmailAttributionSettings(Config(null)).Window.ShouldBe(TimeSpan.FromDays(5));
        AttributionRegistration.ReadEmailAttributionSettings(Config(" ")).Window.ShouldBe(TimeSpan.FromDays(5));
        AttributionRegistration.ReadEmailAttributionSettings(Config("7")).Window.ShouldBe(TimeSpan.FromDays(7));
        AttributionRegistration.ReadEmailAttributionSettings(Config("90")).Window.ShouldBe(TimeSpan.FromDays(90));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("91")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("five")]
    public void A_value_it_does_not_understand_stops_the_app_naming_the_setting(string value)
    {
        Should.Throw<InvalidOperationException>(() => AttributionRegistration.ReadEmailAttributionSettings(Config(value)))
            .Message.ShouldContain(AttributionRegistration.AttributionWindowDaysSetting);
    }
}
