using System.Collections.Concurrent;
using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>Blob storage for product images, in memory: originals, renditions and direct uploads, with what was deleted.</summary>
internal sealed class InMemoryProductImageStorage : IProductImageStorage
{
    private readonly ConcurrentDictionary<(string Product, string Image), (byte[] Content, string ContentType)> _originals = new();
    private readonly ConcurrentDictionary<(string Product, string Image, string Rendition), byte[]> _renditions = new();
    private readonly ConcurrentDictionary<(string Product, string Image), (byte[] Content, long Length, string? ContentType)> _uploads = new();
    private readonly ConcurrentQueue<(string Product, string Image)> _deletedImages = new();
    private readonly ConcurrentQueue<(string Product, string Image)> _deletedUploads = new();
    private readonly ConcurrentQueue<string> _allDeletedFor = new();

    public int RenditionWrites;

    public IReadOnlyCollection<(string Product, string Image)> Originals => _originals.Keys.ToList();
    public byte[] OriginalOf(string productId, string imageId) => _originals[(productId, imageId)].Content;
    public IReadOnlyCollection<(string Product, string Image, string Rendition)> Renditions => _renditions.Keys.ToList();
    public IReadOnlyCollection<(string Product, string Image)> DeletedImages => _deletedImages.ToList();
    public IReadOnlyCollection<(string Product, string Image)> DeletedUploads => _deletedUploads.ToList();
    public IReadOnlyCollection<string> AllDeletedFor => _allDeletedFor.ToList();
    public IReadOnlyCollection<(string Product, string Image)> PendingUploads => _uploads.Keys.ToList();

    /// <summary>A file as a browser would have PUT it to an upload URL; <paramref name="length"/> is what storage reports.</summary>
    public void Uploaded(string productId, string imageId, byte[] content, long? length = null, string? contentType = null) =>
        _uploads[(productId, imageId)] = (content, length ?? content.Length, contentType);

    public async Task<string> SaveOriginalAsync(string productId, string imageId, Stream content, string contentType, CancellationToken ct)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, ct);
        _originals[(productId, imageId)] = (copy.ToArray(), contentType);
        return $"https://cdn.test/{productId}/{imageId}/original";
    }

    public Task<Uri> CreateUploadUrlAsync(string productId, string imageId, string contentType, DateTimeOffset expiresAt, CancellationToken ct) =>
        Task.FromResult(new Uri($"https://uploads.test/{productId}/{imageId}?expires={expiresAt.ToUnixTimeSeconds()}"));

    public Task<UploadedFile?> OpenUploadAsync(string productId, string imageId, CancellationToken ct) =>
        Task.FromResult(_uploads.TryGetValue((productId, imageId), out var u)
            ? new UploadedFile(new MemoryStream(u.Content, writable: false), u.Length, u.ContentType)
            : null);

    public Task DeleteUploadAsync(string productId, string imageId, CancellationToken ct)
    {
        _uploads.TryRemove((productId, imageId), out _);
        _deletedUploads.Enqueue((productId, imageId));
        return Task.CompletedTask;
    }

    public DateTimeOffset? LastCleanupCutoff { get; private set; }

    public Task<int> DeleteUploadsOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        LastCleanupCutoff = cutoff;
        return Task.FromResult(0);
    }

    public Task<Stream> OpenOriginalAsync(string productId, string imageId, CancellationToken ct) =>
        Task.FromResult<Stream>(new MemoryStream(_originals[(productId, imageId)].Content, writable: false));

    public Task<string> SaveRenditionAsync(string productId, string imageId, string renditionName, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct)
    {
        Interlocked.Increment(ref RenditionWrites);
        _renditions[(productId, imageId, renditionName)] = content.ToArray();
        return Task.FromResult($"https://cdn.test/{productId}/{imageId}/{renditionName}");
    }

    public Task DeleteImageAsync(string productId, string imageId, CancellationToken ct)
    {
        _originals.TryRemove((productId, imageId), out _);
        foreach (var key in _renditions.Keys.Where(k => k.Product == productId && k.Image == imageId)) _renditions.TryRemove(key, out _);
        _deletedImages.Enqueue((productId, imageId));
        return Task.CompletedTask;
    }

    public Task DeleteAllAsync(string productId, CancellationToken ct)
    {
        foreach (var key in _originals.Keys.Where(k => k.Product == productId)) _originals.TryRemove(key, out _);
        _allDeletedFor.Enqueue(productId);
        return Task.CompletedTask;
    }
}
