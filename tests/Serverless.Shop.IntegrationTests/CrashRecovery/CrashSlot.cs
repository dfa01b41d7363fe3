using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>What became of one crash case: where the host was killed, how long it took, and every guarantee checked after the restart.</summary>
public sealed record CrashResult(CrashCase Case, bool Killed, string? OrderNumber, IReadOnlyList<Check> Checks, string? Error, TimeSpan Elapsed)
{
    /// <summary>Where the case's time went (host starts, reaching the crash point, finishing after the restart).</summary>
    public string Phases { get; init; } = "";

    public bool Passed => Killed && Error is null && Checks.Count > 0 && Checks.All(c => c.Held);

    public string Describe() =>
        $"{Case.Name} (order {OrderNumber ?? "none"}, {Elapsed.TotalSeconds:0.0} s: {Phases}): "
        + (Error ?? (Killed ? "" : "the crash point was never reached; "))
        + string.Join("; ", Checks.Where(c => !c.Held).Select(c => $"{c.Guarantee} FAILED: {c.Seen}"));
}

/// <summary>
/// One worker of the crash matrix: its own emulators (started once, in this test process, so killing the host leaves
/// them and their data alone), its own data directory and port, and one host process at a time. Cases run one after the
/// other on a slot, each with its own product, coupon, cart and order; slots run side by side.
/// </summary>
public sealed class CrashSlot : IAsyncDisposable
{
    /// <summary>How long a host may run before it reaches its crash point (the checkout's steps take well under a second each).</summary>
    private static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a restarted host has to finish the checkout and its notifications: past the payment window (the fixture's 1 minute) a lost checkout has given up.</summary>
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(100);

    /// <summary>After every guarantee held, a late duplicate (a replayed step, a redelivered message) still has this long to show.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>A checkout that has ended and whose checks stayed the same this long is judged as it is.</summary>
    private static readonly TimeSpan Unchanged = TimeSpan.FromSeconds(8);

    public const string BankWebhookSecret = "crash-tests-bank-webhook-secret-0123456789";

    private readonly RunningLocalStack _stack;
    private readonly string _hostDll;
    private readonly int _port;
    private readonly DevTokens _tokens;
    private readonly IntegrationEventLog _events;

    private CrashSlot(RunningLocalStack stack, string hostDll, string dataDirectory, int port)
    {
        _stack = stack;
        _hostDll = hostDll;
        DataDirectory = dataDirectory;
        _port = port;
        _tokens = DevTokens.LoadOrCreate(dataDirectory, TimeProvider.System);
        _events = new IntegrationEventLog(stack.StorageConnectionString);
    }

    public string DataDirectory { get; }

    /// <summary>The checkout's windows for the tests: a minute to pay, checkouts resumable at once, a bank transfer due in about 90 s.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Checkout:PaymentActionMinutes"] = "1",
        ["Checkout:ResumeAfterMinutes"] = "0.01",
        ["Payments:BankTransfer:DaysToPay"] = "0.001",
        ["Payments:BankTransfer:WebhookSecret"] = BankWebhookSecret,
    };

    public static async Task<CrashSlot> StartAsync(string repositoryRoot, int index, CancellationToken ct)
    {
        var stack = await RunningLocalStack.StartAsync(new LocalStackOptions(repositoryRoot, null), NullLogger.Instance, ct);
        var data = Path.Combine(Path.GetTempPath(), $"serverless-shop-crash-{Environment.ProcessId}-{index}");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        Directory.CreateDirectory(data);
        return new CrashSlot(stack, LocalHostProcess.HostDll(repositoryRoot), data, FreePort());
    }

