using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>Where a review stands. Shoppers see only <see cref="Approved"/> ones; new and edited reviews start <see cref="Pending"/>.</summary>
public enum ReviewStatus { Pending, Approved, Rejected }

/// <summary>
/// A product review by someone who received the product: one per author per product (the id is derived from both, so
/// the store's create-if-absent is the uniqueness check). The author is a signed-in customer or, through a signed
/// invitation link, a guest order. <see cref="DisplayName"/> is personal: the store seals it with the author's data key.
/// </summary>
/// <param name="AuthorCustomerId">The customer who wrote it; null for a guest.</param>
/// <param name="GuestOrderNumber">For a guest: the order whose invitation link was used (its data key seals the name).</param>
/// <param name="OrderNumber">The delivered order that makes the review a verified purchase.</param>
/// <param name="ScreeningFlags">What the automatic pre-screen found (links, profanity, spam patterns); empty when clean.</param>
/// <param name="ModerationReason">Why staff rejected it, shown to the author.</param>
/// <param name="HelpfulVoters">Hashes of who voted the review helpful, so a voter counts once (never shown).</param>
public sealed record Review(
    string Id,
    string ProductId,
    string? AuthorCustomerId,
    string? GuestOrderNumber,
    string OrderNumber,
    string DisplayName,
    int Rating,
    string Title,
    string Text,
    ReviewStatus Status,
    IReadOnlyList<string> ScreeningFlags,
    string? ModerationReason,
    string? ModeratedBy,
    DateTimeOffset? ModeratedAt,
    MerchantReply? Reply,
    int HelpfulVotes,
    IReadOnlyList<string> HelpfulVoters,
    int Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Up to <see cref="ReviewPhotos.MaximumPhotos"/> photos, through the product image pipeline (<see cref="ReviewPhotos"/>).</summary>
    public IReadOnlyList<Catalog.ProductImage> Photos { get; init; } = [];

    /// <summary>Whose data key seals the personal fields: the customer, or the guest order.</summary>
    public DataOwner Author() => AuthorCustomerId is { } c ? DataOwner.Customer(c) : DataOwner.GuestOrder(GuestOrderNumber!);

    /// <summary>"customer:&lt;id&gt;" or "guest-order:&lt;number&gt;": the key a customer's list of reviews is found by.</summary>
    public string AuthorKey() => Author().ToString();

    /// <summary>The review id of an author's review of a product: the same inputs always give the same id.</summary>
    public static string IdFor(string productId, DataOwner author) =>
        "rev_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(productId + "\n" + author)))[..32];
}

/// <summary>The merchant's public answer to a review.</summary>
public sealed record MerchantReply(string Text, string RepliedBy, DateTimeOffset RepliedAt);

/// <summary>A review as shoppers see it: no author identity beyond the display name, no moderation details.</summary>
public sealed record PublishedReview(
    string Id, string ProductId, string DisplayName, int Rating, string Title, string Text, bool VerifiedPurchase,
    int HelpfulVotes, PublishedReply? Reply, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public IReadOnlyList<Catalog.ProductImage> Photos { get; init; } = [];

    public static PublishedReview Of(Review r) =>
        new(r.Id, r.ProductId, r.DisplayName, r.Rating, r.Title, r.Text, true, r.HelpfulVotes,
            r.Reply is { } reply ? new PublishedReply(reply.Text, reply.RepliedAt) : null, r.CreatedAt, r.UpdatedAt) { Photos = r.Photos };
}

public sealed record PublishedReply(string Text, DateTimeOffset RepliedAt);

/// <summary>A review as its author and staff see it: its status, the pre-screen's flags and the moderator's reason.</summary>
public sealed record ReviewDetails(
    string Id, string ProductId, string OrderNumber, string AuthorKind, string DisplayName, int Rating, string Title, string Text,
    ReviewStatus Status, IReadOnlyList<string> ScreeningFlags, string? ModerationReason, DateTimeOffset? ModeratedAt,
    MerchantReply? Reply, int HelpfulVotes, int Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public IReadOnlyList<Catalog.ProductImage> Photos { get; init; } = [];

    public static ReviewDetails Of(Review r) =>
        new(r.Id, r.ProductId, r.OrderNumber, r.Author().Kind, r.DisplayName, r.Rating, r.Title, r.Text, r.Status, r.ScreeningFlags,
            r.ModerationReason, r.ModeratedAt, r.Reply, r.HelpfulVotes, r.Revision, r.CreatedAt, r.UpdatedAt) { Photos = r.Photos };
}
