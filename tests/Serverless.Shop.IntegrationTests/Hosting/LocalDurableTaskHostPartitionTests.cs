using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// The local host makes its task hubs with one partition, whatever host.json says for Azure, and keeps the count of a
/// task hub made before (<see cref="LocalDurableTaskHost.PartitionCountAsync"/>).
/// </summary>
public sealed class LocalDurableTaskHostPartitionTests(AzuriteStackFixture stack) : IClassFixture<AzuriteStackFixture>
{
    private static DurableTaskSettings Settings(string hub) => new(hub, MaxQueuePollingInterval: TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task A_new_task_hub_has_one_partition()
    {
        var hub = AzuriteStackFixture.NewTaskHubName();

        await using (var durable = await StartAsync(hub))
            durable.PartitionCount.ShouldBe(LocalDurableTaskHost.NewTaskHubPartitions);

        (await PartitionRowsAsync(hub)).ShouldBe(1);
    }

    [Fact]
    public async Task A_task_hub_made_with_four_partitions_keeps_them_and_its_waiting_orchestrations_carry_on()
    {
        var hub = AzuriteStackFixture.NewTaskHubName();
        // Made as host.json's count made every local task hub before: orchestrations waiting on all four control queues.
        var instances = Enumerable.Range(1, 8).Select(i => $"waiting-{i}").ToList();
        using (var before = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(stack.Stack.StorageConnectionString),
            TaskHubName = hub,
            PartitionCount = 4,
        }))
        {
            await before.CreateIfNotExistsAsync();
            var client = new TaskHubClient(before);
            foreach (var id in instances)
                await client.CreateOrchestrationInstanceAsync("SampleApproval", "", id, new SampleApprovalRequest(TimeoutSeconds: 120));
        }
        (await PartitionRowsAsync(hub)).ShouldBe(4);

        await using var durable = await StartAsync(hub);

        // The count is what this guards: the provider's partition manager leases every row of the Partitions table, so
        // the waiting orchestrations below would finish even under a changed count (tried), while messages of new ones
        // would go to other queues than before, which the provider warns against.
        durable.PartitionCount.ShouldBe(4);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var id in instances)
        {
            await durable.Client.WaitForInstanceStartAsync(id, timeout.Token);
            await durable.Client.RaiseEventAsync(id, "Approval", "yes", timeout.Token);
        }
        foreach (var id in instances)
        {
            var done = await durable.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
            done.ReadOutputAs<string>().ShouldBe("approved: yes", id);
        }
    }

    private async Task<LocalDurableTaskHost> StartAsync(string hub)
    {
        var functions = FunctionCatalog.Discover(typeof(SampleDurableFunctions).Assembly, type => type == typeof(SampleDurableFunctions));
        var services = new ServiceCollection().AddSingleton(sp => new FunctionInvoker(sp)).BuildServiceProvider();
        return await LocalDurableTaskHost.StartAsync(functions, services.GetRequiredService<FunctionInvoker>,
            new LocalDurableTaskOptions(stack.Stack.StorageConnectionString, Settings(hub)), NullLoggerFactory.Instance, CancellationToken.None);
    }

    private async Task<int> PartitionRowsAsync(string hub)
    {
        var count = 0;
        await foreach (var _ in new TableClient(stack.Stack.StorageConnectionString, hub + "Partitions").QueryAsync<TableEntity>()) count++;
        return count;
    }
}
