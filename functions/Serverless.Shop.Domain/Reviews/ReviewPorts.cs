using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>How a product's reviews are listed for shoppers.</summary>
public enum ReviewSort { Newest, MostHelpful, HighestRating, LowestRating }

/// <summary>
/// Where reviews live, by product. Reviews hold their author's display name in plain text here; the store seals it
/// with the author's data key on the way in and opens it on the way out (an erased author's reads as erased).
/// </summary>
public interface IReviewStore
{
    Task<Versioned<Review>?> FindAsync(string productId, string reviewId, CancellationToken ct);

    /// <summary>Throws <see cref="DuplicateResourceException"/> (field <c>review</c>) when the author already reviewed the product.</summary>
    Task<string> CreateAsync(Review review, CancellationToken ct);

    /// <summary>Throws <see cref="StaleVersionException"/> when the review changed since <paramref name="expectedVersion"/>.</summary>
    Task<string> ReplaceAsync(Review review, string expectedVersion, CancellationToken ct);

    Task DeleteAsync(string productId, string reviewId, CancellationToken ct);

    /// <summary>A product's approved reviews, one page, in <paramref name="sort"/> order.</summary>
    Task<Page<Review>> ListApprovedAsync(string productId, ReviewSort sort, PageRequest page, CancellationToken ct);

    /// <summary>The ratings of every approved review of the product (what its aggregate is computed from).</summary>
    Task<IReadOnlyList<int>> ApprovedRatingsAsync(string productId, CancellationToken ct);

    /// <summary>Reviews waiting for moderation, oldest change first, across all products.</summary>
    Task<Page<Review>> ListPendingAsync(PageRequest page, CancellationToken ct);

    /// <summary>Every review by one author (<see cref="Review.AuthorKey"/>), newest first.</summary>
    Task<IReadOnlyList<Review>> ListByAuthorAsync(string authorKey, CancellationToken ct);

    /// <summary>Whether the review invitation of this order was sent.</summary>
    Task<bool> WasInvitedAsync(string orderNumber, CancellationToken ct);

    /// <summary>Records that the review invitation of this order was sent (recording twice is harmless).</summary>
    Task RecordInvitationAsync(string orderNumber, DateTimeOffset sentAt, CancellationToken ct);
}

/// <summary>
/// The key review invitation links are signed with (HMAC-SHA256). In Azure a Key Vault secret; locally made by the
/// local host. Unresolved, <see cref="Key"/> throws <see cref="NotConfiguredException"/>: no link is made or accepted.
/// </summary>
public interface IReviewInvitationKey
{
    byte[] Key { get; }
}

/// <summary>Settings of the reviews capability (configuration section <c>Reviews</c>).</summary>
/// <param name="AutoApproveClean">The merchant's choice: a review the pre-screen finds nothing in is approved at once.</param>
/// <param name="InvitationDays">How long a review invitation link works after the delivery.</param>
/// <param name="InvitationBaseUrl">Where the links in invitation emails point; the token is appended.</param>
public sealed record ReviewSettings(bool AutoApproveClean, int InvitationDays, Uri? InvitationBaseUrl)
{
    public const int DefaultInvitationDays = 90;
}

/// <summary>The caller may not review this product (no delivered order of it), or may not act on this review.</summary>
public sealed class ReviewNotAllowedException(string detail) : ShopException("Not allowed.", detail);

/// <summary>A review invitation link that was altered, is not one the shop made, or has expired.</summary>
public sealed class InvalidInvitationException(string detail) : ShopException("Invalid review link.", detail);
