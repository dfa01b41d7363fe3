using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Shop.Domain.Storefront;

namespace Serverless.Shop.Infrastructure.Storefront;

/// <summary>
/// Sitemaps and robots.txt in the private blob container <see cref="ContainerName"/>; the storefront's functions serve
/// them at /sitemap.xml, /sitemaps/{name} and /robots.txt, behind the CDN.
/// </summary>
public sealed class BlobSitemapFiles(BlobServiceClient blobs, bool createContainerIfMissing) : ISitemapFiles
{
    public const string ContainerName = "storefront";
    private const string Prefix = "seo/";
    private BlobContainerClient Container => blobs.GetBlobContainerClient(ContainerName);
    private bool _containerReady = !createContainerIfMissing;

    public async Task WriteAsync(string name, string content, CancellationToken ct)
    {
        if (!_containerReady)
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: ct);
            _containerReady = true;
        }
        var contentType = name.EndsWith(".xml", StringComparison.Ordinal) ? "application/xml" : "text/plain";
        await Container.GetBlobClient(Prefix + name).UploadAsync(BinaryData.FromString(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType + "; charset=utf-8" } }, ct);
    }

    public async Task<string?> ReadAsync(string name, CancellationToken ct)
    {
        try
        {
            return (await Container.GetBlobClient(Prefix + name).DownloadContentAsync(ct)).Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        var names = new List<string>();
        try
        {
            await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Prefix, ct))
                names.Add(blob.Name[Prefix.Length..]);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing was published.
        }
        return names;
    }

    public Task DeleteAsync(string name, CancellationToken ct) =>
        Container.GetBlobClient(Prefix + name).DeleteIfExistsAsync(cancellationToken: ct);
}
