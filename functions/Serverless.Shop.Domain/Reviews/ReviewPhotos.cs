using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// A customer's photos on their review: up to <see cref="MaximumPhotos"/>, each through the product image pipeline
/// (<see cref="ManageProductImages.PublishAttachedImageAsync"/>: type and size checks, decoded to be a real image,
/// metadata such as a GPS position removed, renditions). A new or removed photo sends the review back to moderation.
/// The photo is stored first and recorded on the review second; if recording fails, the stored files are removed, so a
/// refused or failed upload leaves nothing. Tests: ReviewPhotoTests.
/// </summary>
public sealed class ReviewPhotos(IReviewStore reviews, ManageProductImages images, ProductRatings ratings, TimeProvider clock)
{
    public const int MaximumPhotos = 4;
    private const int MaximumAttempts = 8;

    public async Task<Versioned<ReviewDetails>> AddMineAsync(string productId, Actor customer, Stream content, string? contentType, long? length, CancellationToken ct)
    {
        var current = await MineAsync(productId, customer, ct);
        if (current.Value.Photos.Count >= MaximumPhotos) throw TooMany();
        var photo = await images.PublishAttachedImageAsync(productId, Ids.New("rph"), content, contentType, length, ct);
        try
        {
            return await ChangeAsync(productId, customer, r =>
            {
                if (r.Photos.Count >= MaximumPhotos) throw TooMany();
                return r with { Photos = [.. r.Photos, photo] };
            }, ct);
        }
        catch
        {
            await images.DeleteAttachedImageAsync(productId, photo.Id, CancellationToken.None);
            throw;
        }
    }

    public async Task<Versioned<ReviewDetails>> RemoveMineAsync(string productId, string photoId, Actor customer, CancellationToken ct)
    {
        var changed = await ChangeAsync(productId, customer, r => r.Photos.Any(p => p.Id == photoId)
            ? r with { Photos = [.. r.Photos.Where(p => p.Id != photoId)] }
            : throw new ResourceNotFoundException("Photo", photoId), ct);
        await images.DeleteAttachedImageAsync(productId, photoId, ct);
        return changed;
    }

    /// <summary>Removes the stored files of a review's photos (the review itself is being deleted).</summary>
    public async Task DeleteFilesAsync(Review review, CancellationToken ct)
    {
        foreach (var photo in review.Photos) await images.DeleteAttachedImageAsync(review.ProductId, photo.Id, ct);
    }

    private async Task<Versioned<Review>> MineAsync(string productId, Actor customer, CancellationToken ct) =>
        (Ids.IsWellFormed(productId) ? await reviews.FindAsync(productId, Review.IdFor(productId, DataOwner.Customer(customer.Id)), ct) : null)
        ?? throw new ResourceNotFoundException("Review", productId);

    private async Task<Versioned<ReviewDetails>> ChangeAsync(string productId, Actor customer, Func<Review, Review> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await MineAsync(productId, customer, ct);
            var now = clock.GetUtcNow();
            // Photos are moderated like the text: any change sends the review back to the queue.
            var changed = change(current.Value) with
            {
                Status = ReviewStatus.Pending, ModerationReason = null, ModeratedBy = null, ModeratedAt = null,
                Revision = current.Value.Revision + 1, UpdatedAt = now,
            };
            try
            {
                var version = await reviews.ReplaceAsync(changed, current.Version, ct);
                if (current.Value.Status == ReviewStatus.Approved) await ratings.RecomputeAsync(productId, ct);
                return new(ReviewDetails.Of(changed), version);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Review");
            }
        }
    }

    private static BusinessRuleViolationException TooMany() =>
        new($"A review may have at most {MaximumPhotos} photos; remove one first.", "photos");
}
