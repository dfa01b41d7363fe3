using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// Staff moderation (merchandiser, support or admin): the queue of pending reviews, approving, rejecting with a reason
/// the author reads, and the merchant's public reply. Approving or rejecting a review that counts in the product's
/// rating, or that now does, recomputes the rating (<see cref="ProductRatings"/>). Deciding again what is already decided
/// changes nothing but still recomputes, so a retry after a failure heals the aggregate. Tests: ProductRatingTests, ReviewApiTests, ReviewBadInputTests.
/// </summary>
public sealed class ModerateReviews(IReviewStore reviews, ProductRatings ratings, TimeProvider clock)
{
    /// <summary>Who approved a clean review when the merchant chose auto-approval.</summary>
    public const string AutomaticModerator = "system:pre-screen";

    public static readonly string[] Moderators = [ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support];

    private const int MaximumAttempts = 8;

    public async Task<Page<ReviewDetails>> QueueAsync(string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, continuationToken, v);
        v.ThrowIfInvalid();
        var pending = await reviews.ListPendingAsync(page, ct);
        return new Page<ReviewDetails>([.. pending.Items.Select(ReviewDetails.Of)], pending.ContinuationToken);
    }

    public Task<Versioned<ReviewDetails>> ApproveAsync(string productId, string reviewId, ModerationInput input, Actor staff, CancellationToken ct)
    {
        var reason = ReviewRules.CheckReason(input, required: false);
        return DecideAsync(productId, reviewId, ReviewStatus.Approved, reason.Length == 0 ? null : reason, staff, ct);
    }

    public Task<Versioned<ReviewDetails>> RejectAsync(string productId, string reviewId, ModerationInput input, Actor staff, CancellationToken ct) =>
        DecideAsync(productId, reviewId, ReviewStatus.Rejected, ReviewRules.CheckReason(input, required: true), staff, ct);

    public Task<Versioned<ReviewDetails>> ReplyAsync(string productId, string reviewId, ReplyInput input, Actor staff, CancellationToken ct)
    {
        var text = ReviewRules.CheckReply(input);
        return ChangeAsync(productId, reviewId, r => r with { Reply = new MerchantReply(text, staff.Id, clock.GetUtcNow()) }, ct);
    }

    private async Task<Versioned<ReviewDetails>> DecideAsync(string productId, string reviewId, ReviewStatus status, string? reason, Actor staff, CancellationToken ct)
    {
        var countedBefore = false;
        var changed = await ChangeAsync(productId, reviewId, r =>
        {
            countedBefore = r.Status == ReviewStatus.Approved;
            return r with { Status = status, ModerationReason = reason, ModeratedBy = staff.Id, ModeratedAt = clock.GetUtcNow() };
        }, ct);
        if (countedBefore || status == ReviewStatus.Approved) await ratings.RecomputeAsync(productId, ct);
        return changed;
    }

    private async Task<Versioned<ReviewDetails>> ChangeAsync(string productId, string reviewId, Func<Review, Review> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = (Ids.IsWellFormed(productId) && Ids.IsWellFormed(reviewId) ? await reviews.FindAsync(productId, reviewId, ct) : null)
                ?? throw new ResourceNotFoundException("Review", reviewId);
            var changed = change(current.Value);
            try
            {
                var version = await reviews.ReplaceAsync(changed, current.Version, ct);
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
}
