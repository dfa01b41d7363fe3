using System.Runtime.CompilerServices;
using Avro;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>
/// The raw events in the data lake's <c>analytics-raw</c> container, as capture files
/// (<see cref="EventHubsCaptureFormat"/>): Event Hubs Capture writes them in Azure, the local capture on Azurite. Every
/// namespace, hub and partition under the container is read. A file's <see cref="CapturedFile.WrittenAt"/> is when the
/// storage service created the blob (one clock for every writer); the window time in its name only prunes the listing,
/// with a margin for Capture's window (at most 15 minutes) and its delay. A record whose body is not a clickstream batch
/// (another producer on the hub, a damaged body) and a file that is not Avro are logged and skipped, never fatal.
/// Tests: ClickstreamArchiveTests.
/// </summary>
public sealed class BlobClickstreamArchive(BlobContainerClient container, ILogger<BlobClickstreamArchive> logger) : IClickstreamArchive
{
    public const string ContainerName = "analytics-raw";

    /// <summary>How much later than its window's start a capture file may be created: Capture's longest window (15 min) and then some.</summary>
    private static readonly TimeSpan CaptureDelayMargin = TimeSpan.FromHours(1);

    public async IAsyncEnumerable<CapturedFile> ListAsync(DateTimeOffset writtenAfter, [EnumeratorCancellation] CancellationToken ct)
    {
        // Before the first capture file there may be no container yet (Azurite starts empty): nothing was written.
        if (!await container.ExistsAsync(ct)) yield break;
        var files = new List<CapturedFile>();
        var notBefore = writtenAfter - DateTimeOffset.MinValue > CaptureDelayMargin ? writtenAfter - CaptureDelayMargin : DateTimeOffset.MinValue;
        await foreach (var blob in CaptureBlobsAsync(notBefore, ct))
            if (WrittenAt(blob) > writtenAfter) files.Add(new CapturedFile(blob.Name, WrittenAt(blob)));
        foreach (var file in files.OrderBy(f => f.WrittenAt).ThenBy(f => f.Name, StringComparer.Ordinal))
            yield return file;
    }

    public async Task<IReadOnlyList<ClickstreamEvent>> ReadAsync(CapturedFile file, CancellationToken ct)
    {
        IReadOnlyList<CaptureRecord> records;
        try
        {
            var content = await container.GetBlobClient(file.Name).DownloadContentAsync(ct);
            using var stream = content.Value.Content.ToStream();
            records = EventHubsCaptureFormat.Read(stream);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            logger.LogWarning("Capture file {File} is gone (expired since it was listed); nothing read from it.", file.Name);
            return [];
        }
        catch (Exception e) when (e is AvroException or IOException or InvalidCastException)
        {
            logger.LogError(e, "Capture file {File} is not an Avro capture file; skipped.", file.Name);
            return [];
        }

        var events = new List<ClickstreamEvent>();
        foreach (var record in records)
        {
            if (record.Properties.TryGetValue(ClickstreamCaptureBody.SchemaProperty, out var schema) && schema is string name && name != ClickstreamCaptureBody.SchemaName)
            {
                logger.LogWarning("Capture file {File}, sequence number {Sequence}: a {Schema} event, not clickstream; skipped.", file.Name, record.SequenceNumber, name);
                continue;
            }
            try
            {
                events.AddRange(ClickstreamCaptureBody.Deserialize(record.Body ?? []));
            }
            catch (InvalidDataException e)
            {
                logger.LogWarning("Capture file {File}, sequence number {Sequence}: the body is not a clickstream batch ({Reason}); skipped.", file.Name, record.SequenceNumber, e.Message);
            }
        }
        return events;
    }

    public async Task<int> DeleteWrittenBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var deleted = 0;
        if (!await container.ExistsAsync(ct)) return deleted;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions(), ct))
        {
            if (WrittenAt(blob) >= cutoff) continue;
            if ((await container.DeleteBlobIfExistsAsync(blob.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct)).Value) deleted++;
        }
        return deleted;
    }

    private static DateTimeOffset WrittenAt(BlobItem blob) => blob.Properties.CreatedOn ?? blob.Properties.LastModified ?? DateTimeOffset.MinValue;

    /// <summary>
    /// The capture files whose window may hold events written after <paramref name="notBefore"/>: walks
    /// namespace / hub / partition / year / month / day, leaving out the years, months and days that ended before it,
    /// so a long history is not listed whole every time.
    /// </summary>
    private async IAsyncEnumerable<BlobItem> CaptureBlobsAsync(DateTimeOffset notBefore, [EnumeratorCancellation] CancellationToken ct)
    {
        var partitions = new List<string>();
        await foreach (var ns in FoldersAsync("", ct))
            await foreach (var hub in FoldersAsync(ns, ct))
                await foreach (var partition in FoldersAsync(hub, ct))
                    partitions.Add(partition);

        foreach (var partition in partitions)
            await foreach (var year in FoldersAsync(partition, ct))
            {
                if (!int.TryParse(Last(year), out var y) || y < 1 || y > 9998 || y < notBefore.Year) continue;
                await foreach (var month in FoldersAsync(year, ct))
                {
                    if (!int.TryParse(Last(month), out var m) || m is < 1 or > 12 || new DateTime(y, m, 1).AddMonths(1) <= notBefore.UtcDateTime) continue;
                    await foreach (var day in FoldersAsync(month, ct))
                    {
                        if (!int.TryParse(Last(day), out var d) || d < 1 || d > DateTime.DaysInMonth(y, m) || new DateTime(y, m, d).AddDays(1) <= notBefore.UtcDateTime) continue;
                        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = day }, ct))
                            if (EventHubsCaptureFormat.WindowStart(blob.Name) is not null) yield return blob;
                    }
                }
            }
    }

    private async IAsyncEnumerable<string> FoldersAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = prefix }, ct))
            if (item.IsPrefix) yield return item.Prefix;
    }

    private static string Last(string folder) => folder.TrimEnd('/').Split('/')[^1];
}
