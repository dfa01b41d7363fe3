using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Marketing.Campaigns;

namespace Serverless.Shop.IntegrationTests.Marketing.Attribution;

/// <summary>
/// Revenue attributed to a campaign, over HTTP through the local shop: a shopper lands from the campaign's link (the
/// cart's attribution has utm_medium=email and utm_campaign=the campaign's id), checks out with the card simulator, and
/// the campaign's results show one order and its total once the order-events queue has run the paid reaction; the paid
/// event handled again does not count it twice. Flows are credited the same way, by their flow id, and show it in their results.
/// </summary>
[Collection(CampaignShopCollection.Name)]
public sealed class AttributedRevenueApiTests(CampaignShopFixture fixture)
{
    private readonly CheckoutShopper _shopper = new(fixture);
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private static object EmailTouch(string campaignId, DateTimeOffset? at = null) => new
    {
        utmSource = "newsletter", utmMedium = "email", utmCampaign = campaignId,
        landingPage = $"https://shop.example/products/mug?utm_medium=email&utm_campaign={campaignId}",
        capturedAt = at ?? DateTimeOffset.UtcNow.AddMinutes(-20),
    };

    /// <summary>A cart created with this visit, a mug in it, checked out and paid by card; the order as stored.</summary>
    private async Task<Order> BuyAsync(object attribution)
    {
        var variant = await _shopper.ProductInStockAsync(5, 30.00m);
        var created = await _shopper.Guest.PostJsonAsync("api/carts", new { attribution });
        var cart = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, cart.ToString());
        var (id, token) = (cart.GetProperty("id").GetString()!, cart.GetProperty("cartToken").GetString()!);
        var added = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/lines", token, new { productId = variant.ProductId, sku = variant.Sku, quantity = 2 });
        added.StatusCode.ShouldBe(HttpStatusCode.OK, (await added.JsonAsync()).ToString());

