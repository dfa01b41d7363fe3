using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// The reviews' share of a customer's data: the "reviews" section of their export and of support's overview of them
/// (<c>GET /api/customers/{id}</c>, every review with its status), and what erasure does to them.
/// Erasure removes the customer's reviews and recomputes the rating of each product they had reviewed: a review's
/// text is the author's own words (it may tell about them), and a review nobody can edit or stand behind any more
/// should not keep moving a product's rating (its photos' files go too). A guest order's erasure has no clean-up hook: its reviews stay, their
/// display name reading as erased once the order's key is gone. Tests: ReviewPersonalDataTests.
/// </summary>
public sealed class ReviewPersonalData(IReviewStore reviews, ProductRatings ratings, ReviewPhotos photos) : IPersonalDataExportSection, IPersonalDataCleanup, ICustomerOverviewSection
{
    public string Name => "reviews";

    public Task<object?> ReadAsync(string customerId, CancellationToken ct) => ExportAsync(customerId, ct);

    public async Task<object?> ExportAsync(string customerId, CancellationToken ct)
    {
        var mine = await reviews.ListByAuthorAsync(DataOwner.Customer(customerId).ToString(), ct);
        return mine.Count == 0 ? null : mine.Select(ReviewDetails.Of).ToList();
    }

    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        var mine = await reviews.ListByAuthorAsync(DataOwner.Customer(customerId).ToString(), ct);
        foreach (var review in mine)
        {
            await reviews.DeleteAsync(review.ProductId, review.Id, ct);
            await photos.DeleteFilesAsync(review, ct);
        }
        foreach (var productId in mine.Where(r => r.Status == ReviewStatus.Approved).Select(r => r.ProductId).Distinct(StringComparer.Ordinal))
            await ratings.RecomputeAsync(productId, ct);
    }
}
