using System.Collections.Concurrent;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Common;

/// <summary>Keeps every message handed to the shop's background work, in order, so tests can see what was queued.</summary>
internal sealed class RecordingWorkQueue : IWorkQueue
{
    private readonly ConcurrentQueue<(string Queue, object? Message)> _sent = new();

    public IReadOnlyList<(string Queue, object? Message)> Sent => _sent.ToList();

    public IReadOnlyList<T> MessagesOn<T>(string queueName) =>
        _sent.Where(m => m.Queue == queueName).Select(m => m.Message).OfType<T>().ToList();

    /// <summary>When set, sending fails with it (the queue service is down).</summary>
    public Exception? Failure { get; set; }

    public Task EnqueueAsync<T>(string queueName, T message, CancellationToken ct)
    {
        if (Failure is not null) return Task.FromException(Failure);
        _sent.Enqueue((queueName, message));
        return Task.CompletedTask;
    }
}
