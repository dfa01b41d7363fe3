using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// Integration events on the Service Bus topic (<c>ServiceBus:TopicName</c>). The body is the event's JSON envelope
/// (<see cref="ShopJson"/>); the event type is also in Subject and the application property <c>eventType</c>, so
/// subscriptions filter without reading bodies. MessageId is the event id, which every publisher derives from what
/// happened (an order's number and history sequence, a low-stock alert's SKU and time), never a fresh random value:
/// the topic's duplicate detection (bicep/modules/servicebus.bicep, a 1-day window) drops a second publish of the same
/// event, such as a retried function publishing again. Tests: ServiceBusIntegrationEventsTests, ConsistencyTemplateTests.
/// </summary>
/// <remarks>Owns the client it is given and closes it on disposal (the container disposes this singleton at shutdown).</remarks>
public sealed class ServiceBusIntegrationEvents(ServiceBusClient client, string topicName) : IIntegrationEvents, IAsyncDisposable
{
    public const string EventTypeProperty = "eventType";
    public const string EventSubjectProperty = "eventSubject";

    private readonly ServiceBusSender sender = client.CreateSender(topicName);

    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct) =>
        sender.SendMessageAsync(ToMessage(integrationEvent), ct);

    public static ServiceBusMessage ToMessage(IntegrationEvent integrationEvent)
    {
        // Without an id the service would assign a random one, and a repeated publish would reach subscribers twice.
        ArgumentException.ThrowIfNullOrWhiteSpace(integrationEvent.Id, nameof(integrationEvent));
        var message = new ServiceBusMessage(JsonSerializer.SerializeToUtf8Bytes(integrationEvent, ShopJson.Options))
        {
            MessageId = integrationEvent.Id,
            Subject = integrationEvent.Type,
            ContentType = "application/json",
        };
        message.ApplicationProperties[EventTypeProperty] = integrationEvent.Type;
        message.ApplicationProperties[EventSubjectProperty] = integrationEvent.Subject;
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        await sender.DisposeAsync();
        await client.DisposeAsync();
    }
}
