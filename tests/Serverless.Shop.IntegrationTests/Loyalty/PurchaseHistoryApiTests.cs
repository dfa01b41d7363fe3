using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Shipping;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Loyalty;

/// <summary>
/// The purchase history over HTTP: kept by the order-events queue function in Cosmos DB, shown by
/// <c>GET /api/me/purchase-history</c> with the customer's orders, reviewed by the nightly timer, exported and erased.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PurchaseHistoryApiTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly LoyaltyShopper _loyalty = new(fixture);
    private readonly ManageOrders _orders = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    private readonly OrderReturns _returns = fixture.Shop.Services.GetRequiredService<OrderReturns>();

    [Fact]
    public async Task Paid_orders_show_with_the_kept_lifetime_spend_and_order_count_and_a_return_takes_its_spend_back()
    {
        var (customerId, client) = _loyalty.NewCustomer();
        var first = await _loyalty.PaidOrderAsync(customerId, 120m);
        await _loyalty.PaidOrderAsync(customerId, 30.50m);

        var history = await LoyaltyShopper.HistoryWhenAsync(client, h => h.GetProperty("summary").GetProperty("orderCount").GetInt32() == 2);
        var summary = history.GetProperty("summary");
        summary.GetProperty("lifetimeSpend").GetProperty("EUR").GetDecimal().ShouldBe(150.50m);
        summary.GetProperty("rollingSpend").GetProperty("amount").GetDecimal().ShouldBe(150.50m);
        summary.GetProperty("tier").GetString().ShouldBe("Bronze");
        summary.GetProperty("lastOrderAt").GetDateTimeOffset().ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        var orders = history.GetProperty("orders").EnumerateArray().ToList();
        orders.Select(o => o.GetProperty("total").GetProperty("amount").GetDecimal()).ShouldBe([30.50m, 120m], "newest first");
        orders.ShouldAllBe(o => o.GetProperty("status").GetString() == "paid");

        // The first order delivered, then returned: its 120 no longer counts (a partial refund: PurchaseHistoryTests).
        var n = first.Number;
        await _orders.AttachShipmentAsync(n, new Shipment("localpost", "shp_" + n, "TRK" + n, "https://track.example/" + n, null), Ct);
        await _orders.ApplyTrackingAsync(new TrackingEvent("evt_d_" + n, "localpost", "TRK" + n, n, TrackingStatus.Delivered, DateTimeOffset.UtcNow.AddHours(-1), null), Ct);
        await _returns.RequestReturnAsync(n, "Too big", new Actor(customerId, [ShopRoles.Customer]), Ct);
        await _returns.MarkReturnedAsync(n, Actor.System("test"), Ct);

        var returned = await LoyaltyShopper.HistoryWhenAsync(client, h => h.GetProperty("summary").GetProperty("orderCount").GetInt32() == 1);
        returned.GetProperty("summary").GetProperty("lifetimeSpend").GetProperty("EUR").GetDecimal().ShouldBe(30.50m);
        returned.GetProperty("orders").EnumerateArray().Single(o => o.GetProperty("number").GetString() == n).GetProperty("status").GetString().ShouldBe("returned");
    }

    [Fact]
    public async Task The_orders_are_paged()
    {
        var (customerId, client) = _loyalty.NewCustomer();
        foreach (var amount in new[] { 10m, 20m, 30m }) await _loyalty.PaidOrderAsync(customerId, amount);
        await LoyaltyShopper.HistoryWhenAsync(client, h => h.GetProperty("summary").GetProperty("orderCount").GetInt32() == 3);

        var page = await LoyaltyShopper.HistoryAsync(client, "?pageSize=2");
        page.GetProperty("orders").GetArrayLength().ShouldBe(2);
        var token = page.GetProperty("continuationToken").GetString().ShouldNotBeNull();
        var next = await LoyaltyShopper.HistoryAsync(client, "?pageSize=2&continuationToken=" + Uri.EscapeDataString(token));
        next.GetProperty("orders").EnumerateArray().ShouldHaveSingleItem().GetProperty("total").GetProperty("amount").GetDecimal().ShouldBe(10m);
    }

    [Fact]
    public async Task Only_a_signed_in_customer_may_ask_they_see_only_their_own_and_a_bad_page_size_names_the_field()
    {
        var (owner, _) = _loyalty.NewCustomer();
        await _loyalty.PaidOrderAsync(owner, 50m);
        var (_, someoneElse) = _loyalty.NewCustomer();

        var theirs = await LoyaltyShopper.HistoryAsync(someoneElse);
        theirs.GetProperty("orders").GetArrayLength().ShouldBe(0);
        theirs.GetProperty("summary").GetProperty("orderCount").GetInt32().ShouldBe(0);

        await ShouldBeProblem(await fixture.Client().GetAsync("api/me/purchase-history"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Support).GetAsync("api/me/purchase-history"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Admin).GetAsync("api/me/purchase-history"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await someoneElse.GetAsync("api/me/purchase-history?pageSize=0"), HttpStatusCode.BadRequest, "pageSize");
        await ShouldBeProblem(await someoneElse.GetAsync("api/me/purchase-history?pageSize=lots"), HttpStatusCode.BadRequest, "pageSize");
    }

    [Fact]
    public async Task The_nightly_review_downgrades_a_tier_whose_spend_has_left_the_twelve_month_window()
    {
        var (customerId, client) = _loyalty.NewCustomer();
        var now = DateTimeOffset.UtcNow;
        // As the history left it a year ago: Gold on 2500 EUR paid 366 days ago, due for review since a minute.
        await fixture.Shop.Services.GetRequiredService<ICustomerSummaryStore>().SaveAsync(
            new CustomerSummary(customerId, [new HistoryOrder("SS-OLD-0001", "EUR", 2500m, now.AddDays(-366), ["cat_x"], ["cat_x"], 9)])
            { Tier = "Gold", NextReviewAt = now.AddMinutes(-1) }, null, Ct);
        LoyaltyShopper.Tier(await LoyaltyShopper.HistoryAsync(client)).ShouldBe("Gold");

        await fixture.Shop.RunTimerAsync("ReviewCustomerStandings", Ct);

        var summary = (await LoyaltyShopper.HistoryAsync(client)).GetProperty("summary");
        summary.GetProperty("tier").GetString().ShouldBe("Bronze");
        summary.GetProperty("rollingSpend").GetProperty("amount").GetDecimal().ShouldBe(0m);
        summary.GetProperty("lifetimeSpend").GetProperty("EUR").GetDecimal().ShouldBe(2500m, "lifetime spend keeps what left the window");
    }

    [Fact]
    public async Task The_export_carries_the_purchase_history_and_offers_and_erasure_deletes_them_with_the_offers_promotions()
    {
        var (_, lamp) = await _loyalty.ProductInNewCategoryAsync();
        var (customerId, client) = _loyalty.NewCustomer();
        await _loyalty.PaidOrderAsync(customerId, 80m, lamp.ProductId);
        var offer = (await HttpTestExtensions.EventuallyAsync(() => LoyaltyShopper.OffersAsync(client), o => o.GetArrayLength() > 0)).EnumerateArray().Single();
        var services = fixture.Shop.Services;

        var export = await services.GetRequiredService<ExportPersonalData>().ExportAsync(customerId, Ct);
        export.Sections["purchaseHistory"].ShouldBeOfType<PurchaseSummaryView>().OrderCount.ShouldBe(1);
        export.Sections["offers"].ShouldBeAssignableTo<IReadOnlyList<PersonalOffer>>().ShouldNotBeNull().ShouldHaveSingleItem().Code.ShouldBe(offer.GetProperty("code").GetString());

        foreach (var cleanup in services.GetServices<IPersonalDataCleanup>().OfType<PurchaseHistoryCleanup>()) await cleanup.CleanUpAsync(customerId, Ct);

        (await services.GetRequiredService<ICustomerSummaryStore>().FindAsync(customerId, Ct)).ShouldBeNull();
        (await services.GetRequiredService<IPromotionStore>().FindByIdAsync(offer.GetProperty("promotionId").GetString()!, Ct)).ShouldBeNull();
        var after = await services.GetRequiredService<ExportPersonalData>().ExportAsync(customerId, Ct);
        after.Sections["purchaseHistory"].ShouldBeNull();
        after.Sections["offers"].ShouldBeNull();
    }
}