    public async Task<CrashResult> RunAsync(CrashCase crashCase)
    {
        var clock = Stopwatch.StartNew();
        var shopper = new CrashShopper(new Uri($"http://127.0.0.1:{_port}/"), _tokens, crashCase.Scenario, BankWebhookSecret);
        CrashOrder? order = null;
        var killed = false;
        var phases = new System.Text.StringBuilder();
        try
        {
            // 1. A host with the crash point: buy until it stops there, then SIGKILL it.
            var phase = Stopwatch.StartNew();
            await using (var doomed = await StartHostAsync(crashCase.Point))
            {
                phases.Append($"start {phase.Elapsed.TotalSeconds:0.0} s");
                phase.Restart();
                order = await shopper.PrepareAsync();
                killed = await AdvanceUntilAsync(shopper, order, () => doomed.CrashPointReached.IsCompleted, doomed, ReachTimeout);
                doomed.Kill();
                phases.Append($", buy until killed {phase.Elapsed.TotalSeconds:0.0} s");
                if (!killed)
                    return new CrashResult(crashCase, false, order.Number, [], $"the host never reached {crashCase.Point} within {ReachTimeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{doomed.Tail}", clock.Elapsed) { Phases = phases.ToString() };
            }
            phase.Restart();

            // 2. The same host on the same data, with no crash point: the resume timer fires as it would on schedule,
            //    providers redeliver, shoppers press again, until every guarantee holds (or time is up).
            await using var restarted = await StartHostAsync(null);
            phases.Append($", restart {phase.Elapsed.TotalSeconds:0.0} s");
            phase.Restart();
            await shopper.RunResumeTimerAsync();
            var checks = new ExactlyOnceChecks(shopper, crashCase, DataDirectory, _events);
            IReadOnlyList<Check> last = [];
            var deadline = Stopwatch.StartNew();
            var resumedAgain = false;
            var (lastSeen, unchangedSince) = ("", TimeSpan.Zero);
            while (true)
            {
                try { await shopper.AdvanceAsync(order); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException) { }
                await _events.DrainAsync();
                last = await checks.RunAsync(order);
                if (last.All(c => c.Held))
                {
                    await Task.Delay(Settle);
                    await _events.DrainAsync();
                    last = await checks.RunAsync(order);
                    break;
                }
                // A checkout that ended (processing or cancelled) and whose checks no longer change has nothing more to show.
                var seen = string.Join("|", last.Select(c => $"{c.Held}{c.Seen}"));
                if (seen != lastSeen) (lastSeen, unchangedSince) = (seen, deadline.Elapsed);
                else if (await EndedAsync(shopper, order) && deadline.Elapsed - unchangedSince > Unchanged) break;
                if (deadline.Elapsed > FinishTimeout || restarted.HasExited) break;
                // A checkout placed just before the kill may not be old enough yet for the timer's first run: run it once more.
                if (!resumedAgain && deadline.Elapsed > TimeSpan.FromSeconds(5))
                {
                    resumedAgain = true;
                    await shopper.RunResumeTimerAsync();
                }
                await Task.Delay(300);
            }
            phases.Append($", finish {phase.Elapsed.TotalSeconds:0.0} s");
            var error = restarted.HasExited ? $"the restarted host exited. Its output:{Environment.NewLine}{restarted.Tail}" : null;
            return new CrashResult(crashCase, true, order.Number, last, error, clock.Elapsed) { Phases = phases.ToString() };
        }
        catch (Exception e)
        {
            return new CrashResult(crashCase, killed, order?.Number, [], $"{e.GetType().Name}: {e.Message}", clock.Elapsed) { Phases = phases.ToString() };
        }
    }

    private static async Task<bool> EndedAsync(CrashShopper shopper, CrashOrder order) =>
        order.Number is { } number && (await shopper.OrderAsync(number)).GetProperty("status").GetString() is "processing" or "cancelled";

    private async Task<LocalHostProcess> StartHostAsync(CrashPoint? crashPoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await LocalHostProcess.StartAsync(_hostDll, _port, DataDirectory, _stack.StorageConnectionString, _stack.CosmosConnectionString, Settings, crashPoint, timeout.Token);
    }

    // Moves the checkout on until the condition holds (true) or time is up (false); a move that meets the dying host fails quietly.
    private static async Task<bool> AdvanceUntilAsync(CrashShopper shopper, CrashOrder order, Func<bool> reached, LocalHostProcess host, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Task? move = null;
        while (!reached() && clock.Elapsed < timeout && !host.HasExited)
        {
            // One move at a time: a move held up by the host stopping at its crash point is not repeated beside itself.
            if (move is null || move.IsCompleted)
            {
                if (move?.Exception is { } failed && failed.InnerException is not (HttpRequestException or TaskCanceledException))
                    throw failed.InnerException!;
                move = shopper.AdvanceAsync(order);
            }
            await Task.WhenAny(move, host.CrashPointReached, Task.Delay(TimeSpan.FromSeconds(1)));
            if (!reached() && move.IsCompleted) await Task.Delay(200);
        }
        return reached();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stack.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
    }
}
