using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Serverless.Shop.LocalHost.LocalStack;

/// <summary>
/// One emulator: a node process whose output goes to the logger at Debug level (its last lines are kept for error
/// messages), that is told to stop by closing its standard input, and that stops by itself when this process dies.
/// </summary>
internal sealed class NodeProcess
{
    /// <summary>
    /// Preloaded into every emulator (node --import): when standard input ends - we closed it to stop the emulator, or
    /// this process died, however abruptly (a killed test run, a crash, SIGKILL) and the OS closed the pipe - it runs
    /// the emulator's own SIGTERM handling (Azurite closes its stores, the Cosmos emulator saves its data file and exits)
    /// and the process ends when nothing is left to do, at the latest 2 s later. Nothing is left running, and no PID
    /// files are needed.
    /// <para>
    /// It also keeps Ctrl+C away from the emulator. A terminal sends SIGINT to the whole foreground process group, the
    /// emulators included; they used to stop at once while the host, still stopping, released its Durable leases
    /// against a dead Azurite (20 s of retries and a screen of warnings). The emulator now ignores SIGINT (its own
    /// handlers are not installed) and is stopped by the host, after the host, through its standard input as above.
    /// Test: LocalStackTests.Ctrl_C_stops_the_host_first_and_the_emulators_with_it.
    /// </para>
    /// </summary>
    private const string ExitWithParentScript =
        """
        process.on("SIGINT", () => {});
        for (const name of ["on", "once", "addListener", "prependListener", "prependOnceListener"]) {
          const original = process[name].bind(process);
          process[name] = (event, listener) => event === "SIGINT" ? process : original(event, listener);
        }
        process.stdin.on("data", () => {});
        process.stdin.on("error", () => {});
        process.stdin.once("end", () => {
          process.stdin.destroy();
          setTimeout(() => process.exit(0), 2000).unref();
          if (process.listenerCount("SIGTERM") > 0) process.emit("SIGTERM", "SIGTERM"); else process.exit(0);
        });
        """;

    private const int TailLines = 40;

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(string name, Process process, ILogger logger)
    {
        Name = name;
        _process = process;
        _logger = logger;
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _exited.Task.IsCompleted;
    public Task<int> Exited => _exited.Task;

    /// <summary>CPU time the process has used so far (zero once it has exited).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            try { return _process.TotalProcessorTime; }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception) { return TimeSpan.Zero; }
        }
    }

    /// <summary>The last lines the process wrote (stdout and stderr, interleaved as they arrived).</summary>
    public string Tail
    {
        get
        {
            lock (_tail) return string.Join(Environment.NewLine, _tail);
        }
    }

    public static NodeProcess Start(string name, string script, IEnumerable<string> arguments, string workingDirectory, ILogger logger)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("--import");
        info.ArgumentList.Add("data:text/javascript," + Uri.EscapeDataString(ExitWithParentScript));
        info.ArgumentList.Add(script);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // Keep node quiet about Azurite's engines field and the like; the emulators' own output is what matters.
        info.Environment["NODE_NO_WARNINGS"] = "1";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(name, process, logger);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        process.Exited += (_, _) => node.OnExited();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("Could not start `node`: the local stack needs Node.js 20.6 or later on the PATH.", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Closes standard input (the emulator shuts down cleanly), waits up to <paramref name="grace"/>, then kills the process tree.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            CloseInput();
            try
            {
                await _exited.Task.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                Kill();
                try { await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5)); }
                catch (TimeoutException) { }
            }
        }
        _process.Dispose();
    }

    /// <summary>The synchronous form of <see cref="StopAsync"/>, for AppDomain.ProcessExit.</summary>
    public void StopNow(TimeSpan grace)
    {
        try
        {
            if (HasExited) return;
            CloseInput();
            if (!_exited.Task.Wait(grace)) Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The process is exiting already.
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Exited in the meantime.
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
        if (_logger.IsEnabled(LogLevel.Debug)) _logger.LogDebug("[{Emulator}] {Line}", Name, line);
    }

    private void OnExited()
    {
        int code;
        try
        {
            // Let the asynchronous readers deliver the last lines first: they often say why it exited.
            _process.WaitForExit();
            code = _process.ExitCode;
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            code = -1;
        }
        _exited.TrySetResult(code);
    }
}
