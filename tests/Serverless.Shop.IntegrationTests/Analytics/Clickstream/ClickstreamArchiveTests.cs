using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Infrastructure.Analytics.Clickstream;
using Serverless.Shop.IntegrationTests.Adapters;
using Serverless.Shop.LocalHost.Analytics;

namespace Serverless.Shop.IntegrationTests.Analytics.Clickstream;

/// <summary>
/// The raw clickstream's round trip on Azurite: the local sink puts batches on the queue, the local capture writes them
/// as Event Hubs Capture files, and <see cref="BlobClickstreamArchive"/> lists, reads and expires those files. Each test
/// starts from an empty queue and container (the tests of one collection run one at a time).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ClickstreamArchiveTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly QueueServiceClient queues = new(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    private readonly BlobServiceClient blobs = new(azurite.ConnectionString);
    private readonly RecordingLogger<BlobClickstreamArchive> log = new();

    private BlobContainerClient Container => blobs.GetBlobContainerClient(BlobClickstreamArchive.ContainerName);

    private BlobClickstreamArchive Archive => new(Container, log);

    private CaptureClickstreamLocally Capture => new(queues, blobs, TimeProvider.System, NullLogger<CaptureClickstreamLocally>.Instance);

    public async Task InitializeAsync()
    {
        await Container.DeleteIfExistsAsync();
        await Container.CreateIfNotExistsAsync();
        var queue = queues.GetQueueClient(LocalQueueClickstreamSink.QueueName);
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Events_sent_to_the_local_queue_come_back_from_the_capture_files_field_for_field()
    {
        var sent = new[]
        {
            Event("s-round-trip-1", ClickstreamEventType.PageView) with { ReferrerHost = "search.example", UtmSource = "newsletter", UtmMedium = "email", UtmCampaign = "winter" },
            Event("s-round-trip-1", ClickstreamEventType.AddToCart) with { ProductId = "prod_1", Sku = "TSHIRT-M", Quantity = 2, PageType = "product" },
            Event("s-round-trip-2", ClickstreamEventType.PageTime) with { VisibleMs = 12_345 },
            Event("s-round-trip-2", ClickstreamEventType.Search) with { Query = "red shoes", PageType = "search" },
        };
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await new LocalQueueClickstreamSink(queues).SendAsync(sent, CancellationToken.None);

        var name = await Capture.CaptureNowAsync(CancellationToken.None);

        name.ShouldNotBeNull();
        name.ShouldMatch(@"^local/clickstream/0/\d{4}/\d{2}/\d{2}/\d{2}/\d{2}/\d{2}\.avro$");
        var files = await ListAsync(before);
        files.Select(f => f.Name).ShouldBe([name]);
        var read = await Archive.ReadAsync(files[0], CancellationToken.None);
        read.OrderBy(e => e.EventId).ShouldBe(sent.OrderBy(e => e.EventId));
        (await queues.GetQueueClient(LocalQueueClickstreamSink.QueueName).PeekMessagesAsync()).Value.ShouldBeEmpty("captured messages leave the queue");
    }

    [Fact]
    public async Task A_garbage_body_and_a_foreign_event_are_skipped_and_logged_and_the_rest_of_the_file_is_read()
    {
        var queue = queues.GetQueueClient(LocalQueueClickstreamSink.QueueName);
        await queue.SendMessageAsync(BinaryData.FromString("this is not JSON"));
        await queue.SendMessageAsync(BinaryData.FromString("""{"v":1,"events":[{"id":"x","type":"teleport"}]}"""));
        var good = Event("s-after-garbage", ClickstreamEventType.CheckoutStart);
        await new LocalQueueClickstreamSink(queues).SendAsync([good], CancellationToken.None);
        await Capture.CaptureNowAsync(CancellationToken.None);

        var files = await ListAsync(DateTimeOffset.UtcNow.AddMinutes(-1));
        var read = await Archive.ReadAsync(files.Single(), CancellationToken.None);

        read.ShouldBe([good]);
        log.Warnings.Count(w => w.Contains("not a clickstream batch", StringComparison.Ordinal)).ShouldBe(2, string.Join("\n", log.Warnings));
    }

    [Fact]
    public async Task A_file_that_is_not_avro_reads_as_no_events_and_is_logged()
    {
        var name = EventHubsCaptureFormat.BlobName("ns", "hub", "3", DateTimeOffset.UtcNow);
        await Container.UploadBlobAsync(name, BinaryData.FromString("PK not avro at all"));

        var files = await ListAsync(DateTimeOffset.UtcNow.AddMinutes(-1));
        files.Select(f => f.Name).ShouldBe([name]);
        (await Archive.ReadAsync(files[0], CancellationToken.None)).ShouldBeEmpty();
        log.Errors.ShouldContain(e => e.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Files_are_listed_in_the_order_written_and_only_those_written_after_the_time_asked()
    {
        var sink = new LocalQueueClickstreamSink(queues);
        var capture = Capture;
        await sink.SendAsync([Event("s-order-1", ClickstreamEventType.PageView)], CancellationToken.None);
        var first = await capture.CaptureNowAsync(CancellationToken.None);
        await Task.Delay(1100);
        await sink.SendAsync([Event("s-order-2", ClickstreamEventType.PageView)], CancellationToken.None);
        var second = await capture.CaptureNowAsync(CancellationToken.None);
        // A blob in the container that Capture did not name is not a capture file.
        await Container.UploadBlobAsync("notes/readme.txt", BinaryData.FromString("hello"));

        var all = await ListAsync(DateTimeOffset.UtcNow.AddMinutes(-1));
        all.Select(f => f.Name).ShouldBe([first!, second!]);
        var later = await ListAsync(all[0].WrittenAt);
        later.Select(f => f.Name).ShouldBe([second!]);
        (await ListAsync(all[1].WrittenAt)).ShouldBeEmpty();
        (await ListAsync(DateTimeOffset.MinValue)).Select(f => f.Name).ShouldBe([first!, second!], "from the beginning of time");
    }

    [Fact]
    public async Task The_retention_run_deletes_the_files_written_before_the_retention_period_and_keeps_the_rest()
    {
        await new LocalQueueClickstreamSink(queues).SendAsync([Event("s-expire", ClickstreamEventType.PageView)], CancellationToken.None);
        await Capture.CaptureNowAsync(CancellationToken.None);
        var archive = Archive;

        // Today the file is within 30 days: kept.
        (await new ExpireRawClickstream(archive, new RawClickstreamRetention(30), TimeProvider.System).RunAsync(CancellationToken.None)).ShouldBe(0);
        (await ListAsync(DateTimeOffset.UtcNow.AddMinutes(-1))).Count.ShouldBe(1);

        // 31 days on, it is past retention: deleted.
        var later = new FixedClock(DateTimeOffset.UtcNow.AddDays(31));
        (await new ExpireRawClickstream(archive, new RawClickstreamRetention(30), later).RunAsync(CancellationToken.None)).ShouldBe(1);
        (await ListAsync(DateTimeOffset.MinValue)).ShouldBeEmpty();
    }

    private async Task<List<CapturedFile>> ListAsync(DateTimeOffset writtenAfter)
    {
        var files = new List<CapturedFile>();
        await foreach (var file in Archive.ListAsync(writtenAfter, CancellationToken.None)) files.Add(file);
        return files;
    }

    private static ClickstreamEvent Event(string session, ClickstreamEventType type)
    {
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.UtcTicks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        return new ClickstreamEvent("e" + Guid.NewGuid().ToString("N"), type, session, at, at.AddMilliseconds(40), "/products/blue-shirt", "other",
            NetworkPrefix: "203.0.113.0/24");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>Keeps what an adapter logged, so a test can check that a skipped input was reported.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> entries = [];

    public IReadOnlyList<string> Warnings => Entries(LogLevel.Warning);
    public IReadOnlyList<string> Errors => Entries(LogLevel.Error);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (entries) entries.Add((logLevel, formatter(state, exception)));
    }

    private List<string> Entries(LogLevel level)
    {
        lock (entries) return entries.Where(e => e.Level == level).Select(e => e.Message).ToList();
    }
}
