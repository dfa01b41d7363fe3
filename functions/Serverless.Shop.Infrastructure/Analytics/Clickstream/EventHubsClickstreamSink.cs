using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>
/// Hands accepted events to Azure Event Hubs (keyless: the app's managed identity holds "Azure Event Hubs Data Sender"
/// on the hub, bicep/modules/eventhubs.bicep). One hub event per session of a request, its body the session's events
/// (<see cref="ClickstreamCaptureBody"/>) and its partition key the session id, so a session's events stay in one
/// partition, in order, and land in that partition's capture files. Capture writes them to the data lake's
/// <c>analytics-raw</c> container. Tests: EventHubsClickstreamSinkTests (the events it builds; the AMQP send itself
/// needs a real hub).
/// </summary>
/// <remarks>Owns the producer it is given and closes it on disposal (the container disposes this singleton at shutdown).</remarks>
public sealed class EventHubsClickstreamSink(EventHubProducerClient producer) : IClickstreamSink, IAsyncDisposable
{
    public async Task SendAsync(IReadOnlyList<ClickstreamEvent> batch, CancellationToken ct)
    {
        foreach (var (sessionId, data) in ToEventData(batch))
            await producer.SendAsync([data], new SendEventOptions { PartitionKey = sessionId }, ct);
    }

    /// <summary>The hub events a request's batch becomes: one per session, in the order the sessions first appear.</summary>
    public static IReadOnlyList<(string SessionId, EventData Data)> ToEventData(IReadOnlyList<ClickstreamEvent> batch) =>
        batch.GroupBy(e => e.SessionId, StringComparer.Ordinal)
            .Select(session =>
            {
                var data = new EventData(ClickstreamCaptureBody.Serialize(session.ToList())) { ContentType = "application/json" };
                data.Properties[ClickstreamCaptureBody.SchemaProperty] = ClickstreamCaptureBody.SchemaName;
                return (session.Key, data);
            })
            .ToList();

    public ValueTask DisposeAsync() => producer.DisposeAsync();
}
