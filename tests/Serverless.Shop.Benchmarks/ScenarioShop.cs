using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Shop.LocalHost;

namespace Serverless.Shop.Benchmarks;

/// <summary>
/// What every scenario benchmark (buying, customers, quote, allocation, tracking) starts from and ends with: the local
/// shop on a free loopback port, with no demo data and no timers on their schedules, logging only warnings (to standard
/// error, so the tables on standard output stay readable); and the scenario's section of docs/benchmarks.md, between
/// its markers, replaced by the run's results.
/// </summary>
public static class ScenarioShop
{
    public static async Task<LocalShop> StartAsync(string root)
    {
        var loggers = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
            b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var shop = await LocalShop.StartAsync(new LocalShopOptions(root)
        {
            Port = 0, DataDirectory = null, SeedDemoCatalog = false, RunTimersOnSchedule = false,
            Configure = b => b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace),
        }, loggers.CreateLogger("Benchmarks"), CancellationToken.None);
        if (!shop.BaseAddress.IsLoopback)
        {
            await shop.DisposeAsync();
            throw new InvalidOperationException($"The shop listens on {shop.BaseAddress}; the benchmark only sends load to loopback.");
        }
        return shop;
    }

    /// <summary>Replaces what lies between <paramref name="startMarker"/> and <paramref name="endMarker"/> in docs/benchmarks.md with <paramref name="results"/>.</summary>
    public static void WriteSection(string root, string startMarker, string endMarker, string results)
    {
        var docs = Path.Combine(root, "docs", "benchmarks.md");
        var text = File.ReadAllText(docs);
        var start = text.IndexOf(startMarker, StringComparison.Ordinal);
        var end = text.IndexOf(endMarker, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"{docs} has no {startMarker} ... {endMarker} section.");
        File.WriteAllText(docs, text[..start] + startMarker + "\n" + results + text[end..]);
    }

    /// <summary>The p-th percentile (0 to 1) of values sorted ascending, by the nearest-rank method; 0 for none.</summary>
    public static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>A positive whole number given on the command line after <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }
}
