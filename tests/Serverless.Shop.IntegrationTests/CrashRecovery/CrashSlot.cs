using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.IntegrationTests.Hosting;
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

    /// <summary>How long a restarted host has to finish the checkouts and their notifications: past the payment window (1 minute here) a lost checkout has given up; the rest is for a busy machine.</summary>
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(180);

    /// <summary>After every guarantee held, a late duplicate (a replayed step, a redelivered message) still has this long to show.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A checkout that has ended and whose checks stayed the same this long is judged as it is. Longer than the local
    /// Durable backend's message lock and the queue functions' message hold: what the killed host had taken is invisible
    /// to the restarted one until then (a compensation after a cancelled order's last write, an order change's email).
    /// </summary>
    private static readonly TimeSpan Unchanged =
        TimeSpan.FromTicks(Math.Max(LocalDurableTaskHost.MessageVisibilityTimeout.Ticks, QueueTriggerListener.MessageHold.Ticks)) + TimeSpan.FromSeconds(10);

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

    /// <summary>
    /// The checkout's windows for the tests: two minutes to pay, checkouts resumable at once, a bank transfer due in about
    /// 90 s. The time to pay outlasts the webhook inbox's one-minute lease: a webhook whose process was killed while
    /// handling it is taken over by a redelivery only once that lease has run out (CosmosWebhookInbox), and with a
    /// shorter time to pay the checkout would give up first and refund the payment (safe, but not the case's outcome).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Checkout:PaymentActionMinutes"] = "2",
        ["Checkout:ResumeAfterMinutes"] = "0.01",
        ["Payments:BankTransfer:DaysToPay"] = "0.001",
        ["Payments:BankTransfer:WebhookSecret"] = BankWebhookSecret,
        // Parcels stay where checkout left them (the cases end processing); `dotnet run` would move them on a schedule.
        [Serverless.Shop.LocalHost.Simulators.LocalCarrierRegistration.SecondsPerStepSetting] = "0",
    };

    public static async Task<CrashSlot> StartAsync(string repositoryRoot, int index, CancellationToken ct)
    {
        var stack = await RunningLocalStack.StartAsync(new LocalStackOptions(repositoryRoot, null), NullLogger.Instance, ct);
        var data = Path.Combine(Path.GetTempPath(), $"serverless-shop-crash-{Environment.ProcessId}-{index}");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        Directory.CreateDirectory(data);
        return new CrashSlot(stack, LocalHostProcess.HostDll(repositoryRoot), data, RestartablePorts.Next());
    }

    /// <summary>
    /// Runs the cases that share a crash point in one host: each buys its own order until every order has stopped at the
    /// point (or time is up), the host is SIGKILLed, the same host restarts on the same data without the crash point,
    /// and each order is followed until its checks hold or have stopped changing after its checkout ended.
    /// </summary>
    public async Task<IReadOnlyList<CrashResult>> RunAsync(IReadOnlyList<CrashCase> cases)
    {
        var point = cases[0].Point;
        if (cases.Any(c => c.Point.ToString() != point.ToString())) throw new ArgumentException("The cases of one run share their crash point.", nameof(cases));
        var clock = Stopwatch.StartNew();
        var phases = new System.Text.StringBuilder();
        var runs = cases.Select(c => new Run(c, new CrashShopper(new Uri($"http://127.0.0.1:{_port}/"), _tokens, c.Scenario, BankWebhookSecret))).ToList();
        try
        {
            // 1. A host with the crash point: buy until every checkout has stopped there, then SIGKILL it.
            var phase = Stopwatch.StartNew();
            await using (var doomed = await StartHostAsync(point))
            {
                phases.Append($"start {phase.Elapsed.TotalSeconds:0.0} s");
                phase.Restart();
                foreach (var run in runs)
                {
                    try { run.Order = await run.Shopper.PrepareAsync(); }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException) { run.Error = $"preparing the order failed: {e.Message}"; }
                }
                await AdvanceUntilReachedAsync(runs, doomed);
                doomed.Kill();
                var killedAt = DateTimeOffset.UtcNow;
                foreach (var run in runs) run.KilledAt = killedAt;
                phases.Append($", buy until killed {phase.Elapsed.TotalSeconds:0.0} s");
                foreach (var run in runs.Where(r => !r.Killed))
                    run.Error ??= $"the host never stopped this checkout at {point} within {ReachTimeout.TotalSeconds:0} s (it stopped {string.Join(", ", doomed.Reached)}). Its output:{Environment.NewLine}{doomed.Tail}";
            }

            // 2. The same host on the same data, with no crash point: the resume timer fires as it would on schedule,
            //    providers redeliver, shoppers press again, until every guarantee holds (or time is up).
            phase.Restart();
            await using var restarted = await StartHostAsync(null);
            phases.Append($", restart {phase.Elapsed.TotalSeconds:0.0} s");
            phase.Restart();
            await runs[0].Shopper.RunResumeTimerAsync();
            var deadline = Stopwatch.StartNew();
            var resumedAgain = false;
            while (runs.Any(r => r.Killed && !r.Judged) && deadline.Elapsed < FinishTimeout && !restarted.HasExited)
            {
                await _events.DrainAsync();
                foreach (var run in runs.Where(r => r.Killed && !r.Judged)) await FollowAsync(run, deadline.Elapsed);
                // A checkout placed just before the kill may not be old enough yet for the timer's first run: run it once more.
                if (!resumedAgain && deadline.Elapsed > TimeSpan.FromSeconds(5))
                {
                    resumedAgain = true;
                    await runs[0].Shopper.RunResumeTimerAsync();
                }
                await Task.Delay(300);
            }
            await Task.Delay(Settle);
            await _events.DrainAsync();
            foreach (var run in runs.Where(r => r.Killed)) await CheckAsync(run);
            phases.Append($", finish {phase.Elapsed.TotalSeconds:0.0} s");
            if (restarted.HasExited)
                foreach (var run in runs) run.Error ??= $"the restarted host exited. Its output:{Environment.NewLine}{restarted.Tail}";
        }
        catch (Exception e)
        {
            foreach (var run in runs) run.Error ??= $"{e.GetType().Name}: {e.Message}";
        }
        return runs.Select(r => new CrashResult(r.Case, r.Killed, r.Order?.Number, r.Checks, r.Error, clock.Elapsed) { Phases = phases.ToString() }).ToList();
    }

    // One step of following an order after the restart: move it on, check it, and judge it once its checks hold, or once
    // its checkout has ended and the checks have stopped changing.
    private async Task FollowAsync(Run run, TimeSpan now)
    {
        try { await run.Shopper.AdvanceAsync(run.Order!); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException) { }
        await CheckAsync(run);
        if (run.Checks.All(c => c.Held)) { run.Judged = true; return; }
        var seen = string.Join("|", run.Checks.Select(c => $"{c.Held}{c.Seen}"));
        if (seen != run.LastSeen) (run.LastSeen, run.UnchangedSince) = (seen, now);
        else if (now - run.UnchangedSince > Unchanged && await EndedAsync(run.Shopper, run.Order!)) run.Judged = true;
    }

    // A check the shop could not answer is a failed check of that case (what it answered is the finding), not of the run.
    private async Task CheckAsync(Run run)
    {
        try { run.Checks = await run.ChecksAsync(DataDirectory, _events); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
        {
            run.Checks = [new Check("the shop answers about the order", false, e.Message)];
        }
    }

    /// <summary>One case of a run: its shopper, its order and what became of it.</summary>
    private sealed class Run(CrashCase crashCase, CrashShopper shopper)
    {
        public CrashCase Case { get; } = crashCase;
        public CrashShopper Shopper { get; } = shopper;
        public CrashOrder? Order { get; set; }
        public bool Killed { get; set; }

        /// <summary>When the host was killed (after the crash point was reached), for the email check's one allowance.</summary>
        public DateTimeOffset? KilledAt { get; set; }
        public bool Judged { get; set; }
        public string? Error { get; set; }
        public IReadOnlyList<Check> Checks { get; set; } = [];
        public string LastSeen { get; set; } = "";
        public TimeSpan UnchangedSince { get; set; }
        public Task? Move { get; set; }

        public Task<IReadOnlyList<Check>> ChecksAsync(string dataDirectory, IntegrationEventLog events) =>
            new ExactlyOnceChecks(Shopper, Case, dataDirectory, events, KilledAt).RunAsync(Order!);

        /// <summary>The host announced this checkout at its crash point (by order number or cart id; StartCheckout's before it has a number, by count).</summary>
        public bool ReachedIn(IReadOnlyList<string> reached, int cases) =>
            (Order?.Number is { } number && reached.Contains(number)) || (Order is { } order && reached.Contains(order.CartId))
            || (Order is not null && Case.Point.Step == CrashPoint.StartStep && reached.Count >= cases);
    }

    // Moves every checkout on until each has stopped at the crash point (or time is up); a move that meets the
    // stopped host is left hanging (it dies with the host), and never repeated beside itself.
    private static async Task AdvanceUntilReachedAsync(List<Run> runs, LocalHostProcess host)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReachTimeout && !host.HasExited)
        {
            var reached = host.Reached;
            foreach (var run in runs) run.Killed = run.ReachedIn(reached, runs.Count);
            if (runs.All(r => r.Killed || r.Order is null)) return;
            foreach (var run in runs.Where(r => !r.Killed && r.Order is not null && (r.Move is null || r.Move.IsCompleted)))
            {
                if (run.Move?.Exception is { } failed && failed.InnerException is not (HttpRequestException or TaskCanceledException))
                    run.Error = $"buying failed before the crash point: {failed.InnerException!.Message}";
                run.Move = run.Shopper.AdvanceAsync(run.Order!);
            }
            await Task.Delay(250);
        }
    }

    private static async Task<bool> EndedAsync(CrashShopper shopper, CrashOrder order)
    {
        try { return order.Number is { } number && (await shopper.OrderAsync(number)).GetProperty("status").GetString() is "processing" or "cancelled"; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException) { return false; }
    }

    private async Task<LocalHostProcess> StartHostAsync(CrashPoint? crashPoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await LocalHostProcess.StartAsync(_hostDll, _port, DataDirectory, _stack.StorageConnectionString, _stack.CosmosConnectionString, Settings, crashPoint, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stack.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
    }
}
