using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// Work for the shop's queue-triggered functions, on the host storage account's queues. A message is the JSON
/// (<see cref="ShopJson"/>) of the request, base64-encoded: the Functions host's queue trigger expects base64 by default.
/// </summary>
public sealed class StorageWorkQueue(QueueServiceClient service) : IWorkQueue
{
    private readonly ConcurrentDictionary<string, QueueClient> queues = new(StringComparer.Ordinal);

    public async Task EnqueueAsync<T>(string queueName, T message, CancellationToken ct)
    {
        var queue = queues.GetOrAdd(queueName, service.GetQueueClient);
        await HostStorageQueues.SendAsync(queue, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, ShopJson.Options)), ct);
    }

    /// <summary>For the health check: peeks one queue, which the app's identity may do (no account-level rights needed).</summary>
    public Task ProbeAsync(CancellationToken ct) => service.GetQueueClient(WorkQueues.ImageProcessing).PeekMessagesAsync(1, ct);
}

/// <summary>
/// The connection to the Functions host's storage account (<c>AzureWebJobsStorage</c>), read the way the host reads
/// it: a connection string, or the identity form <c>AzureWebJobsStorage:queueServiceUri</c> / <c>:accountName</c>
/// (with <c>:clientId</c> for a user-assigned identity).
/// </summary>
public static class HostStorageQueues
{
    public const string Setting = "AzureWebJobsStorage";

    /// <summary>Null when none of the forms is configured.</summary>
    public static Uri? ServiceUri(IConfiguration configuration)
    {
        if (configuration[$"{Setting}:queueServiceUri"] is { Length: > 0 } uri) return new Uri(uri);
        if (configuration[$"{Setting}:accountName"] is { Length: > 0 } account) return new Uri($"https://{account}.queue.core.windows.net");
        return null;
    }

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[Setting]) || ServiceUri(configuration) is not null;

    /// <param name="credentialFor">The credential for a managed identity client id (null: the app's default identity).</param>
    public static QueueServiceClient CreateServiceClient(IConfiguration configuration, Func<string?, TokenCredential> credentialFor, QueueMessageEncoding encoding)
    {
        var options = new QueueClientOptions { MessageEncoding = encoding };
        if (configuration[Setting] is { Length: > 0 } connectionString) return new QueueServiceClient(connectionString, options);
        var uri = ServiceUri(configuration)
            ?? throw new InvalidOperationException($"Set {Setting} (a connection string) or {Setting}:queueServiceUri / {Setting}:accountName (managed identity).");
        return new QueueServiceClient(uri, credentialFor(configuration[$"{Setting}:clientId"]), options);
    }

    /// <summary>Sends, creating the queue the first time it is missing (Azurite starts empty; in Azure a queue may not exist before its first message).</summary>
    public static async Task SendAsync(QueueClient queue, BinaryData message, CancellationToken ct)
    {
        try
        {
            await queue.SendMessageAsync(message, cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            await queue.SendMessageAsync(message, cancellationToken: ct);
        }
    }
}
