using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.LocalHost.Hosting;

/// <param name="StorageConnectionString">The storage account holding the task hub: the local stack's Azurite.</param>
/// <param name="Settings">host.json's durableTask settings, the ones the Functions host reads in Azure.</param>
public sealed record LocalDurableTaskOptions(string StorageConnectionString, DurableTaskSettings Settings);

/// <summary>
/// Durable Functions locally, on the backend the Functions host uses by default in Azure: the Azure Storage provider
/// (Microsoft.Azure.DurableTask.AzureStorage), here against the local stack's Azurite. Orchestration history, queues and
/// partition leases live in Azurite, so they survive a restart of the host when Azurite keeps its data (the developer's
/// .local folder), and an orchestration waiting for a webhook or a durable timer carries on in the next process
/// (tests: Hosting/DurableRestartTests).
/// <para>
/// The app's orchestrator and activity functions run in the Durable Task SDK's worker, as in the isolated worker in
/// Azure, and [DurableClient] parameters get the SDK's client. Both talk gRPC to a sidecar in this process
/// (TaskHubGrpcServer from Microsoft.DurableTask.InProcessTestHost, the one its in-memory test host runs), which
/// dispatches the work of any DurableTask.Core backend: here the Azure Storage one, wrapped by
/// <see cref="LocalOrchestrationService"/>.
/// </para>
/// </summary>
public sealed class LocalDurableTaskHost : IAsyncDisposable
{
    /// <summary>
    /// The partition leases' owner. One host at a time runs on a data directory (the local stack locks it), so a fixed
    /// name is safe, and it is what makes a restart quick: a new process with the same worker id finds the partitions
    /// still leased to itself and takes them up at once, even after a crash left the leases unreleased (another id would
    /// wait for them to expire). The provider's default, the machine name, would do too, but not for a data directory
    /// moved to another machine.
    /// </summary>
    public const string WorkerId = "local-host";

    /// <summary>
    /// How long a dequeued message stays invisible (the provider's default is 5 minutes for both queues). After a crash,
    /// the steps that were running are seen again once this has passed, so a restarted host carries on with them within
    /// seconds; work that runs longer keeps its messages locked (renewed every <see cref="LockRenewalInterval"/>). Not
    /// shorter: a message fetched but still waiting in memory for its turn is not renewed, and on this 2-core machine
    /// under a heavy load (load average 40) 5 s was seen to pass before a step started, which then ran twice (the
    /// provider copes, but with errors and retries). Azure keeps the provider's defaults: the Functions host renews its
    /// locks itself.
    /// </summary>
    public static readonly TimeSpan MessageVisibilityTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan LockRenewalInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The partitions of a task hub this host creates. In Azure, host.json's partitionCount lets up to that many
    /// instances of the app share the orchestrations; here one process owns every partition, and each is a control queue
    /// it polls on its own, so four of them cost Azurite (one Node.js thread on the same cores as the shop) about three
    /// times the empty polls of one, for no parallelism: the provider runs the orchestrations of one queue at once as of
    /// four. The checkout benchmark's runs before and after are in docs/benchmarks.md (Buying).
    /// </summary>
    public const int NewTaskHubPartitions = 1;

    /// <summary>A stop that takes longer than this (storage gone) is left behind; the next start does not need it.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    // The same JSON everywhere: the worker in Azure is configured with ShopJson too (Program.cs).
    private static readonly DataConverter Converter = new JsonDataConverter(ShopJson.Options);

    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;
    private readonly LocalOrchestrationService _service;
    private int _disposed;

