using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Orders;
using static Serverless.Shop.IntegrationTests.Analytics.Sales.SalesTestOrders;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>
/// The reconciliation: the figures the API answers equal the sums computed from the orders themselves, for random
/// periods (hour- and day-aligned, across months), whatever order and however often the orders' changes were delivered.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class SalesReconciliationTests(LocalShopFixture fixture)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly CountOrderSales _counting = fixture.Shop.Services.GetRequiredService<CountOrderSales>();
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    [Fact]
    public async Task Random_orders_delivered_out_of_order_and_twice_add_up_to_the_orders_for_random_periods()
    {
        var random = new Random(20261207);
        var customers = Enumerable.Range(0, 4).Select(_ => NewId("cust")).ToList();
        var products = Enumerable.Range(0, 3).Select(_ => NewId("prod")).ToList();
        var start = Hour(DateTimeOffset.UtcNow.AddDays(-50));

        var finals = new List<Order>();
        var deliveries = new List<Order>();
        for (var n = 0; n < 30; n++)
        {
            var lines = products.OrderBy(_ => random.Next()).Take(random.Next(1, 4))
                .Select(p => Line(p, random.Next(1, 4), random.Next(100, 9000) / 100m, discount: random.Next(0, 3) == 0 ? 1.50m : 0m, taxRate: random.Next(0, 2) * 0.21m))
                .ToList();
            var order = Paid(customers[random.Next(customers.Count)], lines, random.Next(0, 800) / 100m, start.AddMinutes(random.Next(0, 45 * 24 * 60)));
            deliveries.Add(Placed(order));
            deliveries.Add(order);
            var left = order.Pricing.Total.Amount;
            for (var r = random.Next(0, 3); r > 0 && left > 1m; r--)
            {
                var amount = decimal.Round(left * random.Next(10, 90) / 100m, 2);
                left -= amount;
                order = Refunded(order, amount, order.UpdatedAt.AddMinutes(random.Next(1, 10 * 24 * 60)));
                deliveries.Add(order);
            }
            finals.Add(order);
        }

        // Every state of every order, shuffled, a fifth of them twice, four at a time.
        var shuffled = deliveries.Concat(deliveries.Where(_ => random.Next(5) == 0)).OrderBy(_ => random.Next()).ToList();
        foreach (var batch in shuffled.Chunk(4))
            await Task.WhenAll(batch.Select(o => _counting.ReactAsync(o, o.History[^1], Ct)));

        for (var p = 0; p < 8; p++)
        {
            var from = start.AddHours(random.Next(0, 40 * 24));
            if (p % 2 == 0) from = new DateTimeOffset(from.Year, from.Month, from.Day, 0, 0, 0, TimeSpan.Zero);
            var to = from.AddHours(random.Next(1, 20 * 24));
            await ShouldMatchTheOrdersByCustomerAsync(_marketer, finals, customers, from, to);
            await ShouldReconcileByProductAsync(finals, products, from, to);
        }
        await ShouldMatchTheOrdersByCustomerAsync(_marketer, finals, customers, start.AddDays(-1), start.AddDays(60));
    }

    private Task<JsonElement> SalesAsync(string query) => SalesTestOrders.SalesAsync(_marketer, query);

    private async Task ShouldReconcileByProductAsync(IReadOnlyList<Order> orders, IReadOnlyList<string> products, DateTimeOffset from, DateTimeOffset to)
    {
        var days = (await SalesAsync($"groupBy=product&grain=day&from={Iso(from)}&to={Iso(to)}")).GetProperty("rows").EnumerateArray()
            .Where(r => products.Contains(r.GetProperty("key").GetString()!)).ToList();
        var paid = orders.Where(o => o.PaidAt >= from && o.PaidAt < to).ToList();
        foreach (var product in products)
        {
            var lines = paid.SelectMany(o => o.Pricing.Lines).Where(l => l.ProductId == product).ToList();
            var rows = days.Where(r => r.GetProperty("key").GetString() == product).ToList();
            var why = $"{product} in [{from:O}, {to:O})";
            rows.Sum(r => r.GetProperty("gross").GetInt64()).ShouldBe(lines.Sum(l => Cents(l.ListTotal.Amount)), why);
            rows.Sum(r => r.GetProperty("units").GetInt64()).ShouldBe(lines.Sum(l => (long)l.Quantity), why);
            rows.Sum(r => r.GetProperty("orders").GetInt64()).ShouldBe(paid.Count(o => o.Pricing.Lines.Any(l => l.ProductId == product)), why);
            rows.ShouldAllBe(r => DateTimeOffset.Parse(r.GetProperty("periodStart").GetString()!).TimeOfDay == TimeSpan.Zero);
        }
        // What the products share of each order (tax, shipping, refunds) adds up to the orders: their net sums to the orders' net.
        days.Sum(r => r.GetProperty("net").GetInt64()).ShouldBe(ExpectedNet(orders, from, to), $"products in [{from:O}, {to:O})");
    }
}
