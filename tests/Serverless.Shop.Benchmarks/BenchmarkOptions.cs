using System.Globalization;

namespace Serverless.Shop.Benchmarks;

/// <summary>The command line. Every number has an upper bound, so a run stays bounded in requests and in time.</summary>
public sealed record BenchmarkOptions
{
    public int Requests { get; init; } = 2000;
    public int Concurrency { get; init; } = 16;
    public int WarmUpRequests { get; init; } = 100;
    public int ExtraProducts { get; init; } = 200;

    /// <summary>A scenario that has not finished by then stops, and counts as failed.</summary>
    public TimeSpan ScenarioTimeLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Empty runs every scenario.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];
    public bool WriteDocs { get; init; }

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Serverless.Shop.Benchmarks -- [options]
          --requests N       measured requests per scenario (1-100000, default 2000)
          --concurrency C    requests in flight at once (1-256, default 16)
          --warmup N         unmeasured requests before each scenario (0-10000, default 100)
          --products N       products added to the demo catalog through the API (0-2000, default 200)
          --time-limit S     seconds a scenario may take before it stops and fails (1-3600, default 180)
          --scenario NAME    run only this scenario (repeatable): product-by-id, product-by-slug, category-page, filtered-listing
          --write-docs       rewrite the results section of docs/benchmarks.md
        Exit code: 0 when every budget holds, 1 when one is broken or a request failed, 2 for bad arguments.
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        var scenarios = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number(int min, int max)
            {
                var name = args[i];
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
            }

            switch (args[i])
            {
                case "--requests": options = options with { Requests = Number(1, 100_000) }; break;
                case "--concurrency": options = options with { Concurrency = Number(1, 256) }; break;
                case "--warmup": options = options with { WarmUpRequests = Number(0, 10_000) }; break;
                case "--products": options = options with { ExtraProducts = Number(0, 2000) }; break;
                case "--time-limit": options = options with { ScenarioTimeLimit = TimeSpan.FromSeconds(Number(1, 3600)) }; break;
                case "--write-docs": options = options with { WriteDocs = true }; break;
                case "--scenario":
                    var scenario = Value();
                    scenarios.Add(Scenario.Names.Contains(scenario) ? scenario : throw new ArgumentException($"There is no scenario '{scenario}'."));
                    break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        return options with { Scenarios = scenarios };
    }
}
