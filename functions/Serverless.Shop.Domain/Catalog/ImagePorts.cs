namespace Serverless.Shop.Domain.Catalog;

/// <summary>Where product images are kept: originals and renditions publicly readable (behind the CDN), uploads private.</summary>
public interface IProductImageStorage
{
    /// <returns>The public URL of the stored original.</returns>
    Task<string> SaveOriginalAsync(string productId, string imageId, Stream content, string contentType, CancellationToken ct);

    /// <summary>A short-lived URL a browser can PUT the file to, straight into storage, without passing through the API.</summary>
    Task<Uri> CreateUploadUrlAsync(string productId, string imageId, string contentType, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Moves an upload that came through <see cref="CreateUploadUrlAsync"/> into the originals. Null when nothing was uploaded.</summary>
    Task<UploadedFile?> OpenUploadAsync(string productId, string imageId, CancellationToken ct);
    Task DeleteUploadAsync(string productId, string imageId, CancellationToken ct);

    /// <summary>Removes uploads nobody completed (last written before <paramref name="cutoff"/>). Returns how many.</summary>
    Task<int> DeleteUploadsOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct);

    Task<Stream> OpenOriginalAsync(string productId, string imageId, CancellationToken ct);

    /// <returns>The public URL of the rendition.</returns>
    Task<string> SaveRenditionAsync(string productId, string imageId, string renditionName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct);

    Task DeleteImageAsync(string productId, string imageId, CancellationToken ct);
    Task DeleteAllAsync(string productId, CancellationToken ct);
}

public sealed record UploadedFile(Stream Content, long Length, string? ContentType) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>Reads and renders images. The real one decodes the bytes; a file that only claims to be an image is caught here.</summary>
public interface IImageProcessor
{
    /// <summary>The detected format and size, or null when the bytes are not an image the shop accepts.</summary>
    Task<ImageFacts?> IdentifyAsync(Stream content, CancellationToken ct);

    /// <summary>
    /// The image as it will be stored and published: in its own format, turned upright, with no metadata that says
    /// who, where or with what it was taken (EXIF with GPS, XMP, IPTC, comments and text chunks).
    /// </summary>
    /// <param name="content">An image <see cref="IdentifyAsync"/> accepted, at its start.</param>
    Task<Stream> WithoutMetadataAsync(Stream content, CancellationToken ct);

    /// <summary>Web-ready renditions (WebP) of the original, at the widths the storefront uses.</summary>
    Task<IReadOnlyList<RenderedImage>> RenderAsync(Stream original, CancellationToken ct);
}

public sealed record ImageFacts(string ContentType, int Width, int Height);

public sealed record RenderedImage(string Name, int Width, int Height, string ContentType, ReadOnlyMemory<byte> Content);
