using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Shop.Domain.Analytics.Reports;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>
/// Every rendered report in the media account's private container <c>reports</c>, as
/// <c>&lt;kind&gt;/&lt;period&gt;/&lt;file&gt;</c> (report.html, the chart PNGs, report.csv or report.xlsx). Rendering
/// the same period again replaces its files. Bicep creates the container in Azure; against Azurite it is created on
/// first use. Tests: BusinessReportDeliveryTests, ReportOnDemandApiTests.
/// </summary>
public sealed class BlobReportArchive(BlobServiceClient service, bool createContainerIfMissing) : IReportArchive
{
    public const string ContainerName = "reports";
    private readonly BlobContainerClient container = service.GetBlobContainerClient(ContainerName);
    private volatile bool containerExists = !createContainerIfMissing;

    public static string Prefix(ReportKind kind, string periodKey) => $"{kind.ToString().ToLowerInvariant()}/{periodKey}/";

    public async Task SaveAsync(ReportKind kind, string periodKey, RenderedReport report, CancellationToken ct)
    {
        if (!containerExists)
        {
            await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
            containerExists = true;
        }
        var prefix = Prefix(kind, periodKey);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in report.Files)
        {
            names.Add(prefix + file.Name);
            await container.GetBlobClient(prefix + file.Name).UploadAsync(new BinaryData(file.Content),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType } }, ct);
        }
        // A period rendered again in the other format keeps one attachment: the newest rendering's files alone.
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct))
            if (!names.Contains(blob.Name)) await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct);
    }

    public async Task<IReadOnlyList<ArchivedReport>> ListAsync(ReportKind kind, CancellationToken ct)
    {
        var byPeriod = new SortedDictionary<string, (List<string> Files, DateTimeOffset At)>(StringComparer.Ordinal);
        var prefix = kind.ToString().ToLowerInvariant() + "/";
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct))
            {
                var rest = blob.Name[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0) continue;
                var period = rest[..slash];
                var at = blob.Properties.LastModified ?? DateTimeOffset.MinValue;
                var entry = byPeriod.TryGetValue(period, out var e) ? e : ([], DateTimeOffset.MinValue);
                entry.Files.Add(rest[(slash + 1)..]);
                byPeriod[period] = (entry.Files, at > entry.At ? at : entry.At);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404) { } // nothing archived yet: no container
        return [.. byPeriod.Reverse().Select(p => new ArchivedReport(kind, p.Key, p.Value.Files, p.Value.At))];
    }
}
