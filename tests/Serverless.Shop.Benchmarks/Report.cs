using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Serverless.Shop.Infrastructure.Catalog;

namespace Serverless.Shop.Benchmarks;

/// <summary>The numbers of one run: throughput, latency percentiles, failures and Cosmos DB calls per request.</summary>
public sealed record RunStatistics(Run Run)
{
    private readonly double[] _latencies = Run.Samples.Select(s => s.Milliseconds).Order().ToArray();
    private readonly int[] _calls = Run.Samples.Where(s => s.Succeeded && s.CosmosCalls is not null).Select(s => s.CosmosCalls!.Value).ToArray();

    public int NotStarted => Run.Requested - Run.Samples.Count;
    public int Errors => Run.Samples.Count(s => !s.Succeeded);
    public double RequestsPerSecond => Run.Samples.Count / Run.Elapsed.TotalSeconds;
    public int WithoutCallCount => Run.Samples.Count(s => s.Succeeded && s.CosmosCalls is null);
    /// <summary>
    /// Requests that read the category set again because its cache expired. That happens once per cache lifetime, and
    /// then for every request in flight at that moment (the cache does not make concurrent misses wait for one read).
    /// </summary>
    public int CategorySetRefreshes => Run.Scenario.ReadsCategorySet ? _calls.Count(c => c == Run.Scenario.CosmosCallBudget + 1) : 0;
    private int RefreshesAllowed => Run.Concurrency * ((int)(Run.Elapsed / CosmosTaxonomyStore.CacheLifetime) + 1);

    public int OverBudget => _calls.Count(c => c > Run.Scenario.CosmosCallBudget) - Math.Min(CategorySetRefreshes, RefreshesAllowed);
    public int? MinCalls => _calls.Length == 0 ? null : _calls.Min();
    public double? MeanCalls => _calls.Length == 0 ? null : _calls.Average();
    public int? MaxCalls => _calls.Length == 0 ? null : _calls.Max();

    /// <summary>Nearest-rank percentile of every completed request's latency, failed ones included.</summary>
    public double Percentile(double p) => _latencies.Length == 0 ? double.NaN : _latencies[Math.Max(0, (int)Math.Ceiling(p / 100 * _latencies.Length) - 1)];

    /// <summary>Why this run breaks its budget; empty when it holds.</summary>
    public IEnumerable<string> Problems()
    {
        var name = Run.Scenario.Name;
        if (NotStarted > 0) yield return $"{name}: stopped at the time limit with {NotStarted} of {Run.Requested} requests not sent.";
        foreach (var failure in Run.Samples.Where(s => !s.Succeeded).GroupBy(s => s.Failure).Take(5))
            yield return $"{name}: {failure.Count()} requests failed: {failure.Key} (e.g. GET /{failure.First().Path}).";
        if (WithoutCallCount > 0) yield return $"{name}: {WithoutCallCount} successful responses had no X-Cosmos-Calls header, so the budget cannot be checked.";
        if (OverBudget > 0) yield return $"{name}: {OverBudget} requests made more than {Run.Scenario.CosmosCallBudget} Cosmos DB call(s) (max {MaxCalls}).";
    }
}

/// <summary>The results of a benchmark run: a Markdown table, the budget check, and the results section of docs/benchmarks.md.</summary>
public sealed class Report(IReadOnlyList<Run> runs, BenchmarkOptions options, int productCount, string machine, string loadBefore, DateTimeOffset measuredAt)
{
    public const string StartMarker = "<!-- benchmark-results:start -->";
    public const string EndMarker = "<!-- benchmark-results:end -->";

    private readonly IReadOnlyList<RunStatistics> _statistics = runs.Select(r => new RunStatistics(r)).ToList();

    public IReadOnlyList<string> Problems => _statistics.SelectMany(s => s.Problems()).ToList();

    public string Table()
    {
        var table = new StringBuilder()
            .AppendLine("| Scenario | Requests | Req/s | p50 ms | p95 ms | p99 ms | Errors | Cosmos calls/req (min / mean / max) | Budget |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in _statistics)
        {
            var requests = s.NotStarted == 0 ? $"{s.Run.Requested}" : $"{s.Run.Samples.Count} of {s.Run.Requested}";
            var calls = s.MeanCalls is null ? "n/a" : $"{s.MinCalls} / {F(s.MeanCalls.Value, "0.00")} / {s.MaxCalls}";
            var verdict = s.Problems().Any() ? "**broken**" : "holds";
            if (s.CategorySetRefreshes > 0) verdict += $" ({s.CategorySetRefreshes} category-set refreshes)";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Run.Scenario.Name} | {requests} | {F(s.RequestsPerSecond, "0")} | {F(s.Percentile(50), "0.0")} | {F(s.Percentile(95), "0.0")} | {F(s.Percentile(99), "0.0")} | {s.Errors} | {calls} | {s.Run.Scenario.CosmosCallBudget}: {verdict} |");
        }
        return table.ToString();
    }

    /// <summary>Replaces what lies between the markers in the file with this run's table and its circumstances.</summary>
    public void WriteInto(string docsFile)
    {
        var text = File.ReadAllText(docsFile);
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"{docsFile} has no {StartMarker} ... {EndMarker} section to rewrite.");

        var section = new StringBuilder()
            .AppendLine(StartMarker)
            .AppendLine(CultureInfo.InvariantCulture, $"Measured {measuredAt:yyyy-MM-dd HH:mm} UTC: {machine}; load average (1, 5, 15 min) {loadBefore} before the run, {LoadAverage()} after it.")
            .AppendLine(CultureInfo.InvariantCulture, $"Catalog of {productCount} products; per scenario {options.WarmUpRequests} warm-up requests, then {options.Requests} measured at concurrency {options.Concurrency}.")
            .AppendLine()
            .Append(Table());
        File.WriteAllText(docsFile, text[..start] + section + text[end..]);
    }

    /// <summary>The code and the machine it ran on.</summary>
    public static string DescribeMachine(string repositoryRoot)
    {
        var commit = Output("git", $"-C \"{repositoryRoot}\" rev-parse --short HEAD");
        var changed = Output("git", $"-C \"{repositoryRoot}\" status --porcelain") is { Length: > 0 } ? " plus uncommitted changes" : "";
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"commit {commit ?? "unknown"}{changed}; {Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, " +
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, Node.js {Output("node", "--version")?.TrimStart('v') ?? "unknown"}";
    }

    /// <summary>How busy the machine is: other processes share its cores, and the numbers move with them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string? Output(string program, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null; // Not installed: the description says "unknown".
        }
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
