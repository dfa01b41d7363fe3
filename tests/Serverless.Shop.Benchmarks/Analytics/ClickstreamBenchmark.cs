using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.Benchmarks.Analytics;

/// <summary>
/// The clickstream's ingestion endpoint on the local shop: how many events per second POST /api/analytics/events
/// accepts in batches of 20 (the beacon's batch), with many shoppers at once (each request its own session, as many
/// shoppers' beacons are), and the Cosmos DB calls of each request (budget 0: the request path never touches Cosmos DB).
/// Locally each accepted batch becomes a message on Azurite's queue, where Event Hubs takes it in Azure.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- clickstream [--requests 2000] [--concurrency 32] [--write-docs]
/// </summary>
public static class ClickstreamBenchmark
{
    public const string StartMarker = "<!-- clickstream-benchmark:start -->";
    public const string EndMarker = "<!-- clickstream-benchmark:end -->";
    private const int EventsPerBatch = 20;
    private const int TargetEventsPerSecond = 5000;

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = ScenarioShop.Option(args, "--requests", 2000);
        var concurrency = ScenarioShop.Option(args, "--concurrency", 32);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);
        await using var shop = await ScenarioShop.StartAsync(root);
        using var client = shop.CreateClient();

        // Warm-up: JIT, connections, the queue's creation.
        for (var i = 0; i < 50; i++) await PostAsync(client);

        var loadBefore = Report.LoadAverage();
        var latencies = new ConcurrentBag<double>();
        var calls = new ConcurrentBag<int>();
        var failures = new ConcurrentBag<string>();
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                var watch = Stopwatch.StartNew();
                var (status, cosmosCalls) = await PostAsync(client);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                if (status != HttpStatusCode.Accepted) failures.Add(((int)status).ToString(CultureInfo.InvariantCulture));
                else calls.Add(cosmosCalls);
            }
        }));
        total.Stop();

        var sorted = latencies.OrderBy(l => l).ToList();
        var accepted = calls.Count * EventsPerBatch;
        var eventsPerSecond = accepted / total.Elapsed.TotalSeconds;
        var callList = calls.ToList();
        var problems = new List<string>();
        if (failures.Count > 0) problems.Add($"{failures.Count} requests were not accepted ({string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Count()} × {g.Key}"))})");
        if (callList.Count == 0 || callList.Max() > 0) problems.Add($"Cosmos DB calls per request: budget 0, max {(callList.Count == 0 ? -1 : callList.Max())}");

        var table = new StringBuilder()
            .AppendLine("| Requests (at once) | Events per request | Events accepted | Events/s | Target | p50 ms | p95 ms | p99 ms | Errors | Cosmos DB calls/request (min / max) |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            .AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {requests} ({concurrency}) | {EventsPerBatch} | {accepted} | {eventsPerSecond:0} | {TargetEventsPerSecond}: {(eventsPerSecond >= TargetEventsPerSecond ? "met" : "missed")} | {ScenarioShop.Percentile(sorted, 0.5):0.0} | {ScenarioShop.Percentile(sorted, 0.95):0.0} | {ScenarioShop.Percentile(sorted, 0.99):0.0} | {failures.Count} | {(callList.Count == 0 ? "-" : $"{callList.Min()} / {callList.Max()}")} |"));
        Console.WriteLine(table);

        if (args.Contains("--write-docs"))
            ScenarioShop.WriteSection(root, StartMarker, EndMarker,
                $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {machine}; load average {loadBefore} before the run, {Report.LoadAverage()} after it.\n\n{table}");
        foreach (var problem in problems) Console.Error.WriteLine("Budget broken: " + problem);
        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<(HttpStatusCode Status, int CosmosCalls)> PostAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/analytics/events") { Content = new StringContent(Batch(), Encoding.UTF8, "text/plain") };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100." + Random.Shared.Next(1, 255));
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        var calls = response.Headers.TryGetValues("X-Cosmos-Calls", out var values) ? int.Parse(values.Single(), CultureInfo.InvariantCulture) : -1;
        return (response.StatusCode, calls);
    }

    // A shopper's page views, product views, an add to cart and the visible time, as the beacon sends them.
    private static string Batch()
    {
        var session = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, EventsPerBatch).Select(i => (i % 4) switch
        {
            0 => (object)new { id = Guid.NewGuid().ToString("N"), type = "page-view", sessionId = session, at = now, path = $"/products/item-{i}", pageType = "product", productId = $"prod_{i}", referrer = "www.search.example", utm = new { source = "newsletter", medium = "email" } },
            1 => new { id = Guid.NewGuid().ToString("N"), type = "product-view", sessionId = session, at = now, path = $"/products/item-{i}", pageType = "product", productId = $"prod_{i}", sku = $"SKU-{i}" },
            2 => new { id = Guid.NewGuid().ToString("N"), type = "add-to-cart", sessionId = session, at = now, path = $"/products/item-{i}", pageType = "product", productId = $"prod_{i}", sku = $"SKU-{i}", quantity = 1 },
            _ => new { id = Guid.NewGuid().ToString("N"), type = "page-time", sessionId = session, at = now, path = $"/products/item-{i}", pageType = "product", visibleMs = 5200 },
        });
        return JsonSerializer.Serialize(new { events }, ShopJson.Options);
    }
}
