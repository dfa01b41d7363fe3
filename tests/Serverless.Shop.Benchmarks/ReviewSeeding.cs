using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Reviews;

namespace Serverless.Shop.Benchmarks;

/// <summary>
/// Approved reviews for the rating and review-listing scenarios, written through the app's own review store (sealing each
/// author's display name with a new data key, as a real review does) and followed by the rating recompute. The scenarios
/// only read, so how the reviews got there does not change what is measured.
/// </summary>
public static class ReviewSeeding
{
    public const int Products = 20;
    public const int ReviewsPerProduct = 25;
    public const int PageSize = 10;
    public static readonly string[] Sorts = ["newest", "helpful", "rating-desc"];

    public static async Task<IReadOnlyList<string>> SeedAsync(IServiceProvider services, BenchmarkCatalog catalog, CancellationToken ct)
    {
        var store = services.GetRequiredService<IReviewStore>();
        var ratings = services.GetRequiredService<ProductRatings>();
        var now = DateTimeOffset.UtcNow;
        var productIds = catalog.Products.Take(Products).Select(p => p.Id).ToList();
        // Fixed ratings and votes (from the review's number), so every run seeds the same reviews.
        foreach (var productId in productIds)
        {
            await Parallel.ForEachAsync(Enumerable.Range(1, ReviewsPerProduct), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (n, token) =>
            {
                var customerId = $"bench-customer-{n}";
                var review = new Review(Review.IdFor(productId, Serverless.Shop.Domain.Privacy.DataOwner.Customer(customerId)), productId, customerId, null, $"SS-BENCH-{n:0000}",
                    $"Reviewer {n}", (n * 7 + productId.Length) % 5 + 1, "Benchmark review", "A review written for the benchmark, long enough to be typical of a real one.",
                    ReviewStatus.Approved, [], null, "benchmark", now, null, n * 3 % 40, [], 1, now.AddMinutes(-n), now.AddMinutes(-n));
                await store.CreateAsync(review, token);
            });
            await ratings.RecomputeAsync(productId, ct);
        }
        return productIds;
    }
}
