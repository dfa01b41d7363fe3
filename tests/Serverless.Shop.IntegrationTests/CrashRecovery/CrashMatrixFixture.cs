using System.Collections.Concurrent;
using System.Diagnostics;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>
/// Runs the whole crash matrix once for its tests, on <see cref="Workers"/> slots side by side (each with its own
/// emulators and one host process at a time; the cases of one crash point share a host), and writes the matrix as a table: into docs/checkout.md when
/// SHOP_WRITE_DOCS=1, otherwise into TestResults/crash-matrix.md. SHOP_CRASH_CASES=text runs only the cases whose name
/// contains the text (e.g. "Wallet", or "CheckoutTakePayment:after").
/// </summary>
public sealed class CrashMatrixFixture : IAsyncLifetime
{
    /// <summary>Bounds the whole matrix: a case that hangs is cut off, never the test run.</summary>
    private static readonly TimeSpan MatrixTimeout = TimeSpan.FromMinutes(
        int.TryParse(Environment.GetEnvironmentVariable("SHOP_CRASH_MINUTES"), out var minutes) && minutes > 0 ? minutes : 15);

    private readonly ConcurrentDictionary<string, CrashResult> _results = new();

    public IReadOnlyDictionary<string, CrashResult> Results => _results;

    public TimeSpan WallTime { get; private set; }

    public static int Workers => int.TryParse(Environment.GetEnvironmentVariable("SHOP_CRASH_WORKERS"), out var n) && n > 0 ? n : 2;

    public static int CheckoutsPerHost => int.TryParse(Environment.GetEnvironmentVariable("SHOP_CRASH_PER_HOST"), out var n) && n > 0 ? n : 6;

    public static IReadOnlyList<CrashCase> Cases =>
        Environment.GetEnvironmentVariable("SHOP_CRASH_CASES") is { Length: > 0 } filter
            ? CrashCase.All().Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList()
            : CrashCase.All();

    public async Task InitializeAsync()
    {
        var root = RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory);
        var cases = Cases;
        // The cases that share a crash point share a host: each buys its own order, all stop at the point, one kill.
        // A checkout stopped inside an activity holds one of the Durable backend's activity slots until the kill, so a
        // host takes no more of them than the backend runs at once (SHOP_CRASH_PER_HOST).
        var queue = new ConcurrentQueue<IReadOnlyList<CrashCase>>(cases.GroupBy(c => c.Point.ToString()).SelectMany(g => g.Chunk(CheckoutsPerHost)).Select(g => (IReadOnlyList<CrashCase>)g));
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(MatrixTimeout);
        var workers = Enumerable.Range(0, Math.Min(Workers, Math.Max(1, cases.Count))).Select(async index =>
        {
            await using var slot = await CrashSlot.StartAsync(root, index, timeout.Token);
            while (!timeout.IsCancellationRequested && queue.TryDequeue(out var next))
                foreach (var result in await slot.RunAsync(next)) _results[result.Case.Name] = result;
        }).ToList();
        await Task.WhenAll(workers);
        WallTime = clock.Elapsed;
        foreach (var left in queue.SelectMany(g => g))
            _results[left.Name] = new CrashResult(left, false, null, [], $"not run: the matrix took longer than {MatrixTimeout.TotalMinutes:0} minutes", TimeSpan.Zero);
        CrashMatrixReport.Write(root, cases, _results, WallTime, Workers);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class CrashMatrixCollection : ICollectionFixture<CrashMatrixFixture>
{
    public const string Name = "crash matrix";
}
