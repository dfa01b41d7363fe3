using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Orders;
using static Serverless.Shop.IntegrationTests.Analytics.Sales.SalesTestOrders;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>
/// POST /api/analytics/sales/rebuilds and GET .../{id}: a rebuild of a period recomputes its figures from the orders in
/// the order store (the Durable fan-out RebuildSalesRollups), counting orders whose counting was lost and changing
/// nothing where the figures were right; who may start one; what is refused.
/// Orders are written to the order store directly (which publishes no change, so nothing counts them) in a period of
/// their own in the past.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class SalesRebuildTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromMinutes(3);
    private readonly CountOrderSales _counting = fixture.Shop.Services.GetRequiredService<CountOrderSales>();
    private readonly IOrderStore _orders = fixture.Shop.Services.GetRequiredService<IOrderStore>();
    private readonly HttpClient _admin = fixture.Client(ShopRoles.Admin);

    /// <summary>A day of its own between <paramref name="firstYear"/> and ten years on, so that no other test's orders are near it.</summary>
    private static DateTimeOffset QuietDay(int firstYear) =>
        new DateTimeOffset(firstYear, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(0, 9 * 365));

    [Fact]
    public async Task A_rebuild_counts_the_orders_whose_counting_was_lost_and_leaves_those_counted_right()
    {
        var start = QuietDay(2001);
        var end = start.AddDays(20);
        var customers = new[] { NewId("cust"), NewId("cust") };
        var product = NewId("prod");
        Order Sale(int customer, decimal unit, DateTimeOffset paidAt) => Paid(customers[customer], [Line(product, 2, unit, taxRate: 0.21m)], 4.95m, paidAt);

        var neverCounted = Refunded(Sale(0, 20m, start.AddDays(1).AddHours(3)), 7.5m, start.AddDays(3));
        var onlyPlacedCounted = Sale(1, 31.4m, start.AddDays(2).AddHours(9));
        var refundLost = Sale(0, 12m, start.AddDays(-2));
        var refundLostFinal = Refunded(refundLost, 5m, start.AddDays(5).AddHours(1));
        var countedRight = Refunded(Sale(1, 9.99m, start.AddDays(4)), 3m, start.AddDays(6));
        var paidBeforeUntouched = Sale(0, 50m, start.AddDays(-5));
        var paidAfter = Sale(1, 70m, end.AddDays(5));
        var neverPaid = Placed(Sale(0, 80m, start.AddDays(1)));

        await _counting.ReactAsync(Placed(onlyPlacedCounted), onlyPlacedCounted.History[0], Ct);
        await _counting.ReactAsync(refundLost, refundLost.History[^1], Ct);
        await _counting.ReactAsync(countedRight, countedRight.History[^1], Ct);
        foreach (var order in new[] { neverCounted, onlyPlacedCounted, refundLostFinal, countedRight, paidBeforeUntouched, paidAfter, neverPaid })
            await _orders.CreateAsync(order, Ct);
        var inPeriod = new[] { neverCounted, onlyPlacedCounted, refundLostFinal, countedRight };

        // Before: the figures miss what was lost (so the comparison below can fail).
        (await NetByCustomerAsync(start, end)).GetValueOrDefault(customers[0]).ShouldNotBe(ExpectedNet(inPeriod.Where(o => o.CustomerId == customers[0]), start, end));

        var status = await RebuildAsync(start, end);

        status.GetProperty("state").GetString().ShouldBe("completed");
        status.GetProperty("ordersSeen").GetInt32().ShouldBe(4, "paid before the end and changed since the start: not the order paid and last changed before, nor the one paid after, nor the unpaid one");
        status.GetProperty("ordersChanged").GetInt32().ShouldBe(3);
        status.GetProperty("pages").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        await ShouldMatchTheOrdersByCustomerAsync(_admin, inPeriod, customers, start, end);
        // Hour by hour too: the rebuilt sale lands in the hour it was paid.
        await ShouldMatchTheOrdersByCustomerAsync(_admin, inPeriod, customers, neverCounted.PaidAt!.Value, neverCounted.PaidAt!.Value.AddHours(1));
        // Outside the period nothing was counted: the order paid after it is still missing from its own day.
        (await NetByCustomerAsync(Hour(paidAfter.PaidAt!.Value), Hour(paidAfter.PaidAt!.Value).AddHours(1))).ContainsKey(customers[1]).ShouldBeFalse();
    }

    [Fact]
    public async Task A_rebuild_over_figures_already_right_changes_nothing()
    {
        var start = QuietDay(2011);
        var end = start.AddDays(10);
        var customer = NewId("cust");
        var product = NewId("prod");
        var orders = new List<Order>();
        for (var n = 0; n < 5; n++)
        {
            var order = Paid(customer, [Line(product, n + 1, 10m + n, discount: n % 2 == 0 ? 1m : 0m, taxRate: 0.09m)], 3m, start.AddHours(7 + (n * 31)));
            if (n % 2 == 1) order = Refunded(order, 4m, order.PaidAt!.Value.AddDays(1));
            await _counting.ReactAsync(order, order.History[^1], Ct);
            await _orders.CreateAsync(order, Ct);
            orders.Add(order);
        }
        var query = $"groupBy=customer&grain=hour&from={Iso(start)}&to={Iso(end)}";
        var before = (await SalesAsync(query)).GetProperty("rows").GetRawText();

        var status = await RebuildAsync(start, end);

        status.GetProperty("state").GetString().ShouldBe("completed");
        status.GetProperty("ordersSeen").GetInt32().ShouldBe(5);
        status.GetProperty("ordersChanged").GetInt32().ShouldBe(0);
        (await SalesAsync(query)).GetProperty("rows").GetRawText().ShouldBe(before);
        await ShouldMatchTheOrdersByCustomerAsync(_admin, orders, [customer], start, end);
    }

    [Fact]
    public async Task A_rebuild_goes_through_every_page_of_the_period()
    {
        // Late 2020: a period the other tests here (2001-2019) do not use.
        var start = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-Random.Shared.Next(30, 300));
        var end = start.AddDays(3);
        var customer = NewId("cust");
        var product = NewId("prod");
        var count = RebuildSalesRollups.PageSize + 30;
        var orders = new List<Order>();
        foreach (var batch in Enumerable.Range(0, count).Chunk(10))
        {
            var made = batch.Select(n => Paid(customer, [Line(product, 1, 5m + n)], 0m, start.AddMinutes(n * 29))).ToList();
            await Task.WhenAll(made.Select(o => _orders.CreateAsync(o, Ct)));
            orders.AddRange(made);
        }

        var status = await RebuildAsync(start, end);

        status.GetProperty("state").GetString().ShouldBe("completed");
        status.GetProperty("pages").GetInt32().ShouldBeGreaterThanOrEqualTo(2);
        status.GetProperty("ordersSeen").GetInt32().ShouldBe(count);
        status.GetProperty("ordersChanged").GetInt32().ShouldBe(count);
        await ShouldMatchTheOrdersByCustomerAsync(_admin, orders, [customer], start, end);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ShopRoles.Customer, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Support, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Marketer, HttpStatusCode.Forbidden)]
    [InlineData(ShopRoles.Merchandiser, HttpStatusCode.Forbidden)]
    public async Task Only_admins_start_or_read_a_rebuild(string? role, HttpStatusCode expected)
    {
        var client = fixture.Client(role);
        (await client.PostJsonAsync("api/analytics/sales/rebuilds", new { from = "2001-01-01T00:00:00Z", to = "2001-01-01T01:00:00Z" })).StatusCode.ShouldBe(expected);
        var started = await _admin.PostJsonAsync("api/analytics/sales/rebuilds", new { from = "2001-01-01T00:00:00Z", to = "2001-01-01T01:00:00Z" });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await client.GetAsync(started.Headers.Location!.ToString().TrimStart('/'))).StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null, "2026-11-02T00:00:00Z", "from")]
    [InlineData("2026-11-01T00:00:00Z", null, "to")]
    [InlineData("2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z", "to")]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", "to")]
    [InlineData("2025-01-01T00:00:00Z", "2026-02-05T01:00:00Z", "to")]
    [InlineData("2026-11-01T10:30:00Z", "2026-11-02T00:00:00Z", "from")]
    [InlineData("2026-11-01T10:00:00+05:30", "2026-11-02T00:00:00Z", "from")]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-02T00:00:01Z", "to")]
    public async Task A_bad_period_is_a_problem_naming_the_field(string? from, string? to, string field) =>
        await ShouldBeProblem(await _admin.PostJsonAsync("api/analytics/sales/rebuilds", new { from, to }), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task A_period_ending_more_than_an_hour_from_now_is_refused_and_one_ending_within_the_hour_is_taken()
    {
        var nextHour = Hour(DateTimeOffset.UtcNow).AddHours(1);
        await ShouldBeProblem(await _admin.PostJsonAsync("api/analytics/sales/rebuilds", new { from = Text(nextHour.AddDays(-1)), to = Text(nextHour.AddHours(1)) }), HttpStatusCode.BadRequest, "to");
        (await _admin.PostJsonAsync("api/analytics/sales/rebuilds", new { from = Text(nextHour.AddHours(-2)), to = Text(nextHour) })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Only_rebuilds_are_found_by_their_id()
    {
        await ShouldBeProblem(await _admin.GetAsync("api/analytics/sales/rebuilds/sales-rebuild-" + Guid.NewGuid().ToString("N")), HttpStatusCode.NotFound);
        // A checkout's instance id is its order number: not a rebuild's id, so never looked up as one.
        await ShouldBeProblem(await _admin.GetAsync("api/analytics/sales/rebuilds/" + OrderNumbers.New()), HttpStatusCode.NotFound);
    }

    /// <summary>Starts a rebuild over HTTP and follows its Location until it is done; returns its last status.</summary>
    private async Task<JsonElement> RebuildAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var started = await _admin.PostJsonAsync("api/analytics/sales/rebuilds", new { from = Text(from), to = Text(to) });
        var body = await started.JsonAsync();
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        var location = started.Headers.Location.ShouldNotBeNull().ToString();
        location.ShouldBe("/api/analytics/sales/rebuilds/" + body.GetProperty("id").GetString());
        var deadline = DateTime.UtcNow + RebuildTimeout;
        while (true)
        {
            var response = await _admin.GetAsync(location.TrimStart('/'));
            var status = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, status.ToString());
            if (status.GetProperty("state").GetString() is "completed" or "failed") return status;
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the rebuild did not finish: " + status);
            await Task.Delay(250);
        }
    }

    private Task<JsonElement> SalesAsync(string query) => SalesTestOrders.SalesAsync(_admin, query);

    private async Task<Dictionary<string, long>> NetByCustomerAsync(DateTimeOffset from, DateTimeOffset to) =>
        RowsByKey(await SalesAsync($"groupBy=customer&from={Iso(from)}&to={Iso(to)}")).ToDictionary(r => r.Key, r => r.Value.GetProperty("net").GetInt64());

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
