using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// Durable Functions in process: the app's orchestrator and activity functions run on the Durable Task SDK's in-memory
/// backend (Microsoft.DurableTask.InProcessTestHost), and [DurableClient] parameters get its client. Orchestrations
/// replay exactly as in Azure, but their history lives in memory: it is gone when the host stops. The checkout's
/// recovery timer restarts what was in flight (see docs/local-development.md).
/// </summary>
public sealed class LocalDurableTaskHost : IAsyncDisposable
{
    // The same JSON everywhere: the worker in Azure is configured with ShopJson too (Program.cs).
    private static readonly DataConverter Converter = new JsonDataConverter(ShopJson.Options);

    private readonly DurableTaskTestHost _host;

    private LocalDurableTaskHost(DurableTaskTestHost host) => _host = host;

    public DurableTaskClient Client => _host.Client;

    public static async Task<LocalDurableTaskHost> StartAsync(IReadOnlyList<LocalFunction> functions, Func<FunctionInvoker> invoker, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        // The backend's gRPC sidecar is an ASP.NET Core host of its own, configured from the environment, that would log
        // every orchestration step at Information. Quiet unless the developer asked otherwise.
        foreach (var category in new[] { "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "Microsoft.DurableTask" })
            if (Environment.GetEnvironmentVariable($"Logging__LogLevel__{category}") is null)
                Environment.SetEnvironmentVariable($"Logging__LogLevel__{category}", "Warning");
        var host = await DurableTaskTestHost.StartAsync(registry =>
        {
            foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Orchestration))
                registry.AddOrchestratorFunc<JsonElement?, object?>(f.Name, (context, input) =>
                    invoker().InvokeOrchestrationAsync(f, new FunctionOrchestrationContext(context, input, loggerFactory)));
            foreach (var f in functions.Where(f => f.Trigger == TriggerKind.Activity))
                registry.AddActivityFunc<JsonElement?, object?>(f.Name, (context, input) => invoker().InvokeActivityAsync(f, input, CancellationToken.None));
        }, new DurableTaskTestHostOptions
        {
            LoggerFactory = loggerFactory,
            ConfigureServices = services =>
            {
                services.Configure<DurableTaskWorkerOptions>(o => o.DataConverter = Converter);
                services.Configure<DurableTaskClientOptions>(o => o.DataConverter = Converter);
                services.ConfigureAll<DurableTaskClientOptions>(o => o.DataConverter = Converter);
            },
        }, ct);
        return new LocalDurableTaskHost(host);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
