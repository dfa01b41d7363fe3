using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Serverless.Shop.LocalHost.LocalStack;

/// <summary>
/// The emulators the shop runs on locally, started from infra/local-stack (npm packages, patched by patch-package):
/// Azurite (blobs, queues and tables) and a Cosmos DB NoSQL emulator (@vercel/cosmosdb-server, over HTTP). Each
/// instance gets its own ports, so several can run at once (two test processes, a developer's host and the tests).
/// Disposing it stops both; so does the end of this process, however it ends (see <see cref="NodeProcess"/>).
/// See docs/cosmos-emulator.md for what the Cosmos emulator does and does not do.
/// </summary>
public sealed class RunningLocalStack : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft; not a secret).</summary>
    public const string AzuriteAccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development account key (public, documented by Microsoft; not a secret).</summary>
    public const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The Cosmos DB emulator's well-known key (public, documented by Microsoft; this emulator does not check it).</summary>
    public const string CosmosEmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private const string Host = "127.0.0.1";
    private const string AzuriteScript = "node_modules/azurite/dist/src/azurite.js";
    private const string CosmosScript = "node_modules/@vercel/cosmosdb-server/lib/cli.js";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On a machine too busy to run the emulator (parallel test processes on few cores), waiting goes on past
    /// <see cref="ReadyTimeout"/> while the emulator has had less CPU time than it needs to start (Azurite about 2 s),
    /// up to this limit. An emulator that is stuck after a fair share of CPU still fails after 30 s.
    /// </summary>
    private static readonly TimeSpan StarvedReadyTimeout = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan StartupCpuBudget = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    // Null when the stack was attached to emulators another process runs (see Attach): then they are not ours to stop.
    private readonly NodeProcess? _azurite;
    private readonly NodeProcess? _cosmos;

    /// <summary>The emulators' process ids (none when attached to emulators another process runs), for tests.</summary>
    internal IReadOnlyList<int> EmulatorProcessIds => _azurite is null || _cosmos is null ? [] : [_azurite.Id, _cosmos.Id];
    private readonly ILogger _logger;
    private readonly CrossProcessLock? _dataLock;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private RunningLocalStack(NodeProcess azurite, NodeProcess cosmos, CrossProcessLock? dataLock, int blobPort, int queuePort, int tablePort, int cosmosPort, ILogger logger)
        : this(azurite, cosmos, dataLock, new Uri($"http://{Host}:{blobPort}/{AzuriteAccountName}"), new Uri($"http://{Host}:{queuePort}/{AzuriteAccountName}"),
            new Uri($"http://{Host}:{tablePort}/{AzuriteAccountName}"), new Uri($"http://{Host}:{cosmosPort}/"), logger)
    {
    }

    private RunningLocalStack(NodeProcess? azurite, NodeProcess? cosmos, CrossProcessLock? dataLock, Uri blob, Uri queue, Uri table, Uri cosmosEndpoint, ILogger logger)
    {
        _azurite = azurite;
        _cosmos = cosmos;
        _dataLock = dataLock;
        _logger = logger;
        BlobEndpoint = blob;
        QueueEndpoint = queue;
        TableEndpoint = table;
        CosmosEndpoint = cosmosEndpoint;
        StorageConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccountName};AccountKey={AzuriteAccountKey};" +
            $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";
        CosmosConnectionString = $"AccountEndpoint={CosmosEndpoint};AccountKey={CosmosEmulatorKey};";
        _onProcessExit = (_, _) => StopNow();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>Azurite, with explicit BlobEndpoint, QueueEndpoint and TableEndpoint on the chosen ports and the well-known devstoreaccount1 key.</summary>
    public string StorageConnectionString { get; }

    /// <summary>AccountEndpoint=http://127.0.0.1:port/;AccountKey=(the well-known emulator key);. Use Gateway mode and LimitToEndpoint.</summary>
    public string CosmosConnectionString { get; }

    public Uri BlobEndpoint { get; }
    public Uri QueueEndpoint { get; }
    public Uri TableEndpoint { get; }
    public Uri CosmosEndpoint { get; }

    /// <summary>The folder holding Serverless.Shop.sln (or .slnx), from <paramref name="startDirectory"/> upwards.</summary>
    public static string FindRepositoryRoot(string startDirectory)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.Shop.sln")) ||
                File.Exists(Path.Combine(directory.FullName, "Serverless.Shop.slnx")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No folder holding Serverless.Shop.sln above {startDirectory}.");
    }

    /// <summary>
    /// Emulators that are already running (another local host's, or a test harness's that restarts the host and keeps
    /// the data): nothing is started, and disposing stops nothing. The endpoints are read from the connection strings
    /// this class hands out (<see cref="StorageConnectionString"/> with explicit endpoints, <see cref="CosmosConnectionString"/>).
    /// </summary>
    public static RunningLocalStack Attach(string storageConnectionString, string cosmosConnectionString, ILogger logger)
    {
        Environment.SetEnvironmentVariable("AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX", "true");
        var storage = Parts(storageConnectionString);
        var cosmos = Parts(cosmosConnectionString);
        Uri Endpoint(IReadOnlyDictionary<string, string> parts, string key, string name) =>
            parts.TryGetValue(key, out var value) && Uri.TryCreate(value, UriKind.Absolute, out var uri)
                ? uri
                : throw new ArgumentException($"The {name} connection string has no absolute {key}.", name == "storage" ? nameof(storageConnectionString) : nameof(cosmosConnectionString));
        var stack = new RunningLocalStack(null, null, null, Endpoint(storage, "BlobEndpoint", "storage"), Endpoint(storage, "QueueEndpoint", "storage"),
            Endpoint(storage, "TableEndpoint", "storage"), Endpoint(cosmos, "AccountEndpoint", "Cosmos DB"), logger);
        logger.LogInformation("Using running emulators: Azurite blobs {BlobEndpoint}, queues {QueueEndpoint}; Cosmos DB emulator {CosmosEndpoint}", stack.BlobEndpoint, stack.QueueEndpoint, stack.CosmosEndpoint);
        return stack;

        static Dictionary<string, string> Parts(string connectionString) => connectionString
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.OrdinalIgnoreCase);
    }

    public static async Task<RunningLocalStack> StartAsync(LocalStackOptions options, ILogger logger, CancellationToken ct)
    {
        // The Cosmos SDK on Linux asks the gateway for a query plan unless this is set (then it computes the plan itself,
        // with the native interop it ships); the emulator cannot answer query-plan requests, so every query would fail.
        // The SDK reads the variable from this process's environment, so it must be set here, before any client queries.
        Environment.SetEnvironmentVariable("AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX", "true");

        var localStack = Path.Combine(Path.GetFullPath(options.RepositoryRoot), "infra", "local-stack");
        if (!File.Exists(Path.Combine(localStack, "package.json")))
            throw new DirectoryNotFoundException($"{localStack} has no package.json: is {options.RepositoryRoot} the repository root?");
        await NpmPackages.EnsureInstalledAsync(localStack, logger, ct);

        string? azuriteLocation = null, cosmosDataFile = null;
        CrossProcessLock? dataLock = null;
        if (options.DataDirectory is not null)
        {
            var dataDirectory = Path.GetFullPath(options.DataDirectory);
            azuriteLocation = Path.Combine(dataDirectory, "azurite");
            cosmosDataFile = Path.Combine(dataDirectory, "cosmos.json");
            Directory.CreateDirectory(azuriteLocation);
            // Two stacks on one data directory would overwrite each other's files: one at a time (the lock goes with
            // the stack, or with its process). A stack that is just stopping gets a few seconds to let go.
            try
            {
                dataLock = await CrossProcessLock.AcquireAsync(Path.Combine(dataDirectory, "local-stack.lock"), TimeSpan.FromSeconds(10), null, ct);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException(
                    $"Another local stack is using the data directory {dataDirectory} (is the local host already running?). Stop it, or use another data directory.");
            }
        }

        try
        {
            var stopwatch = Stopwatch.StartNew();
            logger.LogDebug("Starting the local stack from {Directory}", localStack);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await StartOnceAsync(options, localStack, azuriteLocation, cosmosDataFile, dataLock, preferPorts: attempt == 1, stopwatch, logger, ct);
                }
                catch (PortTakenException e) when (attempt < 3)
                {
                    // Another program took a port between our check and the emulator's bind: take other ports.
                    logger.LogInformation("{Emulator} could not listen on its port ({Reason}); retrying on other ports", e.Emulator, e.Message);
                }
            }
        }
        catch
        {
            dataLock?.Dispose();
            throw;
        }
    }

    private static async Task<RunningLocalStack> StartOnceAsync(
        LocalStackOptions options, string localStack, string? azuriteLocation, string? cosmosDataFile, CrossProcessLock? dataLock, bool preferPorts,
        Stopwatch stopwatch, ILogger logger, CancellationToken ct)
    {
        var ports = await Ports.ReserveAsync(
            preferPorts ? [options.PreferredBlobPort, options.PreferredQueuePort, options.PreferredBlobPort + 2, options.PreferredCosmosPort] : [0, 0, 0, 0], ct);
        var (blobPort, queuePort, tablePort, cosmosPort) = (ports[0], ports[1], ports[2], ports[3]);

        List<string> azuriteArgs =
        [
            "--blobHost", Host, "--blobPort", $"{blobPort}",
            "--queueHost", Host, "--queuePort", $"{queuePort}",
            "--tableHost", Host, "--tablePort", $"{tablePort}",
            // The newest storage SDKs send API versions newer than Azurite knows; --loose ignores headers it does not support.
            "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            // No access log: a line per request cost Azurite's one thread about a tenth of its time under checkouts.
            "--silent",
        ];
        azuriteArgs.AddRange(azuriteLocation is null ? ["--inMemoryPersistence"] : ["--location", azuriteLocation]);
        List<string> cosmosArgs = ["--host", Host, "-p", $"{cosmosPort}", "--no-ssl"];
        if (cosmosDataFile is not null) cosmosArgs.AddRange(["--data-file", cosmosDataFile]);

        NodeProcess azurite, cosmos;
        try
        {
            azurite = NodeProcess.Start("azurite", AzuriteScript, azuriteArgs, localStack, logger);
        }
        catch
        {
            await Ports.ReleaseAsync(ports);
            throw;
        }
        try
        {
            cosmos = NodeProcess.Start("cosmos", CosmosScript, cosmosArgs, localStack, logger);
        }
        catch
        {
            await azurite.StopAsync(StopGrace);
            await Ports.ReleaseAsync(ports);
            throw;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Task.WhenAll(
                WaitUntilReadyAsync(azurite, http, [new Uri($"http://{Host}:{blobPort}/{AzuriteAccountName}?comp=list"),
                                                    new Uri($"http://{Host}:{queuePort}/{AzuriteAccountName}?comp=list"),
                                                    new Uri($"http://{Host}:{tablePort}/{AzuriteAccountName}/Tables")], ct),
                WaitUntilReadyAsync(cosmos, http, [new Uri($"http://{Host}:{cosmosPort}/")], ct));
            foreach (var process in new[] { azurite, cosmos })
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The {process.Name} emulator exited right after it answered (another server on its port?). Its output:{Environment.NewLine}{process.Tail}");
            }
        }
        catch
        {
            await Task.WhenAll(azurite.StopAsync(StopGrace), cosmos.StopAsync(StopGrace));
            throw;
        }
        finally
        {
            // Listening now (or gone): the ports need no reservation any more.
            await Ports.ReleaseAsync(ports);
        }

        var stack = new RunningLocalStack(azurite, cosmos, dataLock, blobPort, queuePort, tablePort, cosmosPort, logger);
        logger.LogInformation(
            "Local stack ready in {Seconds:0.0} s: Azurite blobs {BlobEndpoint}, queues {QueueEndpoint}; Cosmos DB emulator {CosmosEndpoint}; data {Data}",
            stopwatch.Elapsed.TotalSeconds, stack.BlobEndpoint, stack.QueueEndpoint, stack.CosmosEndpoint,
            azuriteLocation is null ? "in memory" : Path.GetDirectoryName(azuriteLocation));
        return stack;
    }

    /// <summary>Ready when every probe gets an HTTP response (any status: it proves the server parses HTTP) from the port.</summary>
    private static async Task WaitUntilReadyAsync(NodeProcess process, HttpClient http, IReadOnlyList<Uri> probes, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var pending = new List<Uri>(probes);
        string lastError = "no answer yet";
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                var code = await process.Exited;
                var output = process.Tail;
                if (output.Contains("EADDRINUSE", StringComparison.Ordinal))
                    throw new PortTakenException(process.Name, $"{process.Name} exited (code {code}): address in use");
                throw new InvalidOperationException($"The {process.Name} emulator exited with code {code} before it was ready. Its output:{Environment.NewLine}{output}");
            }
            if (deadline.Elapsed > ReadyTimeout && (deadline.Elapsed > StarvedReadyTimeout || process.CpuTime >= StartupCpuBudget))
            {
                throw new TimeoutException(
                    $"The {process.Name} emulator (pid {process.Id}) did not answer {pending[0]} within {deadline.Elapsed.TotalSeconds:0} s " +
                    $"({lastError}; it used {process.CpuTime.TotalSeconds:0.0} s of CPU). Its output:{Environment.NewLine}{process.Tail}");
            }
            var probe = pending[0];
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(probe.Host, probe.Port, ct);
                using var response = await http.GetAsync(probe, ct);
                pending.RemoveAt(0);
                continue;
            }
            catch (Exception e) when (e is SocketException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                lastError = e.Message;
            }
            await Task.Delay(100, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        if (_azurite is not null && _cosmos is not null) await Task.WhenAll(_azurite.StopAsync(StopGrace), _cosmos.StopAsync(StopGrace));
        _dataLock?.Dispose();
        _logger.LogDebug("Local stack stopped");
    }

    /// <summary>On process exit: stop both emulators (they save their data), then kill whatever is left.</summary>
    private void StopNow()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var grace = TimeSpan.FromSeconds(3);
        if (_azurite is not null && _cosmos is not null) Task.WaitAll(Task.Run(() => _azurite.StopNow(grace)), Task.Run(() => _cosmos.StopNow(grace)));
        _dataLock?.Dispose();
    }

    private sealed class PortTakenException(string emulator, string message) : Exception(message)
    {
        public string Emulator { get; } = emulator;
    }
}
