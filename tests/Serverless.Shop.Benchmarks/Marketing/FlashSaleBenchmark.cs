using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.Benchmarks.Marketing;

/// <summary>
/// A flash sale under a rush on the local shop: B buyers, each starting T checkouts of one unit at once (the same email),
/// for a sale of M units with a limit of L units per buyer, on a product with far more stock than M. Reports the sale
/// units sold (must be exactly M when the buyers want more), the most sale units any buyer got (must be at most L),
/// checkouts per second, latency percentiles from the POST to the orchestration's end, and the Cosmos DB calls of a
/// product read during the sale (budget 1). Exits non-zero when a cap, a limit or the read budget is broken.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- flash-sale [--buyers 60] [--tries 2] [--units 40] [--limit 1] [--concurrency 16] [--write-docs]
/// </summary>
public static class FlashSaleBenchmark
{
    public const string StartMarker = "<!-- flash-sale-benchmark:start -->";
    public const string EndMarker = "<!-- flash-sale-benchmark:end -->";

    public static async Task<int> RunAsync(string[] args)
    {
        var buyers = ScenarioShop.Option(args, "--buyers", 60);
        var tries = ScenarioShop.Option(args, "--tries", 2);
        var units = ScenarioShop.Option(args, "--units", 40);
        var limit = ScenarioShop.Option(args, "--limit", 1);
        var concurrency = ScenarioShop.Option(args, "--concurrency", 16);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);
        await using var shop = await ScenarioShop.StartAsync(root);
        var durable = shop.Services.GetRequiredService<LocalDurableTaskHost>().Client;
        using var guest = shop.CreateClient();
        guest.Timeout = TimeSpan.FromSeconds(120);
        using var merchandiser = shop.CreateClient(ShopRoles.Merchandiser);
        using var marketer = shop.CreateClient(ShopRoles.Marketer);

        // Stock for every checkout, so only the sale's cap can stop a sale-priced one.
        var (productId, sku) = await ProductAsync(merchandiser, stock: buyers * tries + units);
        var sale = await SendAsync(marketer, HttpMethod.Post, "api/flash-sales", new
        {
            name = "Benchmark rush", endsAt = DateTimeOffset.UtcNow.AddHours(2), perCustomerLimit = limit,
            items = new[] { new { productId, sku, salePrice = new { amount = 5.00m, currency = "EUR" }, cap = units } },
        }, null);
        var saleId = sale.Body.GetProperty("id").GetString()!;
        var productRead = await SendAsync(guest, HttpMethod.Get, $"api/products/{productId}", null, null);

        // The carts are filled before the rush: the rush is the checkouts alone.
        var carts = new List<(int Buyer, string Id, string Token)>();
        for (var b = 0; b < buyers; b++)
            for (var t = 0; t < tries; t++)
            {
                var created = await SendAsync(guest, HttpMethod.Post, "api/carts", null, null);
                var (id, token) = (created.Body.GetProperty("id").GetString()!, created.Body.GetProperty("cartToken").GetString()!);
                await SendAsync(guest, HttpMethod.Post, $"api/carts/{id}/lines", new { productId, sku, quantity = 1 }, token);
                carts.Add((b, id, token));
            }
        carts = [.. carts.OrderBy(_ => Random.Shared.Next())];

        var loadBefore = Report.LoadAverage();
        var outcomes = new List<(int Buyer, bool AtSalePrice, bool Completed, double Milliseconds)>();
        var failures = 0;
        using var gate = new SemaphoreSlim(concurrency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(carts.Select(async cart =>
        {
            await gate.WaitAsync();
            try
            {
                var started = Stopwatch.StartNew();
                var placed = await SendAsync(guest, HttpMethod.Post, "api/checkouts", Checkout(cart.Id, cart.Buyer), cart.Token, Guid.NewGuid().ToString());
                var atSale = placed.Body.GetProperty("pricing").GetProperty("lines")[0].TryGetProperty("flashSaleId", out _);
                var done = await durable.WaitForInstanceCompletionAsync(placed.Body.GetProperty("orderNumber").GetString()!, getInputsAndOutputs: true);
                var completed = done.SerializedOutput?.Contains("\"completed\"", StringComparison.Ordinal) == true;
                lock (outcomes) outcomes.Add((cart.Buyer, atSale, completed, started.Elapsed.TotalMilliseconds));
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref failures);
            }
            finally { gate.Release(); }
        }));
        var elapsed = clock.Elapsed;
        var loadAfter = Report.LoadAverage();

