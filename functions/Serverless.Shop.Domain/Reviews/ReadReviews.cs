using System.Security.Cryptography;
using System.Text;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>Who votes: a signed-in customer, or an anonymous shopper's voter token (a random value the storefront keeps in a cookie).</summary>
public sealed record HelpfulVoteResult(string ReviewId, int HelpfulVotes, bool Counted);

/// <summary>
/// What shoppers do with reviews: read a product's approved ones, a page at a time, and vote one helpful. A vote
/// counts once per voter: a signed-in customer by their id, anyone else by their voter token (the <c>Voter-Token</c>
/// header, 16 to 128 characters the storefront generates once and keeps in a cookie). A token is cheap to make anew,
/// so anonymous votes resist double clicks and retries, not a determined cheat; docs/reviews.md says so.
/// Tests: ReviewApiTests (listing, sorting, paging, votes over HTTP), HelpfulVoteTests.
/// </summary>
public sealed class ReadReviews(IReviewStore reviews)
{
    /// <summary>Past this many voters the review's voter list is full: further votes are not counted (the document stays small).</summary>
    public const int MaximumVoters = 5000;

    private const int MaximumAttempts = 8;

    public async Task<Page<PublishedReview>> ListAsync(string productId, string? sort, string? pageSize, string? continuationToken, CancellationToken ct)
    {
        var v = new Validator();
        var order = sort switch
        {
            null or "" or "newest" => ReviewSort.Newest,
            "helpful" => ReviewSort.MostHelpful,
            "rating-desc" => ReviewSort.HighestRating,
            "rating-asc" => ReviewSort.LowestRating,
            _ => (ReviewSort?)null,
        };
        v.Check(order is not null, "sort", "must be newest, helpful, rating-desc or rating-asc.");
        var page = PageRequest.Parse(pageSize, continuationToken, v);
        v.ThrowIfInvalid();
        if (!Ids.IsWellFormed(productId)) throw new ResourceNotFoundException("Product", productId);
        var found = await reviews.ListApprovedAsync(productId, order!.Value, page, ct);
        return new Page<PublishedReview>([.. found.Items.Select(PublishedReview.Of)], found.ContinuationToken);
    }

    public async Task<HelpfulVoteResult> VoteHelpfulAsync(string productId, string reviewId, Actor actor, string? voterToken, CancellationToken ct)
    {
        string voter;
        if (actor.Roles.Contains(ShopRoles.Customer)) voter = "customer:" + actor.Id;
        else if (voterToken is { Length: >= 16 and <= 128 } && voterToken.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) voter = "token:" + voterToken;
        else throw ValidationFailedException.For("Voter-Token", "sign in as a customer, or send a Voter-Token header of 16 to 128 letters, digits, '-' or '_'.");
        var voterKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(voter)))[..32];

        for (var attempt = 1; ; attempt++)
        {
            var current = (Ids.IsWellFormed(productId) && Ids.IsWellFormed(reviewId) ? await reviews.FindAsync(productId, reviewId, ct) : null)
                ?? throw new ResourceNotFoundException("Review", reviewId);
            var review = current.Value;
            if (review.Status != ReviewStatus.Approved) throw new ResourceNotFoundException("Review", reviewId);
            if (review.HelpfulVoters.Contains(voterKey) || review.HelpfulVoters.Count >= MaximumVoters)
                return new HelpfulVoteResult(review.Id, review.HelpfulVotes, false);
            try
            {
                await reviews.ReplaceAsync(review with { HelpfulVotes = review.HelpfulVotes + 1, HelpfulVoters = [.. review.HelpfulVoters, voterKey] }, current.Version, ct);
                return new HelpfulVoteResult(review.Id, review.HelpfulVotes + 1, true);
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
