using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.Benchmarks;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;

// `-- pricing` runs the promotion engine's BenchmarkDotNet benchmark instead (no local shop; docs/benchmarks.md).
if (args.FirstOrDefault() == "pricing") return Serverless.Shop.Benchmarks.Pricing.PricingBenchmarks.Run(args[1..]);
// `-- buying` measures carts and checkouts: Cosmos DB calls per operation against their budgets, and checkouts per second.
if (args.FirstOrDefault() == "buying") return await Serverless.Shop.Benchmarks.Buying.BuyingBenchmark.RunAsync(args[1..]);
// `-- customers` measures the Cosmos DB calls of customer profile operations, a profile read above all (budget 1).
if (args.FirstOrDefault() == "customers") return await Serverless.Shop.Benchmarks.Customers.ProfileBenchmark.RunAsync(args[1..]);
// `-- quote` measures shipping options: the Cosmos DB calls of a quote (budget 1) and the local geocode and rate time.
if (args.FirstOrDefault() == "quote") return await Serverless.Shop.Benchmarks.Shipping.QuoteBenchmark.RunAsync(args[1..]);
// `-- allocation` measures the checkout's allocation: Cosmos DB calls for N lines across W warehouses (budget 2 + N).
if (args.FirstOrDefault() == "allocation") return await Serverless.Shop.Benchmarks.Inventory.AllocationBenchmark.RunAsync(args[1..]);
// `-- tracking` measures tracking webhooks: the Cosmos DB calls and time of a signed carrier webhook for a shipped order.
if (args.FirstOrDefault() == "tracking") return await Serverless.Shop.Benchmarks.Shipping.TrackingWebhookBenchmark.RunAsync(args[1..]);
// `-- audience` measures marketing audiences: the Cosmos DB calls per 100 recipients of listing one (docs/marketing.md).
if (args.FirstOrDefault() == "audience") return await Serverless.Shop.Benchmarks.Marketing.AudienceBenchmark.RunAsync(args[1..]);
// `-- flash-sale` runs a flash sale under a rush: sale units sold against the cap, per-buyer limits, throughput and p99.
if (args.FirstOrDefault() == "flash-sale") return await Serverless.Shop.Benchmarks.Marketing.FlashSaleBenchmark.RunAsync(args[1..]);
// `-- clickstream` measures the clickstream's ingestion: events per second accepted in batches of 20, and Cosmos DB calls per request (budget 0).
if (args.FirstOrDefault() == "clickstream") return await Serverless.Shop.Benchmarks.Analytics.ClickstreamBenchmark.RunAsync(args[1..]);
// `-- sales` measures the sales rollups: the Cosmos DB calls of counting a paid order and of 30-day and yearly queries.
if (args.FirstOrDefault() == "sales") return await Serverless.Shop.Benchmarks.Analytics.SalesBenchmark.RunAsync(args[1..]);

// Starts the local shop with the demo catalog, adds products through the API, runs each scenario (warm-up, then the
// measured requests), prints a Markdown table to stdout and exits non-zero when a Cosmos DB call budget is broken.
// Progress goes to stderr, so stdout is only the table.

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

using var loggers = LoggerFactory.Create(b =>
{
    b.SetMinimumLevel(LogLevel.Information).AddSimpleConsole(o => o.SingleLine = true);
    b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
});
var log = loggers.CreateLogger("Benchmarks");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
var machine = Report.DescribeMachine(root);
var loadBefore = Report.LoadAverage();
await using var shop = await LocalShop.StartAsync(new LocalShopOptions(root)
{
    Port = 0,
    DataDirectory = null,
    SeedDemoCatalog = true,
    // The shop's own log lines go to stderr too.
    Configure = b => b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace),
}, log, stop.Token);
if (!shop.BaseAddress.IsLoopback) throw new InvalidOperationException($"The shop listens on {shop.BaseAddress}; the benchmark only sends load to loopback.");

using var shopper = shop.CreateClient();
shopper.Timeout = TimeSpan.FromSeconds(30);
using var merchandiser = shop.CreateClient(ShopRoles.Merchandiser);

log.LogInformation("Adding {Count} products through the API", options.ExtraProducts);
var catalog = await BenchmarkCatalog.BuildAsync(shopper, merchandiser, options.ExtraProducts, concurrency: 8, stop.Token);
log.LogInformation("The catalog has {Count} products", catalog.Products.Count);
catalog = catalog with { ReviewedProductIds = await ReviewSeeding.SeedAsync(shop.Services, catalog, stop.Token) };

var scenarios = Scenario.All(catalog).Where(s => options.Scenarios.Count == 0 || options.Scenarios.Contains(s.Name)).ToList();

var runner = new LoadRunner(shopper, options.ScenarioTimeLimit);
var runs = new List<Run>();
foreach (var scenario in scenarios)
{
    log.LogInformation("{Scenario}: {WarmUp} warm-up requests, then {Requests} at concurrency {Concurrency}", scenario.Name, options.WarmUpRequests, options.Requests, options.Concurrency);
    if (options.WarmUpRequests > 0) await runner.RunAsync(scenario, options.WarmUpRequests, options.Concurrency, seed: 1, stop.Token);
    var run = await runner.RunAsync(scenario, options.Requests, options.Concurrency, seed: 1000, stop.Token);
    log.LogInformation("{Scenario}: {Count} requests in {Seconds:0.0} s", scenario.Name, run.Samples.Count, run.Elapsed.TotalSeconds);
    runs.Add(run);
}

var report = new Report(runs, options, catalog.Products.Count, machine, loadBefore, DateTimeOffset.UtcNow);
Console.WriteLine(report.Table());
if (options.WriteDocs)
{
    var docs = Path.Combine(root, "docs", "benchmarks.md");
    report.WriteInto(docs);
    log.LogInformation("Wrote the results into {File}", docs);
}

foreach (var problem in report.Problems) Console.Error.WriteLine("Budget broken: " + problem);
return report.Problems.Count == 0 ? 0 : 1;
