using System.Diagnostics;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>
/// The local host (infra/Serverless.Shop.LocalHost) as a real child process: its built dll, on emulators this test
/// process keeps running, with its own data directory and port, optionally with a crash point (--crash-at) where it
/// stops dead (once per checkout) for <see cref="Kill"/> to SIGKILL it. Killing it leaves the emulators and the data as they are.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private const int TailLines = 60;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _reached = [];

    private LocalHostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The keys (order numbers, cart ids) of the checkouts the host has stopped at its crash point so far.</summary>
    public IReadOnlyList<string> Reached
    {
        get { lock (_reached) return _reached.ToList(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the host wrote (stdout and stderr), for failure messages.</summary>
    public string Tail
    {
        get { lock (_tail) return string.Join(Environment.NewLine, _tail); }
    }

    /// <summary>The built host next to this test assembly's configuration (bin/Debug or bin/Release): built once, never `dotnet run`.</summary>
    public static string HostDll(string repositoryRoot)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(repositoryRoot, "infra", "Serverless.Shop.LocalHost", "bin", configuration, "net10.0", "Serverless.Shop.LocalHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The local host is not built at {dll}: build tests/Serverless.Shop.IntegrationTests (it references the host).", dll);
    }

    public static async Task<LocalHostProcess> StartAsync(string hostDll, int port, string dataDirectory, string storageConnectionString, string cosmosConnectionString,
        IReadOnlyDictionary<string, string> settings, CrashPoint? crashPoint, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        info.ArgumentList.Add(hostDll);
        foreach (var argument in new[]
                 {
                     "--port", $"{port}", "--data-dir", dataDirectory, "--storage-connection-string", storageConnectionString, "--cosmos-connection-string", cosmosConnectionString,
                     // Queue work (emails, integration events) and durable timers seen within a fraction of a second, as the in-process test shop does.
                     "--max-queue-polling-interval", "00:00:00.200",
                 })
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add("--setting");
            info.ArgumentList.Add($"{key}={value}");
        }
        if (crashPoint is not null)
        {
            info.ArgumentList.Add("--crash-at");
            info.ArgumentList.Add(crashPoint.ToString());
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new LocalHostProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilHealthyAsync(ct);
        }
        catch
        {
            host.Kill();
            throw;
        }
        return host;
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed, as when a machine loses power or the platform kills the worker.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"The local host exited with code {_process.ExitCode} before it answered. Its output:{Environment.NewLine}{Tail}");
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"The local host did not answer /api/health within {StartTimeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Tail}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "api/health"), ct);
                // Any answer means the functions are mapped; health itself may say degraded while a dependency warms up.
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                await Task.Delay(150, ct);
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
        }
        if (line.StartsWith(CrashPoint.ReachedMarker, StringComparison.Ordinal))
        {
            // "CRASH POINT REACHED: Step:moment key"
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            lock (_reached) _reached.Add(parts.Length >= 5 ? parts[4] : "");
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
