using System.Collections.Concurrent;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Query;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// The Azure Storage orchestration service as the local host's gRPC sidecar uses it, with the three things the
/// sidecar's dispatcher (Microsoft.DurableTask.InProcessTestHost, written for its in-memory backend) does not do and
/// the Functions host does in Azure:
/// <list type="bullet">
/// <item>It renews the lock of a work item while it runs. Locally, queue messages are locked for seconds, not minutes,
/// so that after a crash a new process sees them again within seconds (<see cref="LocalDurableTaskHost"/>); a step that
/// takes longer keeps its lock and never runs twice at once.</item>
/// <item>It wakes whoever waits for an orchestration to end as soon as that one ends, instead of the provider's 2 s status
/// polling: the tests and the benchmark wait for every checkout. Only the orchestration's own waiters read its status
/// again, so eight checkouts waited for at once cost Azurite one status read each when they end, not eight.</item>
/// <item>Its lifetime is the host's: the sidecar starts it once a worker connects, but stops it from a callback nobody
/// waits for, so <see cref="StopAsync(bool)"/> runs once and <see cref="LocalDurableTaskHost"/> awaits it before the
/// next host can start on the same data. The stop is always forced: a graceful one waits for every orchestration
/// session in memory to finish, and with the worker already gone some never do (a stop then hung for 20 s); what was
/// left is picked up by the next host as after a crash.</item>
/// </list>
/// Everything else goes straight to the provider.
/// </summary>
internal sealed class LocalOrchestrationService(AzureStorageOrchestrationService inner, TimeSpan lockRenewalInterval)
    : IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    /// <summary>A safety net: an orchestration that ends without this process seeing it (none should) is still found.</summary>
    private static readonly TimeSpan StatusPollingInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<object, LockRenewal> _renewals = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _endings = new(StringComparer.Ordinal);
    private readonly Lock _lifetime = new();
    private Task? _started;
    private Task? _stopped;

    public AzureStorageOrchestrationService Inner => inner;

    // Lifetime: once each, whoever asks first.
    public Task StartAsync()
    {
        lock (_lifetime) return _started ??= inner.StartAsync();
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public Task StopAsync(bool isForced)
    {
        lock (_lifetime) return _stopped ??= _started is null ? Task.CompletedTask : inner.StopAsync(isForced: true);
    }

    public Task CreateAsync() => inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    // Orchestration work items: renewed from lock to completion.
    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null) StartRenewing(workItem, () => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem));
        return workItem!;
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        await StopRenewingAsync(workItem);
        await inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
        if (IsFinished(newOrchestrationRuntimeState.OrchestrationStatus) && _endings.TryRemove(workItem.InstanceId, out var ended))
            ended.TrySetResult();
    }

    public async Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        await inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    }

    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        await inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    }

    // Activity work items: renewed from lock to completion.
    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (workItem is not null) StartRenewing(workItem, () => inner.RenewTaskActivityWorkItemLockAsync(workItem));
        return workItem!;
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await StopRenewingAsync(workItem);
        await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        await inner.AbandonTaskActivityWorkItemAsync(workItem);
    }

    // The client side.
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => inner.CreateTaskOrchestrationAsync(creationMessage);
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) => inner.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);
    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => inner.SendTaskOrchestrationMessageAsync(message);
    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => inner.SendTaskOrchestrationMessageBatchAsync(messages);
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => inner.ForceTerminateTaskOrchestrationAsync(instanceId, reason);
    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) => inner.GetOrchestrationStateAsync(instanceId, allExecutions);
    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) => inner.GetOrchestrationStateAsync(instanceId, executionId);
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => inner.GetOrchestrationHistoryAsync(instanceId, executionId);
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) => inner.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);
    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) => ((IOrchestrationServicePurgeClient)inner).PurgeInstanceStateAsync(instanceId);
    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) => ((IOrchestrationServicePurgeClient)inner).PurgeInstanceStateAsync(purgeInstanceFilter);
    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) => inner.GetOrchestrationWithQueryAsync(query, cancellationToken);

    /// <summary>Reads the state again when this orchestration ends in this process (and every second regardless).</summary>
    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            // Registered before the read, so an end between the read and the wait still wakes it.
            var ending = _endings.GetOrAdd(instanceId, _ => NewSignal());
            // The provider's wait with no time left reads the status once: the ended state (its large input and output
            // fetched), or null while it runs.
            var state = await inner.WaitForOrchestrationAsync(instanceId, executionId, TimeSpan.Zero, cancellationToken);
            if (state is not null)
            {
                _endings.TryRemove(KeyValuePair.Create(instanceId, ending)); // ended before this process saw it
                return state;
            }
            try
            {
                await Task.WhenAny(ending.Task, Task.Delay(StatusPollingInterval, linked.Token)).WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                _endings.TryRemove(KeyValuePair.Create(instanceId, ending));
                return null!; // the provider's answer when the timeout passes
            }
        }
    }

    private static bool IsFinished(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void StartRenewing(object workItem, Func<Task> renew)
    {
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            // A failed renewal is left to the completion, which then fails as it would with an expired lock.
            try
            {
                while (true)
                {
                    await Task.Delay(lockRenewalInterval, stop.Token);
                    await renew();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception) when (!stop.IsCancellationRequested) { }
        }, CancellationToken.None);
        _renewals[workItem] = new LockRenewal(stop, loop);
    }

    /// <summary>Stops renewing before the work item completes: a renewal in flight would change the message's receipt under it.</summary>
    private async Task StopRenewingAsync(object workItem)
    {
        if (!_renewals.TryRemove(workItem, out var renewal)) return;
        await renewal.Stop.CancelAsync();
        await renewal.Loop;
        renewal.Stop.Dispose();
    }

    private sealed record LockRenewal(CancellationTokenSource Stop, Task Loop);
}
