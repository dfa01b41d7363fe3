using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Serverless.Shop.LocalHost.LocalStack;

/// <summary>
/// Keeps infra/local-stack/node_modules in step with package.json, package-lock.json and patches/: installs (npm ci when
/// there is a lock file, else npm install; the postinstall script applies the patches) when node_modules is missing or
/// was installed from other inputs. One process installs at a time, machine-wide; the others wait and then find the
/// packages installed.
/// </summary>
internal static class NpmPackages
{
    /// <summary>Written after a successful install: a hash of the inputs it was installed from.</summary>
    private const string StampFile = ".serverless-shop-install-stamp";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    public static async Task EnsureInstalledAsync(string localStackDirectory, ILogger logger, CancellationToken ct)
    {
        if (IsUpToDate(localStackDirectory)) return;

        var lockPath = CrossProcessLock.PathFor("npm-" + Hash(Encoding.UTF8.GetBytes(Path.GetFullPath(localStackDirectory)))[..16]);
        using var installLock = await CrossProcessLock.AcquireAsync(lockPath, InstallTimeout, () =>
            logger.LogInformation("Waiting for another process that is installing the local stack's npm packages"), ct);
        if (IsUpToDate(localStackDirectory)) return; // The other process did it.

        var useCi = File.Exists(Path.Combine(localStackDirectory, "package-lock.json"));
        var command = useCi ? "ci" : "install";
        logger.LogInformation("Installing the local stack's npm packages (npm {Command} in {Directory}); the first time takes a minute or two", command, localStackDirectory);
        var stopwatch = Stopwatch.StartNew();
        await RunNpmAsync(localStackDirectory, [command, "--no-audit", "--no-fund"], logger, ct);
        await File.WriteAllTextAsync(Path.Combine(localStackDirectory, "node_modules", StampFile), InputsHash(localStackDirectory), ct);
        logger.LogInformation("Installed the local stack's npm packages in {Seconds:0} s", stopwatch.Elapsed.TotalSeconds);
    }

    private static bool IsUpToDate(string directory)
    {
        var nodeModules = Path.Combine(directory, "node_modules");
        if (!Directory.Exists(nodeModules)) return false;
        var stamp = Path.Combine(nodeModules, StampFile);
        if (File.Exists(stamp)) return File.ReadAllText(stamp).Trim() == InputsHash(directory);

        // Installed by hand (npm ci / npm install): accept it when npm's own record of the install is newer than every
        // input, and remember the inputs, so the next check is by content and not by file times.
        var npmRecord = new FileInfo(Path.Combine(nodeModules, ".package-lock.json"));
        if (!npmRecord.Exists) return false;
        if (Inputs(directory).Any(input => File.GetLastWriteTimeUtc(input) > npmRecord.LastWriteTimeUtc)) return false;
        try
        {
            File.WriteAllText(stamp, InputsHash(directory));
        }
        catch (IOException)
        {
            // Another process is writing it; it is only a cache.
        }
        return true;
    }

    private static IEnumerable<string> Inputs(string directory)
    {
        foreach (var name in new[] { "package.json", "package-lock.json" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) yield return path;
        }
        var patches = Path.Combine(directory, "patches");
        if (Directory.Exists(patches))
        {
            foreach (var patch in Directory.GetFiles(patches, "*.patch").Order(StringComparer.Ordinal))
                yield return patch;
        }
    }

    private static string InputsHash(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var input in Inputs(directory))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(input) + "\n"));
            // Line endings differ between checkouts (core.autocrlf); they do not change what gets installed.
            hash.AppendData(Encoding.UTF8.GetBytes(File.ReadAllText(input).Replace("\r\n", "\n", StringComparison.Ordinal)));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private static async Task RunNpmAsync(string directory, IReadOnlyList<string> arguments, ILogger logger, CancellationToken ct)
    {
        // npm is a script (npm.cmd) on Windows, which only a shell can start.
        var info = OperatingSystem.IsWindows() ? new ProcessStartInfo("cmd.exe") : new ProcessStartInfo("npm");
        if (OperatingSystem.IsWindows())
        {
            foreach (var a in new[] { "/d", "/s", "/c", "npm" }) info.ArgumentList.Add(a);
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.WorkingDirectory = directory;
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.Environment["NO_UPDATE_NOTIFIER"] = "1";

        var tail = new Queue<string>();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                tail.Enqueue(line);
                while (tail.Count > 60) tail.Dequeue();
            }
            logger.LogDebug("[npm] {Line}", line);
        }

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("Could not start `npm`: the local stack needs Node.js 20.6 or later (with npm) on the PATH.", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"npm {arguments[0]} in {directory} did not finish in {InstallTimeout.TotalMinutes:0} minutes.");
        }
        if (process.ExitCode != 0)
        {
            string output;
            lock (tail) output = string.Join(Environment.NewLine, tail);
            throw new InvalidOperationException($"npm {string.Join(' ', arguments)} in {directory} failed with exit code {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }
}
