using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Catalog;

/// <summary>The media storage account (docs/configuration.md, <c>Media:*</c>).</summary>
public sealed class MediaOptions
{
    /// <summary>Key-based connection (Azurite). Wins over <see cref="BlobServiceUri"/> when both are set.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Identity-based connection (Azure): <c>https://&lt;account&gt;.blob.core.windows.net</c>.</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary>Where browsers read <c>product-images</c>: the CDN endpoint in Azure, the container URL locally. Blob names are appended.</summary>
    public required string PublicBaseUrl { get; init; }
}

/// <summary>
/// Product images in Blob Storage. <c>product-images</c> is read publicly (through the CDN):
/// <c>{productId}/{imageId}/original.{ext}</c> and <c>{productId}/{imageId}/{rendition}.webp</c>.
/// <c>product-uploads</c> is private: browsers PUT to <c>{productId}/{imageId}</c> with a short-lived SAS.
/// </summary>
public sealed class BlobProductImageStorage : IProductImageStorage
{
    public const string ImagesContainerName = "product-images";
    public const string UploadsContainerName = "product-uploads";

    // An original is written once under a fresh image id and never changes, so it may be cached for good.
    public const string OriginalCacheControl = "public, max-age=31536000, immutable";

    // A rendition keeps its name when the image is processed again (say, after the encoder settings change), so it
    // cannot be immutable: a day bounds how long browsers and the CDN keep an old rendering (purge the CDN to hurry).
    // Versioned names would allow "immutable" but make every stored URL change on reprocessing; not worth it for
    // images that are re-rendered rarely and whose content stays the same picture.
    public const string RenditionCacheControl = "public, max-age=86400";

    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromHours(6);

    private readonly BlobServiceClient service;
    private readonly BlobContainerClient images;
    private readonly BlobContainerClient uploads;
    private readonly string publicBaseUrl;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim delegationKeyLock = new(1, 1);
    private UserDelegationKey? delegationKey;
    private volatile bool containersExist;

    /// <param name="createContainersIfMissing">
    /// True against Azurite, where nothing provisions the containers; false in Azure, where Bicep owns them (and their
    /// public access level, which the app's identity is not allowed to change).
    /// </param>
    public BlobProductImageStorage(BlobServiceClient service, MediaOptions options, TimeProvider clock, bool createContainersIfMissing)
    {
        this.service = service;
        this.clock = clock;
        images = service.GetBlobContainerClient(ImagesContainerName);
        uploads = service.GetBlobContainerClient(UploadsContainerName);
        publicBaseUrl = options.PublicBaseUrl.TrimEnd('/');
        containersExist = !createContainersIfMissing;
    }

