using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// The [DurableClient] functions get when a <see cref="CrashPoint"/> is set (local host only): the host's own client,
/// with the crash point around raising an event (<see cref="CrashPoint.SignalStep"/>: a payment webhook was received and
/// recorded, the checkout not yet told) and scheduling an orchestration (<see cref="CrashPoint.StartStep"/>: the order
/// is written, its checkout not yet started). Every other call goes straight to the host's client.
/// </summary>
internal sealed class CrashPointDurableTaskClient(DurableTaskClient inner, CrashPoint crashPoint) : DurableTaskClient(inner.Name)
{
    public override DurableEntityClient Entities => inner.Entities;

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        await crashPoint.ReachedAsync(CrashPoint.SignalStep, CrashMoment.Before, instanceId);
        await inner.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);
        await crashPoint.ReachedAsync(CrashPoint.SignalStep, CrashMoment.After, instanceId);
    }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        await crashPoint.ReachedAsync(CrashPoint.StartStep, CrashMoment.Before, options?.InstanceId ?? "");
        var id = await inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);
        await crashPoint.ReachedAsync(CrashPoint.StartStep, CrashMoment.After, id);
        return id;
    }

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => inner.GetAllInstancesAsync(filter);

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.TerminateInstanceAsync(instanceId, options, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.SuspendInstanceAsync(instanceId, reason, cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.ResumeInstanceAsync(instanceId, reason, cancellation);

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.PurgeInstanceAsync(instanceId, options, cancellation);

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.PurgeAllInstancesAsync(filter, options, cancellation);

    // The host owns its client: this wrapper, made per invocation, must not dispose it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
