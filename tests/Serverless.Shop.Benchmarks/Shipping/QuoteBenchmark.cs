using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;
using Serverless.Shop.LocalHost.Shipping;

namespace Serverless.Shop.Benchmarks.Shipping;

/// <summary>
/// Shipping options (POST /api/shipping/options) on the local shop: the Cosmos DB calls of a quote (X-Cosmos-Calls,
/// budget 1: one read of the basket's products for their measurements), the time to load the bundled geodata once,
/// and the time to geocode an address locally and to geocode and rate a quote in process (no HTTP), over many quotes.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- quote [--quotes 500] [--write-docs]
/// </summary>
public static class QuoteBenchmark
{
    public const string StartMarker = "<!-- quote-benchmark:start -->";
    public const string EndMarker = "<!-- quote-benchmark:end -->";
    private const int CallBudget = 1;

    private static readonly (string City, string Country)[] Cities =
    [
        ("Utrecht", "NL"), ("Groningen", "NL"), ("Maastricht", "NL"), ("Köln", "DE"), ("Berlin", "DE"), ("Lyon", "FR"),
        ("Brussels", "BE"), ("Nergenshuizen", "NL"), ("Vienna", "AT"), ("Madrid", "ES"), ("Denver", "US"), ("Osaka", "JP"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var quotes = ScenarioShop.Option(args, "--quotes", 500);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);

        // The geodata, read once per process: the first use pays for it.
        var load = Stopwatch.StartNew();
        var geocoder = LocalGeodataGeocoder.Shared;
        var loadMs = load.Elapsed.TotalMilliseconds;

        await using var shop = await ScenarioShop.StartAsync(root);
        using var merchandiser = shop.CreateClient(ShopRoles.Merchandiser);
        using var shopper = shop.CreateClient();

        // A basket of three products with measurements, made through the API.
        var items = new List<(string ProductId, string Sku)>();
        for (var i = 0; i < 3; i++)
        {
            var sku = $"QUOTE-{i}-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
            using var created = await merchandiser.PostAsJsonAsync("api/products", new
            {
                name = $"Quote benchmark {i} {Guid.NewGuid():N}",
                status = "active",
                variants = new[] { new { sku, price = new { amount = 10m, currency = "EUR" } } },
                measurements = new { weightGrams = 300 + 200 * i, lengthMm = 200, widthMm = 150, heightMm = 100 },
            }, ShopJson.Options);
            var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ShopJson.Options);
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"Creating a product failed: {body}");
            items.Add((body.GetProperty("id").GetString()!, sku));
        }

        // Over HTTP: the Cosmos DB calls of each quote, warm: the first quote also loads the rate table, which is then
        // cached for 30 s (ManageRateTable.CacheLifetime; one read more per lifetime, not per quote).
        var warmUp = Cities[0];
        using (var first = await shopper.PostAsJsonAsync("api/shipping/options", new
        {
            address = new { name = "Bench", line1 = "Main Street 1", city = warmUp.City, postalCode = "1234 AB", country = warmUp.Country },
            items = items.Select(x => new { productId = x.ProductId, sku = x.Sku, quantity = 1 }),
            subtotal = new { amount = 30m, currency = "EUR" },
        }, ShopJson.Options))
            if (!first.IsSuccessStatusCode) throw new InvalidOperationException($"The warm-up quote failed: {(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}");
        var calls = new List<int>();
        for (var i = 0; i < Math.Min(quotes, 200); i++)
        {
            var (city, country) = Cities[i % Cities.Length];
            using var response = await shopper.PostAsJsonAsync("api/shipping/options", new
            {
                address = new { name = "Bench", line1 = "Main Street 1", city, postalCode = country == "NL" ? "1234 AB" : "10115", country },
                items = items.Select(x => new { productId = x.ProductId, sku = x.Sku, quantity = 1 }),
                subtotal = new { amount = 30m, currency = "EUR" },
            }, ShopJson.Options);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"A quote to {city} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            calls.Add(response.Headers.TryGetValues("X-Cosmos-Calls", out var values) ? int.Parse(values.Single(), CultureInfo.InvariantCulture) : -1);
        }

        // In process: the local geocode alone, and a whole quote (geocode, one product read, rates) without HTTP.
        var addresses = Cities.Select(c => new ShippingAddress("Bench", "Main Street 1", null, c.City, "1234 AB", null, c.Country, null)).ToArray();
        var geocodeMs = new List<double>();
        for (var i = 0; i < quotes * 10; i++)
        {
            var watch = Stopwatch.StartNew();
            geocoder.Geocode(addresses[i % addresses.Length]);
            geocodeMs.Add(watch.Elapsed.TotalMilliseconds);
        }
        var rates = shop.Services.GetRequiredService<DistanceShippingRates>();
        var quoteMs = new List<double>();
        for (var i = 0; i < quotes; i++)
        {
            var request = new ShippingQuoteRequest(addresses[i % addresses.Length] with { PostalCode = "1234 AB" },
                items.Select(x => new ParcelItem(x.Sku, 1) { ProductId = x.ProductId }).ToList(), new Money(30m, "EUR"));
            var watch = Stopwatch.StartNew();
            await rates.QuoteOptionsAsync(request, CancellationToken.None);
            quoteMs.Add(watch.Elapsed.TotalMilliseconds);
        }
        geocodeMs.Sort();
        quoteMs.Sort();

        var problems = new List<string>();
        if (calls.Max() > CallBudget) problems.Add($"POST /shipping/options: {calls.Max()} Cosmos DB calls, budget {CallBudget}");
        var table = new StringBuilder()
            .AppendLine("| Measure | Budget | Measured |")
            .AppendLine("|---|---:|---:|")
            .AppendLine(string.Create(CultureInfo.InvariantCulture, $"| POST /shipping/options, Cosmos DB calls (3 products, {calls.Count} quotes) | {CallBudget} | {calls.Min()} / {calls.Average():0.00} / {calls.Max()} (min / mean / max) |"))
            .AppendLine(string.Create(CultureInfo.InvariantCulture, $"| Loading the bundled geodata ({geocoder.PlaceCount} places), once per process | | {loadMs:0} ms |"))
            .AppendLine(string.Create(CultureInfo.InvariantCulture, $"| Local geocode of an address ({geocodeMs.Count}) | | p50 {ScenarioShop.Percentile(geocodeMs, 0.5) * 1000:0.0} µs, p95 {ScenarioShop.Percentile(geocodeMs, 0.95) * 1000:0.0} µs |"))
            .AppendLine(string.Create(CultureInfo.InvariantCulture, $"| Geocode + rate a quote in process, with its product read ({quoteMs.Count}) | | p50 {ScenarioShop.Percentile(quoteMs, 0.5):0.00} ms, p95 {ScenarioShop.Percentile(quoteMs, 0.95):0.00} ms |"));
        Console.WriteLine(table);

        if (args.Contains("--write-docs"))
        {
            ScenarioShop.WriteSection(root, StartMarker, EndMarker, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {machine}; load average {Report.LoadAverage()} after the run.\n\n{table}");
        }
        foreach (var problem in problems) Console.Error.WriteLine("Budget broken: " + problem);
        return problems.Count == 0 ? 0 : 1;
    }
}
