using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Infrastructure.Analytics.Clickstream;

namespace Serverless.Shop.LocalHost.Analytics;

/// <summary>
/// Plays Event Hubs Capture on the local host: every <see cref="Window"/> it takes what the local sink put on the
/// <c>analytics-events</c> queue and writes it as one capture file to Azurite's <c>analytics-raw</c>, in Capture's
/// Avro schema and naming (<see cref="EventHubsCaptureFormat"/>), namespace <c>local</c>, hub <c>clickstream</c>,
/// partition <c>0</c>. So the archive reads locally exactly what it reads in Azure. A file is written before its
/// messages are deleted: a host stopped in between writes them again into a later file (as Capture, readers get each
/// event at least once and drop repeats by event id). Tests: ClickstreamArchiveTests, ClickstreamIngestionApiTests.
/// </summary>
public sealed class CaptureClickstreamLocally(QueueServiceClient base64Queues, BlobServiceClient blobs, TimeProvider clock, ILogger<CaptureClickstreamLocally> logger)
    : BackgroundService
{
    public const string Namespace = "local";
    public const string Hub = "clickstream";
    public const string Partition = "0";

    /// <summary>The capture window: short here so a developer (and a test) sees the files at once; Azure's is minutes (Bicep).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private const int MaximumEventsPerFile = 1000;

    private readonly QueueClient queue = base64Queues.GetQueueClient(LocalQueueClickstreamSink.QueueName);
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(BlobClickstreamArchive.ContainerName);
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private DateTimeOffset lastWindow = DateTimeOffset.MinValue;
    private long sequenceNumber = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Window, clock, stoppingToken);
                await CaptureNowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "The local clickstream capture failed; it tries again in {Window}.", Window);
            }
        }
    }

    /// <summary>Writes what is waiting on the queue now as one capture file; returns its name, or null when nothing was waiting.</summary>
    public async Task<string?> CaptureNowAsync(CancellationToken ct)
    {
        await oneAtATime.WaitAsync(ct);
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            var messages = new List<QueueMessage>();
            while (messages.Count < MaximumEventsPerFile)
            {
                var received = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), ct)).Value;
                if (received.Length == 0) break;
                messages.AddRange(received);
            }
            if (messages.Count == 0) return null;

            var records = messages.Select(m =>
            {
                var sequence = ++sequenceNumber;
                var enqueued = m.InsertedOn ?? clock.GetUtcNow();
                return new CaptureRecord(sequence, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), enqueued,
                    new Dictionary<string, object> { ["x-opt-sequence-number"] = sequence, ["x-opt-enqueued-time"] = enqueued.ToUnixTimeMilliseconds() },
                    new Dictionary<string, object?> { [ClickstreamCaptureBody.SchemaProperty] = ClickstreamCaptureBody.SchemaName },
                    m.Body.ToArray());
            }).ToList();
            using var file = new MemoryStream();
            EventHubsCaptureFormat.Write(file, records);

            var name = await UploadNewAsync(file, ct);
            foreach (var message in messages)
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            return name;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    // One file per window second, never overwritten: a second already taken (a restart within it) moves to the next.
    private async Task<string> UploadNewAsync(MemoryStream file, CancellationToken ct)
    {
        var window = new DateTimeOffset(clock.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (window <= lastWindow) window = lastWindow.AddSeconds(1);
        while (true)
        {
            var name = EventHubsCaptureFormat.BlobName(Namespace, Hub, Partition, window);
            try
            {
                file.Position = 0;
                await container.GetBlobClient(name).UploadAsync(file, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct);
                lastWindow = window;
                return name;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                window = window.AddSeconds(1);
            }
        }
    }
}

/// <summary>The clickstream's local stand-ins, registered by the local host only (docs/analytics.md, "Clickstream").</summary>
internal static class LocalClickstream
{
    public static IServiceCollection AddLocalClickstream(this IServiceCollection services, string storageConnectionString)
    {
        var base64Queues = new QueueServiceClient(storageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        services.Replace(ServiceDescriptor.Singleton<Domain.Analytics.Clickstream.IClickstreamSink>(new LocalQueueClickstreamSink(base64Queues)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CaptureClickstreamLocally>(sp, base64Queues, new BlobServiceClient(storageConnectionString)));
        services.AddHostedService(sp => sp.GetRequiredService<CaptureClickstreamLocally>());
        return services;
    }
}
