using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// The orchestration context an orchestrator function sees locally. The Durable Task SDK's function-based orchestrators
/// fix the input type at registration, but a function reads it with <c>GetInput&lt;T&gt;()</c> for any T, as the
/// Durable Functions worker allows. So the input is kept as JSON and read as the type asked for; everything else is the
/// SDK's own context.
/// </summary>
internal sealed class FunctionOrchestrationContext(TaskOrchestrationContext inner, JsonElement? input, ILoggerFactory loggerFactory) : TaskOrchestrationContext
{
    public override TaskName Name => inner.Name;
    public override string InstanceId => inner.InstanceId;
    public override ParentOrchestrationInstance? Parent => inner.Parent;
    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;
    public override bool IsReplaying => inner.IsReplaying;
    public override string Version => inner.Version;
    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;
    public override TaskOrchestrationEntityFeature Entities => inner.Entities;
    protected override ILoggerFactory LoggerFactory => loggerFactory;

    public override T? GetInput<T>() where T : default =>
        input is null || input.Value.ValueKind == JsonValueKind.Null ? default : input.Value.Deserialize<T>(ShopJson.Options);

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
        inner.CallActivityAsync<TResult>(name, input, options);

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => inner.CreateTimer(fireAt, cancellationToken);

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        inner.WaitForExternalEvent<T>(eventName, cancellationToken);

    public override void SendEvent(string instanceId, string eventName, object payload) => inner.SendEvent(instanceId, eventName, payload);

    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

    public override Guid NewGuid() => inner.NewGuid();
}
