using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// Runs one queue-triggered function the way the Functions host does: polls with back-off up to maxPollingInterval,
/// takes batchSize messages at a time and the next batch once no more than newBatchThreshold are still running (one
/// message that takes long does not hold back the others), and on failure makes the message visible again after visibilityTimeout;
/// once a message has failed maxDequeueCount times it moves to "&lt;queue&gt;-poison".
/// </summary>
public sealed class QueueTriggerListener(
    LocalFunction function, QueueServiceClient queues, QueueSettings settings, FunctionInvoker invoker, ILogger<QueueTriggerListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a message this host has taken stays hidden from other readers. Kept short and renewed while the function
    /// runs (as the Functions host renews its own), so the messages of a host that was killed mid-function come back
    /// within this time instead of minutes later (CrashMatrixTests: a host killed as it emails an order's change).
    /// </summary>
    public static readonly TimeSpan MessageHold = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = queues.GetQueueClient(function.QueueName);
        var poison = queues.GetQueueClient(function.QueueName + "-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);

        var delay = MinimumPollingInterval;
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var failed in running.Where(t => t.IsFaulted))
                logger.LogError(failed.Exception, "{Function} could not settle a message of {Queue}", function.Name, function.QueueName);
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count > settings.NewBatchThreshold)
            {
                await Task.WhenAny(running);
                continue;
            }

            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(settings.BatchSize, MessageHold, stoppingToken)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "Polling {Queue} failed; retrying", function.QueueName);
                batch = [];
            }

            if (batch.Length == 0)
            {
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }
            delay = MinimumPollingInterval;
            running.AddRange(batch.Select(m => HandleAsync(queue, poison, m, stoppingToken)));
        }
        await Task.WhenAll(running);
    }

    private async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        // Each renewal gives the message a new pop receipt; the delete or retry below needs the latest one.
        var popReceipt = message.PopReceipt;
        Exception? failure = null;
        using (var renewal = new CancellationTokenSource())
        {
            var hidden = KeepHiddenAsync(queue, message.MessageId, () => popReceipt, receipt => popReceipt = receipt, renewal.Token);
            try
            {
                await invoker.InvokeQueueAsync(function, message.Body.ToString(), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failure = e;
            }
            finally
            {
                await renewal.CancelAsync();
                await hidden;
            }
        }

        if (failure is null)
        {
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
        }
        else if (message.DequeueCount >= settings.MaxDequeueCount)
        {
            logger.LogError(failure, "{Function} failed {Count} times on message {Id}; moved to {Queue}-poison", function.Name, message.DequeueCount, message.MessageId, function.QueueName);
            await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
        }
        else
        {
            logger.LogWarning(failure, "{Function} failed on message {Id} (attempt {Count}); retrying", function.Name, message.MessageId, message.DequeueCount);
            await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
        }
    }

    // Until stopped, hides the message for another MessageHold every third of it. The update itself is never cancelled
    // half-way: its new pop receipt must be kept, or the delete after the function would be refused.
    private async Task KeepHiddenAsync(QueueClient queue, string messageId, Func<string> popReceipt, Action<string> renewed, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(MessageHold / 3, stop);
                var receipt = await queue.UpdateMessageAsync(messageId, popReceipt(), visibilityTimeout: MessageHold, cancellationToken: CancellationToken.None);
                renewed(receipt.Value.PopReceipt);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not keep message {Id} of {Queue} hidden; another reader may take it", messageId, function.QueueName);
            }
        }
    }
}
