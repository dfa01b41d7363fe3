using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.Benchmarks.Inventory;

/// <summary>
/// The checkout's allocation (<see cref="AllocateStock.ReserveAsync"/>, the reserve step) on the local shop's Cosmos DB
/// emulator: its Cosmos DB calls for N lines across W warehouses, against the budget a + b·N = 2 + N (one read of the
/// warehouse directory, one ReadMany of the N stock documents, one conditional write per SKU), and a replay of the step
/// (budget 2: it finds the holds and writes nothing). Each SKU is stocked in one warehouse only, round robin, so an
/// order of N lines across W warehouses is split into min(N, W) parcels: the split costs no extra call. Also the time
/// of an allocation in process (no HTTP), which includes the allocator's search over warehouse combinations.
/// Run: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- allocation [--repeats 5] [--write-docs]
/// </summary>
public static class AllocationBenchmark
{
    public const string StartMarker = "<!-- allocation-benchmark:start -->";
    public const string EndMarker = "<!-- allocation-benchmark:end -->";
    private const int FixedCalls = 2;
    private const int CallsPerLine = 1;
    private const int ReplayBudget = 2;

    private static readonly int[] LineCounts = [1, 5, 10, 25, 50];
    private static readonly int[] WarehouseCounts = [1, 2, 4];

    public static async Task<int> RunAsync(string[] args)
    {
        var repeats = ScenarioShop.Option(args, "--repeats", 5);
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var machine = Report.DescribeMachine(root);
        await using var shop = await ScenarioShop.StartAsync(root);
        using var merchandiser = shop.CreateClient(ShopRoles.Merchandiser);

        // Warehouses around Utrecht, made through the API; the destination is Amsterdam.
        var run = Guid.NewGuid().ToString("N")[..6];
        var warehouses = new List<string>();
        for (var w = 0; w < WarehouseCounts.Max(); w++)
        {
            var id = $"bench-{run}-{w}";
            using var created = await merchandiser.PostAsJsonAsync("api/warehouses", new
            {
                id, name = $"Benchmark {run} {w}",
                address = new { line1 = "Benchstraat 1", city = "Utrecht", postalCode = "3511 AA", country = "NL" },
                location = new { latitude = 52.0 + 0.1 * w, longitude = 5.0 + 0.1 * w },
                shipsTo = new[] { "NL" }, priority = w,
            }, ShopJson.Options);
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"Creating warehouse {id} failed: {await created.Content.ReadAsStringAsync()}");
            warehouses.Add(id);
        }
        var destination = new GeoPoint(52.37, 4.89);
        var allocate = shop.Services.GetRequiredService<AllocateStock>();
        var stock = shop.Services.GetRequiredService<ManageStock>();
        var actor = new Actor("bench", [ShopRoles.Merchandiser]);

        var rows = new List<(int Lines, int Warehouses, int Parcels, List<int> Calls, List<int> Replays, List<double> Ms)>();
        foreach (var w in WarehouseCounts)
            foreach (var n in LineCounts)
            {
                var calls = new List<int>();
                var replays = new List<int>();
                var ms = new List<double>();
                var parcels = 0;
                for (var r = 0; r < repeats; r++)
                {
                    // Fresh SKUs for each allocation, each stocked in one of the W warehouses (not measured).
                    var skus = Enumerable.Range(0, n).Select(i => $"AL-{run}-{w}-{n}-{r}-{i}".ToUpperInvariant()).ToList();
                    for (var i = 0; i < n; i++)
                        await stock.AdjustAsync(skus[i], new StockAdjustmentInput(warehouses[i % w], 10, AdjustmentReason.Received, null), $"adj_{skus[i]}", actor, CancellationToken.None);
                    var items = skus.Select(s => new ParcelItem(s, 2)).ToList();
                    var reservation = $"bench-{run}-{w}-{n}-{r}";

                    var scope = CosmosCallCounter.BeginScope();
                    var watch = Stopwatch.StartNew();
                    var allocation = await allocate.ReserveAsync(reservation, items, "NL", destination, DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None);
                    ms.Add(watch.Elapsed.TotalMilliseconds);
                    calls.Add(scope.Value);
                    parcels = allocation.Parcels.Count;

                    scope = CosmosCallCounter.BeginScope();
                    await allocate.ReserveAsync(reservation, items, "NL", destination, DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None);
                    replays.Add(scope.Value);
                }
                rows.Add((n, w, parcels, calls, replays, ms));
                Console.Error.WriteLine($"N={n} W={w}: {calls.Max()} calls, {parcels} parcels");
            }

        var problems = new List<string>();
        var table = new StringBuilder()
            .AppendLine("| Lines N | Warehouses W | Parcels | Cosmos DB calls (max) | Budget 2 + N | Replay calls (max) | Time p50 / max |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var budget = FixedCalls + CallsPerLine * row.Lines;
            if (row.Calls.Max() > budget) problems.Add($"allocation of {row.Lines} lines across {row.Warehouses} warehouses: {row.Calls.Max()} Cosmos DB calls, budget {budget}");
            if (row.Replays.Max() > ReplayBudget) problems.Add($"replayed allocation of {row.Lines} lines: {row.Replays.Max()} Cosmos DB calls, budget {ReplayBudget}");
            row.Ms.Sort();
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Lines} | {row.Warehouses} | {row.Parcels} | {row.Calls.Max()} | {budget}: {(row.Calls.Max() <= budget ? "kept" : "BROKEN")} | {row.Replays.Max()} | {row.Ms[row.Ms.Count / 2]:0.0} ms / {row.Ms[^1]:0.0} ms |"));
        }
        Console.WriteLine(table);

        if (args.Contains("--write-docs"))
        {
            ScenarioShop.WriteSection(root, StartMarker, EndMarker, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {repeats} allocations per row: {machine}; load average {Report.LoadAverage()} after the run.\n\n{table}");
        }
        foreach (var problem in problems) Console.Error.WriteLine("Budget broken: " + problem);
        return problems.Count == 0 ? 0 : 1;
    }
}
