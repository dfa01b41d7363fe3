using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.IntegrationTests.Adapters;
using Serverless.Shop.LocalHost.Hosting;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>The local queue trigger takes messages as the Functions host does: a slow message never holds back the others.</summary>
public sealed class QueueTriggerListenerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Messages_that_arrive_while_one_is_still_running_are_handled_without_waiting_for_it()
    {
        var queueName = "listener-" + Guid.NewGuid().ToString("N")[..12];
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var queue = queues.GetQueueClient(queueName);
        await queue.CreateIfNotExistsAsync();
        var function = new LocalFunction(nameof(SlowFunction.Run), "test", TriggerKind.Queue, typeof(SlowFunction).GetMethod(nameof(SlowFunction.Run))!)
        {
            QueueName = queueName,
        };
        var settings = new QueueSettings(TimeSpan.FromMilliseconds(200), TimeSpan.Zero, BatchSize: 8, NewBatchThreshold: 4, MaxDequeueCount: 5, "none");
        var listener = new QueueTriggerListener(function, queues, settings, new FunctionInvoker(new ServiceCollection().BuildServiceProvider()),
            NullLogger<QueueTriggerListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            await queue.SendMessageAsync("slow");
            await SlowFunction.SlowStarted.Task.WaitAsync(Patience);
            foreach (var n in Enumerable.Range(1, 3)) await queue.SendMessageAsync($"fast-{n}");

            // The slow message is still running; the Functions host would have fetched more by now, and so must we.
            await WaitUntilAsync(() => SlowFunction.Handled.Count == 3);
            SlowFunction.Handled.Order().ShouldBe(["fast-1", "fast-2", "fast-3"]);
            SlowFunction.SlowRelease.TrySetResult();
            await WaitUntilAsync(() => SlowFunction.Handled.Contains("slow"));
        }
        finally
        {
            SlowFunction.SlowRelease.TrySetResult();
            await listener.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not handled within {Patience.TotalSeconds:0} s: handled {string.Join(", ", SlowFunction.Handled)}.");
            await Task.Delay(100);
        }
    }

    /// <summary>A queue function whose "slow" message waits until the test lets it go.</summary>
    public static class SlowFunction
    {
        public static TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public static TaskCompletionSource SlowRelease { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public static ConcurrentQueue<string> Handled { get; } = new();

        public static async Task Run([QueueTrigger("any")] string message, CancellationToken ct)
        {
            if (message == "slow")
            {
                SlowStarted.TrySetResult();
                await SlowRelease.Task.WaitAsync(ct);
            }
            Handled.Enqueue(message);
        }
    }
}
