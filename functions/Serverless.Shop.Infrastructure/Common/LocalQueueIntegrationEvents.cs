using System.Text.Json;
using Azure.Storage.Queues;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// The local stand-in for the Service Bus topic, used when <c>ServiceBus:FullyQualifiedNamespace</c> is not set:
/// each event's JSON envelope (the same body Service Bus would carry) goes to the storage queue
/// <c>integration-events</c>, where a developer can watch what the shop publishes.
/// </summary>
/// <remarks>
/// Messages are plain UTF-8 JSON, not base64 like the work queues: nothing in the app consumes this queue (external
/// systems subscribe to the topic), so the text is written for people: any storage explorer, or
/// <c>az storage message peek</c>, shows the JSON as it is. A queue-triggered function on it would need to expect plain text.
/// </remarks>
/// <param name="plainTextQueues">The host storage account's queues, through a client with <see cref="QueueMessageEncoding.None"/>.</param>
public sealed class LocalQueueIntegrationEvents(QueueServiceClient plainTextQueues) : IIntegrationEvents
{
    public const string QueueName = "integration-events";

    private readonly QueueClient queue = plainTextQueues.GetQueueClient(QueueName);

    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct) =>
        HostStorageQueues.SendAsync(queue, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(integrationEvent, ShopJson.Options)), ct);
}
