using System.Text.Json.Nodes;

namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>The settings of the repository's host.json that the local host honours, with the Functions host's defaults.</summary>
public sealed record HostJson(string RoutePrefix, QueueSettings Queues, DurableTaskSettings DurableTask)
{
    public static HostJson Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var extensions = root["extensions"];
        var queues = extensions?["queues"];
        var durable = extensions?["durableTask"];
        var storageProvider = durable?["storageProvider"];
        return new HostJson(
            extensions?["http"]?["routePrefix"]?.GetValue<string>() ?? "api",
            new QueueSettings(
                Time(queues?["maxPollingInterval"], TimeSpan.FromMinutes(1)),
                Time(queues?["visibilityTimeout"], TimeSpan.Zero),
                queues?["batchSize"]?.GetValue<int>() ?? 16,
                queues?["maxDequeueCount"]?.GetValue<int>() ?? 5,
                queues?["messageEncoding"]?.GetValue<string>() ?? "base64"),
            new DurableTaskSettings(
                durable?["hubName"]?.GetValue<string>() ?? "TestHubName",
                storageProvider?["partitionCount"]?.GetValue<int>() ?? 4,
                Time(storageProvider?["maxQueuePollingInterval"], TimeSpan.FromSeconds(30))));
    }

    private static TimeSpan Time(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}

/// <param name="VisibilityTimeout">How long a failed message stays invisible before its retry.</param>
/// <param name="MaxDequeueCount">After this many failed attempts a message moves to the "-poison" queue.</param>
public sealed record QueueSettings(TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, int BatchSize, int MaxDequeueCount, string MessageEncoding);

/// <summary>
/// extensions.durableTask of host.json, as the Durable extension reads it in Azure (its defaults when absent): the task
/// hub's name, and the Azure Storage provider's partition count and longest wait between polls of an idle queue.
/// </summary>
public sealed record DurableTaskSettings(string HubName, int PartitionCount, TimeSpan MaxQueuePollingInterval);