        var placed = await _shopper.PlaceAsync(new CheckoutShopper.Cart(id, token));
        await _shopper.CompletedAsync(placed.Number);
        return (await fixture.Shop.Services.GetRequiredService<OrderQueries>().GetAsync(placed.Number, CancellationToken.None)).Value;
    }

    /// <summary>The order's paid event handled as the order-events queue handles a (re)delivered message: NotifyOrderChange with every reaction.</summary>
    private Task HandlePaidEventAsync(Order order)
    {
        var paid = order.History.Single(h => h.Change == OrderChange.Paid);
        return fixture.Shop.Services.GetRequiredService<NotifyOrderChange>().HandleAsync(
            new OrderChanged(Guid.NewGuid().ToString("N"), order.Number, paid.Sequence, paid.Change, paid.Status, paid.At), CancellationToken.None);
    }

    private async Task<JsonElement> ResultsAsync(string campaignId)
    {
        var response = await _marketer.GetAsync($"api/campaigns/{campaignId}/results");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Fact]
    public async Task A_shopper_from_a_campaign_link_who_pays_shows_in_the_campaigns_results_once_with_the_orders_total()
    {
        var campaign = await CampaignApiTests.CreateAsync(_marketer, CampaignApiTests.Body(CampaignShopFixture.Segments[11]));
        var campaignId = campaign.GetProperty("id").GetString()!;
        var before = await ResultsAsync(campaignId);
        before.GetProperty("attributedOrders").GetInt64().ShouldBe(0);
        before.GetProperty("attributedRevenue").GetArrayLength().ShouldBe(0);

        var order = await BuyAsync(EmailTouch(campaignId));

        var results = await HttpTestExtensions.EventuallyAsync(() => ResultsAsync(campaignId), r => r.GetProperty("attributedOrders").GetInt64() > 0);
        results.GetProperty("attributedOrders").GetInt64().ShouldBe(1, results.ToString());
        // The order's own total: other tests' automatic promotions may be live in the shared shop.
        var revenue = results.GetProperty("attributedRevenue").EnumerateArray().ShouldHaveSingleItem();
        revenue.GetProperty("currency").GetString().ShouldBe(order.Pricing.Total.Currency);
        revenue.GetProperty("amount").GetDecimal().ShouldBe(order.Pricing.Total.Amount);

        // The paid event handled again, as a redelivered queue message is, counts nothing more.
        await HandlePaidEventAsync(order);
        await fixture.Shop.Services.GetRequiredService<AttributeEmailRevenue>().ReactAsync(order, order.History.Single(h => h.Change == OrderChange.Paid), CancellationToken.None);

        var read = await _marketer.GetAsync($"api/campaigns/{campaignId}/results");
        var again = await read.JsonAsync();
        again.GetProperty("attributedOrders").GetInt64().ShouldBe(1);
        // The campaign, its batches, its Event Webhook counters, and one query for its attributed revenue.
        read.CosmosCalls().ShouldBe(4);
        again.GetProperty("attributedRevenue").EnumerateArray().ShouldHaveSingleItem().GetProperty("amount").GetDecimal().ShouldBe(order.Pricing.Total.Amount);
    }

    [Fact]
    public async Task A_shopper_who_came_from_another_channel_or_from_an_email_too_long_ago_credits_no_campaign()
    {
        var campaign = await CampaignApiTests.CreateAsync(_marketer, CampaignApiTests.Body(CampaignShopFixture.Segments[11]));
        var campaignId = campaign.GetProperty("id").GetString()!;
        var ad = new { utmSource = "google", utmMedium = "cpc", utmCampaign = campaignId, capturedAt = DateTimeOffset.UtcNow.AddMinutes(-5) };

        var fromAd = await BuyAsync(ad);
        var fromOldEmail = await BuyAsync(EmailTouch(campaignId, DateTimeOffset.UtcNow.AddDays(-6)));

        // Each paid event handled here, to the end (its reactions run inside): whatever the queue does meanwhile, a
        // credit would show by the time it returns.
        foreach (var order in new[] { fromAd, fromOldEmail })
            await HandlePaidEventAsync(order);

        (await ResultsAsync(campaignId)).GetProperty("attributedOrders").GetInt64().ShouldBe(0);
        var reader = fixture.Shop.Services.GetRequiredService<IAttributedRevenueReader>();
        (await reader.ReadAsync(campaignId, CancellationToken.None)).ShouldBe(AttributedRevenue.None);
    }

    [Fact]
    public async Task A_shopper_from_a_flows_link_who_pays_shows_in_the_flows_results()
    {
        const string flow = RemindAbandonedCarts.FlowId;
        // Tests in this collection run one at a time, and no other buys from this flow's links: the difference is this order.
        var before = await FlowResultsAsync(flow);

        var order = await BuyAsync(EmailTouch(flow));

        var after = await HttpTestExtensions.EventuallyAsync(() => FlowResultsAsync(flow),
            r => r.GetProperty("attributedOrders").GetInt64() > before.GetProperty("attributedOrders").GetInt64());
        after.GetProperty("attributedOrders").GetInt64().ShouldBe(before.GetProperty("attributedOrders").GetInt64() + 1, after.ToString());
        var currency = order.Pricing.Total.Currency;
        Amount(after, currency).ShouldBe(Amount(before, currency) + order.Pricing.Total.Amount);

        // Any other id the flow's links could carry reads the same way, through the domain's reader.
        var otherFlow = "flow-test-" + Guid.NewGuid().ToString("N")[..8];
        var other = await BuyAsync(EmailTouch(otherFlow));
        var reader = fixture.Shop.Services.GetRequiredService<IAttributedRevenueReader>();
        var credited = await HttpTestExtensions.EventuallyAsync(() => reader.ReadAsync(otherFlow, CancellationToken.None), r => r.Orders > 0);
        credited.Orders.ShouldBe(1);
        credited.Amounts.ShouldBe([other.Pricing.Total]);
    }

    private async Task<JsonElement> FlowResultsAsync(string flowId)
    {
        var response = await _marketer.GetAsync($"api/marketing/flows/{flowId}/results");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static decimal Amount(JsonElement results, string currency) =>
        results.GetProperty("attributedRevenue").EnumerateArray()
            .Where(m => m.GetProperty("currency").GetString() == currency).Sum(m => m.GetProperty("amount").GetDecimal());
}
