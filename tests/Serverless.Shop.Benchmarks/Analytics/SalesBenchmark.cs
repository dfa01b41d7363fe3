using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.Benchmarks.Analytics;

/// <summary>
/// Sales rollups on the local shop: the Cosmos DB calls of counting one paid order, and of the queries staff run (30
/// days by day, the top 10 products of 30 days, a year by day), after counting <c>--orders</c> orders spread over the
/// last 400 days, against the budgets of docs/analytics.md. The queries never read an order.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- sales [--orders 600] [--products 40] [--write-docs]
/// </summary>
public static class SalesBenchmark
{
    public const string StartMarker = "<!-- sales-benchmark:start -->";
    public const string EndMarker = "<!-- sales-benchmark:end -->";

    public static async Task<int> RunAsync(string[] args)
    {
        var orderCount = ScenarioShop.Option(args, "--orders", 600);
        var productCount = ScenarioShop.Option(args, "--products", 40);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);
        var loggers = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
            b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        await using var shop = await LocalShop.StartAsync(new LocalShopOptions(root)
        {
            Port = 0, DataDirectory = null, SeedDemoCatalog = false, RunTimersOnSchedule = false,
            Configure = b => b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace),
        }, loggers.CreateLogger("Benchmarks"), CancellationToken.None);

        var counting = shop.Services.GetRequiredService<CountOrderSales>();
        // What the API answers: the rollups' query and the names of its keys (one read for products).
        var sales = shop.Services.GetRequiredService<ReadSales>();
        var random = new Random(11);
        var now = DateTimeOffset.UtcNow;
        var today = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var products = Enumerable.Range(0, productCount).Select(i => $"prod_bench{i:000}").ToList();
        var customers = Enumerable.Range(0, orderCount / 3 + 1).Select(i => $"cust_bench{i:0000}").ToList();

        Console.Error.WriteLine($"Counting {orderCount} paid orders over the last 400 days...");
        var rows = new List<(string What, int Calls, int Budget, double Ms, string Note)>();
        var countCalls = new List<int>();
        for (var n = 0; n < orderCount; n++)
        {
            var lines = products.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(p => Line(p, random.Next(1, 3), random.Next(500, 9000) / 100m)).ToList();
            var order = Paid(customers[random.Next(customers.Count)], lines, today.AddDays(-random.Next(0, 400)).AddMinutes(random.Next(0, 24 * 60)));
            var calls = CosmosCallCounter.BeginScope();
            await counting.ReactAsync(order, order.History[^1], default);
            if (n >= orderCount / 2 && lines.Count == 2) countCalls.Add(calls.Value);
        }
        // An order of two lines counts in 11 buckets (total, customer, country, payment method, channel, promotion, 2
        // products, 2 variants, a category): a patch of the hour's and of the day's counters each, plus the order's
        // record read, the products read, the first-order check, and the record written twice. A bucket's first order
        // adds its create (a 404, then the create) to each.
        const int BucketsOfTwoLines = 11;
        rows.Add(("count one paid order of 2 lines (median)", Median(countCalls), 5 + 4 * BucketsOfTwoLines, 0,
            $"{countCalls.Count} orders measured, {countCalls.Min()}-{countCalls.Max()} calls"));

        var queries = new (string What, SalesQuery Query, int Budget)[]
        {
            ("30 days by day, total", new SalesQuery(today.AddDays(-30), today, SalesDimension.Total, SalesTimeGrain.Day), 3),
            ("30 days, top 10 products", new SalesQuery(today.AddDays(-30), today, SalesDimension.Product, SalesTimeGrain.None, Top: 10), 3),
            ("30 days from 10:00, by day, total", new SalesQuery(today.AddDays(-30).AddHours(10), today.AddHours(10), SalesDimension.Total, SalesTimeGrain.Day), 3),
            ("7 days by hour, total", new SalesQuery(today.AddDays(-7), today, SalesDimension.Total, SalesTimeGrain.Hour), 3),
            ("365 days by day, total", new SalesQuery(today.AddDays(-365), today, SalesDimension.Total, SalesTimeGrain.Day), 3),
        };
        foreach (var (what, query, budget) in queries)
        {
            var calls = CosmosCallCounter.BeginScope();
            var watch = Stopwatch.StartNew();
            var answer = await sales.QueryAsync(query, default);
            rows.Add((what, calls.Value, budget, watch.Elapsed.TotalMilliseconds, $"{answer.Rows.Count} rows"));
        }

        var problems = new List<string>();
        var table = new StringBuilder()
            .AppendLine("| Operation | Cosmos DB calls | Budget | Time | Note |")
            .AppendLine("|---|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            if (row.Calls > row.Budget) problems.Add($"{row.What}: {row.Calls} calls, budget {row.Budget}");
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.What} | {row.Calls} | {row.Budget} | {(row.Ms == 0 ? "" : $"{row.Ms:0} ms")} | {row.Note} |"));
        }
        table.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{orderCount} paid orders of 1-3 lines from {productCount} products, paid at random times over the last 400 days, counted one after another; the counting calls are of the second half (most buckets exist by then)."));
        Console.WriteLine(table);
        if (args.Contains("--write-docs"))
            ScenarioShop.WriteSection(root, StartMarker, EndMarker, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {machine}; load average {Report.LoadAverage()} after the run.\n\n{table}");
        foreach (var problem in problems) Console.Error.WriteLine("Budget broken: " + problem);
        return problems.Count == 0 ? 0 : 1;
    }

    private static int Median(List<int> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    private static Money Eur(decimal amount) => new(amount, "EUR");

    private static PricedLine Line(string product, int quantity, decimal unit) =>
        new("line_" + product, product, "SKU-" + product, product, quantity, Eur(unit), null, Eur(unit * quantity), [], Eur(0m), Eur(unit * quantity), 0m, Eur(0m), Eur(unit * quantity), null);

    private static Order Paid(string customerId, IReadOnlyList<PricedLine> lines, DateTimeOffset paidAt)
    {
        var total = Eur(lines.Sum(l => l.Total.Amount));
        var pricing = new PricedCart("EUR", lines, [], [], total, Eur(0m), Eur(0m), Eur(0m), Eur(0m), Eur(0m), total, total, false);
        var number = OrderNumbers.New();
        return new Order(number, number, customerId, "bench@example.com", OrderStatus.Paid, "EUR", pricing,
            new ShippingAddress("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null), null, PaymentMethod.Card,
            new OrderPayment(PaymentMethod.Card, "bench", "pi_" + number, PaymentOutcome.Captured, total, Eur(0m)), null, null, null, "hash", [],
            [new OrderHistoryEntry(1, paidAt.AddMinutes(-1), OrderChange.Placed, OrderStatus.PendingPayment, "customer"), new OrderHistoryEntry(2, paidAt, OrderChange.Paid, OrderStatus.Paid, "system")],
            [], paidAt.AddMinutes(-1), paidAt, paidAt, null);
    }
}
