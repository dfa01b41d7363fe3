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
}
