using Azure.Storage.Queues;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>
/// The local stand-in for the hub, wired by the local host only: each session's events of a request go as one message
/// to the storage queue <c>analytics-events</c> (base64, the same body a hub event carries), where the local capture
/// (the local host's CaptureClickstreamLocally) picks them up and writes capture files to Azurite's
/// <c>analytics-raw</c>, as Event Hubs Capture does in Azure.
/// </summary>
/// <param name="base64Queues">The host storage account's queues, through a client with <see cref="QueueMessageEncoding.Base64"/>.</param>
public sealed class LocalQueueClickstreamSink(QueueServiceClient base64Queues) : IClickstreamSink
{
    public const string QueueName = "analytics-events";

    // A queue message holds 64 KB of base64, so about 48 KB of JSON; a larger session batch is sent in parts.
    private const int MaximumBodyBytes = 45 * 1024;

    private readonly QueueClient queue = base64Queues.GetQueueClient(QueueName);

    public async Task SendAsync(IReadOnlyList<ClickstreamEvent> batch, CancellationToken ct)
    {
        foreach (var session in batch.GroupBy(e => e.SessionId, StringComparer.Ordinal))
            await SendInPartsAsync(session.ToList(), ct);
    }

    private async Task SendInPartsAsync(List<ClickstreamEvent> events, CancellationToken ct)
    {
        var body = ClickstreamCaptureBody.Serialize(events);
        if (body.Length > MaximumBodyBytes && events.Count > 1)
        {
            var half = events.Count / 2;
            await SendInPartsAsync(events[..half], ct);
            await SendInPartsAsync(events[half..], ct);
            return;
        }
        await HostStorageQueues.SendAsync(queue, BinaryData.FromBytes(body), ct);
    }
}