    public async Task<string> SaveOriginalAsync(string productId, string imageId, Stream content, string contentType, CancellationToken ct)
    {
        await EnsureContainersAsync(ct);
        var name = $"{ImagePrefix(productId, imageId)}original.{ExtensionFor(contentType)}";
        await images.GetBlobClient(name).UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType.ToLowerInvariant(), CacheControl = OriginalCacheControl },
        }, ct);
        return PublicUrl(name);
    }

    public async Task<Uri> CreateUploadUrlAsync(string productId, string imageId, string contentType, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await EnsureContainersAsync(ct);
        var blob = uploads.GetBlobClient(UploadName(productId, imageId));
        // Create and write only: the holder can put this one blob, not read, list or delete anything. No start time,
        // so a clock slightly ahead of the storage service's does not make a fresh URL "not yet valid".
        // ContentType here is what storage answers when the blob is read with this SAS (rsct); it cannot restrict
        // what is uploaded, which is why the upload is identified from its bytes when it is completed.
        var sas = new BlobSasBuilder(BlobSasPermissions.Create | BlobSasPermissions.Write, expiresAt)
        {
            BlobContainerName = uploads.Name,
            BlobName = blob.Name,
            Resource = "b",
            ContentType = contentType,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };

        // Azurite: a shared key is at hand. Azure: no keys anywhere, so sign with a user delegation key obtained
        // with the managed identity (it needs the Storage Blob Delegator role, included in Data Contributor).
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(sas);

        var key = await GetDelegationKeyAsync(expiresAt, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
    }

    public async Task<UploadedFile?> OpenUploadAsync(string productId, string imageId, CancellationToken ct)
    {
        try
        {
            var download = await uploads.GetBlobClient(UploadName(productId, imageId)).DownloadStreamingAsync(cancellationToken: ct);
            return new UploadedFile(download.Value.Content, download.Value.Details.ContentLength, download.Value.Details.ContentType);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null; // nothing uploaded (or only uncommitted blocks), or the container is not there yet
        }
    }

    public async Task DeleteUploadAsync(string productId, string imageId, CancellationToken ct)
    {
        try
        {
            await uploads.GetBlobClient(UploadName(productId, imageId)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.Status == 404) { } // the container itself is missing: nothing to delete
    }

    public async Task<Stream> OpenOriginalAsync(string productId, string imageId, CancellationToken ct)
    {
        // The extension depends on the format, so the original is found by its prefix (one short listing).
        await foreach (var item in images.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{ImagePrefix(productId, imageId)}original." }, ct))
        {
            var download = await images.GetBlobClient(item.Name).DownloadStreamingAsync(cancellationToken: ct);
            return download.Value.Content;
        }
        throw new ResourceNotFoundException("Image", imageId);
    }

    public async Task<string> SaveRenditionAsync(string productId, string imageId, string renditionName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct)
    {
        if (!Ids.IsWellFormed(renditionName)) throw new ArgumentException($"'{renditionName}' is not a usable rendition name.", nameof(renditionName));
        await EnsureContainersAsync(ct);
        var name = $"{ImagePrefix(productId, imageId)}{renditionName}.{ExtensionFor(contentType)}";
        await images.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType.ToLowerInvariant(), CacheControl = RenditionCacheControl },
        }, ct);
        return PublicUrl(name);
    }

    public async Task DeleteImageAsync(string productId, string imageId, CancellationToken ct)
    {
        await DeleteUnderAsync(images, ImagePrefix(productId, imageId), ct);
        await DeleteUploadAsync(productId, imageId, ct);
    }

    public async Task DeleteAllAsync(string productId, CancellationToken ct)
    {
        // The trailing slash matters: "prod_1/" must not take "prod_12/" with it.
        var prefix = $"{Checked(productId)}/";
        await DeleteUnderAsync(images, prefix, ct);
        await DeleteUnderAsync(uploads, prefix, ct);
    }

    public async Task<int> DeleteUploadsOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var deleted = 0;
        try
        {
            await foreach (var item in uploads.GetBlobsAsync(cancellationToken: ct))
            {
                if (item.Properties.LastModified is { } modified && modified < cutoff
                    && (await uploads.GetBlobClient(item.Name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct)).Value)
                    deleted++;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.ContainerNotFound) { }
        return deleted;
    }

    /// <summary>Creates the two containers when they are missing. Called on first use when the storage is Azurite.</summary>
    public async Task EnsureContainersAsync(CancellationToken ct)
    {
        if (containersExist) return;
        // Public read of single blobs (not listing): the storefront needs the files, nobody needs the catalogue of them.
        await images.CreateIfNotExistsAsync(PublicAccessType.Blob, cancellationToken: ct);
        await uploads.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
        containersExist = true;
    }

    /// <summary>For the health check: lists at most one blob, which the app's identity may do.</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        await foreach (var _ in images.GetBlobsAsync(new GetBlobsOptions { Prefix = "health/" }, ct).AsPages(pageSizeHint: 1))
            break;
    }

    private static async Task DeleteUnderAsync(BlobContainerClient container, string prefix, CancellationToken ct)
    {
        try
        {
            var names = new List<string>();
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct)) names.Add(item.Name);
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (name, token) =>
                await container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: token));
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.ContainerNotFound) { }
    }

    private async Task<UserDelegationKey> GetDelegationKeyAsync(DateTimeOffset sasExpiresAt, CancellationToken ct)
    {
        // A SAS signed with a delegation key dies with the key, so a cached key is reused only if it outlives the SAS.
        await delegationKeyLock.WaitAsync(ct);
        try
        {
            if (delegationKey is null || delegationKey.SignedExpiresOn < sasExpiresAt.AddMinutes(1))
            {
                var now = clock.GetUtcNow();
                var expiresOn = Max(now.Add(DelegationKeyLifetime), sasExpiresAt.AddMinutes(5));
                delegationKey = (await service.GetUserDelegationKeyAsync(new BlobGetUserDelegationKeyOptions(expiresOn) { StartsOn = now.AddMinutes(-5) }, ct)).Value;
            }
            return delegationKey;
        }
        finally
        {
            delegationKeyLock.Release();
        }
    }

    private string PublicUrl(string blobName) => $"{publicBaseUrl}/{blobName}";

    private static string ImagePrefix(string productId, string imageId) => $"{Checked(productId)}/{Checked(imageId)}/";

    private static string UploadName(string productId, string imageId) => $"{Checked(productId)}/{Checked(imageId)}";

    // Ids become path segments of blob names and public URLs: only the characters the shop issues get that far.
    private static string Checked(string id) =>
        Ids.IsWellFormed(id) ? id : throw new ArgumentException($"'{id}' is not a well-formed id.", nameof(id));

    private static string ExtensionFor(string contentType) => contentType.ToLowerInvariant() switch
    {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        _ => throw new ArgumentException($"'{contentType}' is not an image type the shop stores.", nameof(contentType)),
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