        var results = (await SendAsync(marketer, HttpMethod.Get, $"api/flash-sales/{saleId}/results", null, null)).Body;
        var unitsSold = results.GetProperty("unitsSold").GetInt32();
        var paidAtSale = outcomes.Where(o => o.Completed && o.AtSalePrice).ToList();
        var mostByOneBuyer = paidAtSale.GroupBy(o => o.Buyer).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        var latencies = outcomes.Select(o => o.Milliseconds).Order().ToList();
        var demand = buyers * Math.Min(tries, limit);

        var problems = new List<string>();
        if (unitsSold > units || paidAtSale.Count > units) problems.Add($"the sale sold {Math.Max(unitsSold, paidAtSale.Count)} units, over its cap of {units}");
        if (demand >= units && unitsSold != units) problems.Add($"buyers wanted {demand} units but the sale sold {unitsSold} of {units}");
        if (unitsSold != paidAtSale.Count) problems.Add($"the results say {unitsSold} sold, the paid sale-priced orders are {paidAtSale.Count}");
        if (mostByOneBuyer > limit) problems.Add($"a buyer got {mostByOneBuyer} sale units, over the limit of {limit}");
        if (productRead.Calls != 1) problems.Add($"a product read during the sale cost {productRead.Calls} Cosmos DB calls, budget 1");
        if (failures > 0) problems.Add($"{failures} checkouts were refused or failed outright");

        var table = new StringBuilder()
            .AppendLine("| Buyers | Checkouts (at once) | Sale units | Limit per buyer | Sale units sold | Most by one buyer | Paid at the regular price | Cancelled | Checkouts/s | p50 | p95 | p99 | Product read (Cosmos DB calls) |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            .AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {buyers} | {carts.Count} ({concurrency}) | {units} | {limit} | {unitsSold} | {mostByOneBuyer} | {outcomes.Count(o => o.Completed && !o.AtSalePrice)} | {outcomes.Count(o => !o.Completed)} | {carts.Count / elapsed.TotalSeconds:0.0} | {ScenarioShop.Percentile(latencies, 0.5):0} ms | {ScenarioShop.Percentile(latencies, 0.95):0} ms | {ScenarioShop.Percentile(latencies, 0.99):0} ms | {productRead.Calls} |"));
        Console.WriteLine(table);
        if (args.Contains("--write-docs"))
            ScenarioShop.WriteSection(root, StartMarker, EndMarker,
                $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {machine}; load average {loadBefore} before the rush, {loadAfter} after it.\n\n{table}");
        foreach (var problem in problems) Console.Error.WriteLine("Broken: " + problem);
        return problems.Count == 0 ? 0 : 1;
    }

    private static object Checkout(string cartId, int buyer) => new
    {
        cartId, email = $"rush-buyer-{buyer}@example.com", paymentMethod = "card", paymentToken = "pm_card_visa",
        shippingAddress = new { name = "Rush Buyer", line1 = "Damrak 1", city = "Amsterdam", postalCode = "1012 LG", country = "NL" },
    };

    private static async Task<(string ProductId, string Sku)> ProductAsync(HttpClient merchandiser, int stock)
    {
        var sku = $"RUSH-{Guid.NewGuid():N}"[..18].ToUpperInvariant();
        var created = await SendAsync(merchandiser, HttpMethod.Post, "api/products", new
        {
            name = $"Rush mug {sku}", status = "active", description = new { format = "markdown", content = "A mug in a flash sale." },
            attributes = Array.Empty<object>(), categoryIds = Array.Empty<string>(), tags = Array.Empty<string>(),
            variants = new[] { new { sku, price = new { amount = 12.50m, currency = "EUR" } } },
        }, null);
        await SendAsync(merchandiser, HttpMethod.Post, $"api/inventory/{sku}/adjustments", new { quantity = stock, reason = "count" }, null);
        return (created.Body.GetProperty("id").GetString()!, sku);
    }

    private static async Task<(JsonElement Body, int Calls)> SendAsync(HttpClient client, HttpMethod method, string url, object? body, string? cartToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body, options: ShopJson.Options);
        if (cartToken is not null) request.Headers.Add("Cart-Token", cartToken);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        var calls = response.Headers.TryGetValues("X-Cosmos-Calls", out var values) ? int.Parse(values.Single(), CultureInfo.InvariantCulture) : -1;
        return (JsonDocument.Parse(text).RootElement.Clone(), calls);
    }
}
