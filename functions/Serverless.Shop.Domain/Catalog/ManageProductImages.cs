using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>A request to render an image's web-ready versions, handled by the image-processing queue function.</summary>
public sealed record ProcessImageMessage(string ProductId, string ImageId);

public sealed record ImageUploadTicket(string ImageId, Uri UploadUrl, DateTimeOffset ExpiresAt, string ContentType, long MaximumBytes);

/// <summary>Adding, processing and removing product images.</summary>
public sealed class ManageProductImages(IProductStore products, IProductImageStorage storage, IImageProcessor processor, IWorkQueue queue, TimeProvider clock)
{
    public const long MaximumBytes = 10 * 1024 * 1024;
    public const int MaximumImagesPerProduct = 20;
    public static readonly IReadOnlySet<string> AllowedContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "image/jpeg", "image/png", "image/webp", "image/gif" };
    public static readonly TimeSpan UploadUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Takes an image sent through the API. The bytes are checked to be an image of the type they claim.</summary>
    public async Task<ProductImage> UploadAsync(string productId, Stream content, string? contentType, long? length, string? altText, CancellationToken ct)
    {
        CheckDeclared(contentType, length, altText);
        await RequireProductWithRoomAsync(productId, ct);

        using var buffer = await ReadBoundedAsync(content, ct);
        await CheckIsRealImageAsync(buffer, contentType!, ct);
        return await AddAsync(productId, Ids.New("img"), buffer, contentType!.ToLowerInvariant(), altText, ct);
    }

    /// <summary>Gives a short-lived URL for uploading straight to storage; <see cref="CompleteUploadAsync"/> then checks and adds the file.</summary>
    public async Task<ImageUploadTicket> CreateUploadTicketAsync(string productId, string? contentType, CancellationToken ct)
    {
        CheckDeclared(contentType, null, null);
        await RequireProductWithRoomAsync(productId, ct);
        var imageId = Ids.New("img");
        var expiresAt = clock.GetUtcNow().Add(UploadUrlLifetime);
        var url = await storage.CreateUploadUrlAsync(productId, imageId, contentType!, expiresAt, ct);
        return new ImageUploadTicket(imageId, url, expiresAt, contentType!.ToLowerInvariant(), MaximumBytes);
    }

    public async Task<ProductImage> CompleteUploadAsync(string productId, string imageId, string? altText, CancellationToken ct)
    {
        if (!Ids.IsWellFormed(imageId)) throw new ResourceNotFoundException("Upload", imageId);
        CheckDeclared("image/png", null, altText);
        await RequireProductWithRoomAsync(productId, ct);
        await using var upload = await storage.OpenUploadAsync(productId, imageId, ct) ?? throw new ResourceNotFoundException("Upload", imageId);
        if (upload.Length > MaximumBytes)
        {
            await storage.DeleteUploadAsync(productId, imageId, ct);
            throw new InputTooLargeException($"An image may be at most {MaximumBytes / (1024 * 1024)} MB.");
        }
        using var buffer = await ReadBoundedAsync(upload.Content, ct);
        var facts = await processor.IdentifyAsync(buffer, ct);
        if (facts is null)
        {
            await storage.DeleteUploadAsync(productId, imageId, ct);
            throw ValidationFailedException.For("file", "is not a JPEG, PNG, WebP or GIF image.");
        }
        var image = await AddAsync(productId, imageId, buffer, facts.ContentType, altText, ct);
        await storage.DeleteUploadAsync(productId, imageId, ct);
        return image;
    }

    /// <summary>Renders the web-ready versions. Safe to run twice for the same message: renditions are overwritten, not added.</summary>
    public async Task ProcessAsync(ProcessImageMessage message, CancellationToken ct)
    {
        var product = await products.FindByIdAsync(message.ProductId, ct);
        var image = product?.Value.Images.FirstOrDefault(i => i.Id == message.ImageId);
        // The message is sent only once the image is on the product, so a missing image was deleted meanwhile;
        // a Ready one was done by an earlier delivery of the same message.
        if (image is null || image.Status == ImageStatus.Ready) return;

        IReadOnlyList<RenderedImage> rendered;
        await using (var original = await storage.OpenOriginalAsync(message.ProductId, message.ImageId, ct))
            rendered = await processor.RenderAsync(original, ct);

        var renditions = new List<ImageRendition>();
        foreach (var r in rendered)
        {
            var url = await storage.SaveRenditionAsync(message.ProductId, message.ImageId, r.Name, r.Content, r.ContentType, ct);
            renditions.Add(new ImageRendition(r.Name, r.Width, r.Height, r.ContentType, url));
        }
        var stillThere = await ChangeImageAsync(message.ProductId, message.ImageId, i => i with { Status = ImageStatus.Ready, Renditions = renditions }, ct);
        // Deleted while it was being rendered: the delete removed the files it knew of; these were written after.
        if (!stillThere) await storage.DeleteImageAsync(message.ProductId, message.ImageId, ct);
    }

    /// <summary>
    /// Removes files uploaded through an upload URL but never completed (the browser went away). An upload URL lives
    /// <see cref="UploadUrlLifetime"/>; anything older than twice that can no longer be completed honestly.
    /// </summary>
    public Task<int> DeleteAbandonedUploadsAsync(CancellationToken ct) =>
        storage.DeleteUploadsOlderThanAsync(clock.GetUtcNow() - 2 * UploadUrlLifetime, ct);

    public async Task DeleteAsync(string productId, string imageId, CancellationToken ct)
    {
        var found = false;
        await UpdateProductAsync(productId, p =>
        {
            found = p.Images.Any(i => i.Id == imageId);
            return RemoveImage(p, imageId);
        }, ct);
        if (!found) throw new ResourceNotFoundException("Image", imageId);
        await storage.DeleteImageAsync(productId, imageId, ct);
    }

    /// <summary>
    /// The pipeline for an image shown with the product but owned by something else (a review's photo): the same checks
    /// (declared type, size, decoded to be the image it claims), metadata removal and storage as a product image, under
    /// the product's folder, so deleting the product deletes it too. Its renditions are made here, before the answer,
    /// because its owner (not the product) records it: nothing is left "processing". A failure removes what was written.
    /// </summary>
    public async Task<ProductImage> PublishAttachedImageAsync(string productId, string imageId, Stream content, string? contentType, long? length, CancellationToken ct)
    {
        CheckDeclared(contentType, length, null);
        using var buffer = await ReadBoundedAsync(content, ct);
        await CheckIsRealImageAsync(buffer, contentType!, ct);
        buffer.Position = 0;
        var type = contentType!.ToLowerInvariant();
        try
        {
            string url;
            await using (var published = await processor.WithoutMetadataAsync(buffer, ct))
                url = await storage.SaveOriginalAsync(productId, imageId, published, type, ct);
            IReadOnlyList<RenderedImage> rendered;
            await using (var original = await storage.OpenOriginalAsync(productId, imageId, ct))
                rendered = await processor.RenderAsync(original, ct);
            var renditions = new List<ImageRendition>();
            foreach (var r in rendered)
                renditions.Add(new ImageRendition(r.Name, r.Width, r.Height, r.ContentType,
                    await storage.SaveRenditionAsync(productId, imageId, r.Name, r.Content, r.ContentType, ct)));
            return new ProductImage(imageId, type, null, ImageStatus.Ready, url, renditions);
        }
        catch
        {
            await storage.DeleteImageAsync(productId, imageId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Removes an image <see cref="PublishAttachedImageAsync"/> stored, with its renditions.</summary>
    public Task DeleteAttachedImageAsync(string productId, string imageId, CancellationToken ct) => storage.DeleteImageAsync(productId, imageId, ct);

    // Order matters: the blob, then the image on the product, then the processing message. The message is sent only
    // when there is an image for it to find; if sending fails, the image and the blob are taken away again, so a
    // failure at any step leaves nothing half-added and nothing stuck in "processing".
    private async Task<ProductImage> AddAsync(string productId, string imageId, Stream content, string contentType, string? altText, CancellationToken ct)
    {
        content.Position = 0;
        // The original is public: what a camera or an editor wrote into it (a GPS position, an owner's name) is removed
        // on every path in (direct upload and upload URL both come here). Test: ProductImageMetadataTests.
        await using var published = await processor.WithoutMetadataAsync(content, ct);
        var url = await storage.SaveOriginalAsync(productId, imageId, published, contentType, ct);
        var image = new ProductImage(imageId, contentType, altText, ImageStatus.Processing, url, []);
        var added = false;
        try
        {
            await UpdateProductAsync(productId, p =>
            {
                if (p.Images.Count >= MaximumImagesPerProduct) throw TooManyImages();
                return p with { Images = [.. p.Images, image] };
            }, ct);
            added = true;
            await queue.EnqueueAsync(WorkQueues.ImageProcessing, new ProcessImageMessage(productId, imageId), ct);
        }
        catch
        {
            if (added) await UpdateProductAsync(productId, p => RemoveImage(p, imageId), CancellationToken.None);
            await storage.DeleteImageAsync(productId, imageId, CancellationToken.None);
            throw;
        }
        return image;
    }

    private static Product? RemoveImage(Product p, string imageId) =>
        p.Images.Any(i => i.Id == imageId) ? p with { Images = p.Images.Where(i => i.Id != imageId).ToList() } : null;

    /// <returns>False when the image (or its product) is gone.</returns>
    private async Task<bool> ChangeImageAsync(string productId, string imageId, Func<ProductImage, ProductImage> change, CancellationToken ct)
    {
        var found = false;
        try
        {
            await UpdateProductAsync(productId, p =>
            {
                found = p.Images.Any(i => i.Id == imageId);
                return found ? p with { Images = p.Images.Select(i => i.Id == imageId ? change(i) : i).ToList() } : null;
            }, ct);
        }
        catch (ResourceNotFoundException)
        {
            return false;
        }
        return found;
    }

    // A folder of photos uploads in parallel while their processing (a queue function, up to 12 messages at once per
    // instance) writes the same product: enough attempts that all of them get through (ProductImageApiTests).
    private const int MaximumAttempts = 16;

    /// <summary>
    /// Read, change, write with the ETag; on a concurrent change wait a random moment and read again, as stock
    /// adjustments do. <paramref name="change"/> returns null for "nothing to do".
    /// </summary>
    private async Task UpdateProductAsync(string productId, Func<Product, Product?> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await products.FindByIdAsync(productId, ct) ?? throw new ResourceNotFoundException("Product", productId);
            var changed = change(current.Value);
            if (changed is null) return;
            try
            {
                await products.ReplaceAsync(changed with { UpdatedAt = clock.GetUtcNow() }, current, ct);
                return;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                // The client sent no If-Match, so a 412 would be wrong: it is contention, and a retry will do.
                throw new BusyResourceException("Product");
            }
        }
    }

    private async Task RequireProductWithRoomAsync(string productId, CancellationToken ct)
    {
        var product = await products.FindByIdAsync(productId, ct) ?? throw new ResourceNotFoundException("Product", productId);
        if (product.Value.Images.Count >= MaximumImagesPerProduct) throw TooManyImages();
    }

    private static BusinessRuleViolationException TooManyImages() =>
        new($"A product may have at most {MaximumImagesPerProduct} images; delete one first.");

    private static void CheckDeclared(string? contentType, long? length, string? altText)
    {
        if (length > MaximumBytes) throw new InputTooLargeException($"An image may be at most {MaximumBytes / (1024 * 1024)} MB.");
        if (contentType is null || !AllowedContentTypes.Contains(contentType))
            throw new UnsupportedContentException("Send a JPEG, PNG, WebP or GIF image with its Content-Type (image/jpeg, image/png, image/webp or image/gif).");
        var v = new Validator();
        v.MaxLength(altText, 300, "altText");
        v.ThrowIfInvalid();
    }

    private async Task CheckIsRealImageAsync(Stream content, string declaredType, CancellationToken ct)
    {
        var facts = await processor.IdentifyAsync(content, ct);
        if (facts is null || !string.Equals(facts.ContentType, declaredType, StringComparison.OrdinalIgnoreCase))
            throw ValidationFailedException.For("file", $"is not a valid {declaredType} image" + (facts is null ? "." : $"; it is {facts.ContentType}."));
    }

    // Reads at most MaximumBytes + 1, so a client that lies about Content-Length (or sends none) still gets a 413.
    private static async Task<MemoryStream> ReadBoundedAsync(Stream content, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaximumBytes)
            {
                await buffer.DisposeAsync();
                throw new InputTooLargeException($"An image may be at most {MaximumBytes / (1024 * 1024)} MB.");
            }
        }
        buffer.Position = 0;
        return buffer;
    }
}
