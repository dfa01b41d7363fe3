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
        var batchSize = queues?["batchSize"]?.GetValue<int>() ?? 16;
        return new HostJson(
            extensions?["http"]?["routePrefix"]?.GetValue<string>() ?? "api",
            new QueueSettings(
                Time(queues?["maxPollingInterval"], TimeSpan.FromMinutes(1)),
                Time(queues?["visibilityTimeout"], TimeSpan.Zero),
                batchSize,
                queues?["newBatchThreshold"]?.GetValue<int>() ?? batchSize / 2,
                queues?["maxDequeueCount"]?.GetValue<int>() ?? 5,
                queues?["messageEncoding"]?.GetValue<string>() ?? "base64"),
            new DurableTaskSettings(
                durable?["hubName"]?.GetValue<string>() ?? "TestHubName",
                Time(storageProvider?["maxQueuePollingInterval"], TimeSpan.FromSeconds(30))));
    }

    private static TimeSpan Time(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}

/// <param name="VisibilityTimeout">How long a failed message stays invisible before its retry.</param>
/// <param name="NewBatchThreshold">A new batch is taken once no more than this many messages are still running (so at
/// most BatchSize + NewBatchThreshold run at once, and one slow message never holds the others back).</param>
/// <param name="MaxDequeueCount">After this many failed attempts a message moves to the "-poison" queue.</param>
public sealed record QueueSettings(TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, int BatchSize, int NewBatchThreshold, int MaxDequeueCount, string MessageEncoding);

/// <summary>
/// extensions.durableTask of host.json, as the Durable extension reads it in Azure: the task hub's name, and the Azure
/// Storage provider's longest wait between polls of an idle queue. When absent: the extension's hub name outside Azure
/// (TestHubName) and the provider's default (30 s). Its partitionCount is for Azure's instances; the local host makes
/// its task hubs with one partition (<see cref="LocalDurableTaskHost.NewTaskHubPartitions"/>).
/// </summary>
public sealed record DurableTaskSettings(string HubName, TimeSpan MaxQueuePollingInterval);
