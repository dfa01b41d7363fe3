using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// Keeps a product's <see cref="ProductRating"/> (on the product document) equal to what its approved reviews say.
/// </summary>
/// <remarks>
/// Recomputed whole, never by deltas: read the product, then read the approved ratings, then write the product under
/// the ETag read first. Two recomputes at once cannot leave a stale aggregate: whichever writes second fails its ETag
/// check (the first changed the product) and starts again, reading the ratings after the other's review change was
/// saved; and one that read the product after another's write also read the ratings after it. A recompute that finds
/// the aggregate already right writes nothing, so running it again (a retried approval, a redelivered message) is
/// harmless, and one that never ran (a crash after the review was saved) is healed by the next change of any review of
/// the product. Tests: ProductRatingTests (an approval landing between another recompute's read and write; 30 approvals at once), ReviewApiTests (on Cosmos DB, over HTTP).
/// </remarks>
public sealed class ProductRatings(IProductStore products, IReviewStore reviews)
{
    private const int MaximumAttempts = 12;

    public async Task<ProductRating?> RecomputeAsync(string productId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await products.FindByIdAsync(productId, ct) is not { } product) return null;
            var rating = ProductRating.Of(await reviews.ApprovedRatingsAsync(productId, ct));
            if (rating.Equals(product.Value.Rating)) return rating;
            try
            {
                await products.ReplaceAsync(product.Value with { Rating = rating }, product, ct);
                return rating;
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Product");
            }
        }
    }
}