    private LocalDurableTaskHost(WebApplication sidecar, IHost worker, GrpcChannel channel, LocalOrchestrationService service, string taskHub)
    {
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
        _service = service;
        TaskHubName = taskHub;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    public string TaskHubName { get; }

    /// <summary>The partitions of the task hub this host runs (<see cref="PartitionCountAsync"/>).</summary>
    public int PartitionCount { get; private init; }

    public static async Task<LocalDurableTaskHost> StartAsync(
        IReadOnlyList<LocalFunction> functions, Func<FunctionInvoker> invoker, LocalDurableTaskOptions options, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var partitions = await PartitionCountAsync(options, ct);
        var service = new LocalOrchestrationService(new AzureStorageOrchestrationService(ProviderSettings(options, partitions, loggerFactory)), LockRenewalInterval);
        await service.CreateIfNotExistsAsync();

        var sidecar = BuildSidecar(service, loggerFactory);
        await sidecar.StartAsync(ct);
        var address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var channel = GrpcChannel.ForAddress(address);

        var worker = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        worker.Services.AddSingleton(loggerFactory);
        worker.Services.AddLogging();
        worker.Services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(channel);
            builder.AddTasks(registry =>
            {
                foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Orchestration))
                    registry.AddOrchestratorFunc<JsonElement?, object?>(f.Name, (context, input) =>
                        invoker().InvokeOrchestrationAsync(f, new FunctionOrchestrationContext(context, input, loggerFactory)));
                foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Activity))
                    registry.AddActivityFunc<JsonElement?, object?>(f.Name, (context, input) => invoker().InvokeActivityAsync(f, input, CancellationToken.None));
            });
        });
        worker.Services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(channel);
            builder.RegisterDirectly();
        });
        worker.Services.ConfigureAll<DurableTaskWorkerOptions>(o => o.DataConverter = Converter);
        worker.Services.ConfigureAll<DurableTaskClientOptions>(o => o.DataConverter = Converter);
        var workerHost = worker.Build();
        await workerHost.StartAsync(ct);
        return new LocalDurableTaskHost(sidecar, workerHost, channel, service, options.Settings.HubName) { PartitionCount = partitions };
    }

    /// <summary>
    /// <see cref="NewTaskHubPartitions"/> for a new task hub; a task hub that exists (a developer's data directory from
    /// before, made with host.json's four) keeps the count it was made with: the provider sends an orchestration's
    /// messages to the control queue its instance id hashes to under the count, and warns that changing the count can
    /// break orchestrations in flight. Its partition manager keeps one row per partition in the hub's Partitions table
    /// (tests: LocalDurableTaskHostPartitionTests).
    /// </summary>
    internal static async Task<int> PartitionCountAsync(LocalDurableTaskOptions options, CancellationToken ct)
    {
        var partitions = new TableClient(options.StorageConnectionString, options.Settings.HubName + "Partitions");
        try
        {
            var count = 0;
            await foreach (var _ in partitions.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: ct)) count++;
            return count > 0 ? count : NewTaskHubPartitions;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return NewTaskHubPartitions;
        }
    }

    /// <summary>
    /// The provider's settings: host.json's hub and polling, the local partition count, and what only the local host needs. Each local
    /// stack has its own Azurite (a developer's data directory, or each test shop's in-memory one), so host.json's hub
    /// name is never shared by two hosts.
    /// </summary>
    private static AzureStorageOrchestrationServiceSettings ProviderSettings(LocalDurableTaskOptions options, int partitions, ILoggerFactory loggerFactory) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString),
        TaskHubName = options.Settings.HubName,
        PartitionCount = partitions,
        // Messages this process sends wake its own pollers at once (a checkout's steps follow each other within
        // milliseconds), so this bounds only what nothing wakes: a durable timer coming due, or work left by a previous
        // process. The provider's default is 30 s; host.json says 2 s, in Azure too.
        MaxQueuePollingInterval = options.Settings.MaxQueuePollingInterval,
        ControlQueueVisibilityTimeout = MessageVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = MessageVisibilityTimeout,
        WorkerId = WorkerId,
        // The app lease lets one app of several (deployment slots) own a task hub; here one host owns the data directory.
        UseAppLease = false,
        LoggerFactory = loggerFactory,
    };

    /// <summary>The gRPC sidecar on a free loopback port, dispatching the provider's work items to the worker that connects.</summary>
    private static WebApplication BuildSidecar(LocalOrchestrationService service, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddLogging();
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerAndDispatcher);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }

    // Once: the local shop disposes it, and so do the app's services, which made it from a factory (LocalShop).
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _worker.StopAsync();
        _worker.Dispose();
        await _sidecar.StopAsync();
        // Releases the partition leases (forced: steps still running are left to their messages' visibility timeout,
        // as after a crash), so that the next host on this task hub starts without waiting.
        try
        {
            await _service.StopAsync(isForced: true).WaitAsync(StopTimeout);
        }
        catch (TimeoutException)
        {
            // Storage went away first; the next host renews the leases under the same worker id anyway.
        }
        _service.Inner.Dispose();
        await _sidecar.DisposeAsync();
        _channel.Dispose();
    }
}
