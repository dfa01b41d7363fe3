using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

public sealed class ProductRatingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static Review Pending(int n, int rating) =>
        new($"rev_{n}", ReviewTestBed.ProductId, $"cust_{n}", null, $"SS-{n}", "Name", rating, "Title", "A fine text here.", ReviewStatus.Pending,
            [], null, null, null, null, 0, [], 1, FixedClock.Instant, FixedClock.Instant);

    [Fact]
    public void The_aggregate_has_the_average_the_count_and_the_count_per_star()
    {
        var rating = ProductRating.Of([5, 4, 4, 1]);
        rating.Average.ShouldBe(3.5m);
        rating.Count.ShouldBe(4);
        rating.CountByStar.ShouldBe(new Dictionary<string, int> { ["1"] = 1, ["2"] = 0, ["3"] = 0, ["4"] = 2, ["5"] = 1 }, ignoreOrder: true);
        ProductRating.Of([5, 4, 4]).Average.ShouldBe(4.33m);
    }

    [Fact]
    public async Task Recomputing_an_aggregate_that_is_already_right_writes_nothing()
    {
        var bed = new ReviewTestBed();
        await bed.Reviews.CreateAsync(Pending(1, 4) with { Status = ReviewStatus.Approved }, Ct);
        await bed.Ratings.RecomputeAsync(ReviewTestBed.ProductId, Ct);
        var replaces = bed.Products.Replaces;

        await bed.Ratings.RecomputeAsync(ReviewTestBed.ProductId, Ct);

        bed.Products.Replaces.ShouldBe(replaces);
        bed.Mug.Rating.ShouldBe(ProductRating.Of([4]));
    }

    [Fact]
    public async Task An_approval_that_lands_between_another_recompute_reading_the_ratings_and_writing_the_product_is_not_lost()
    {
        var bed = new ReviewTestBed();
        await bed.Reviews.CreateAsync(Pending(1, 5), Ct);
        await bed.Reviews.CreateAsync(Pending(2, 1), Ct);
        // The first approval's recompute reads the ratings (only its own review), then the second approval runs whole
        // before the first writes the product: the first's write must fail its ETag check and read again.
        bed.Reviews.AfterRatingsRead = () => bed.Moderate.ApproveAsync(ReviewTestBed.ProductId, "rev_2", new ModerationInput(null), ReviewTestBed.Staff, Ct);

        await bed.Moderate.ApproveAsync(ReviewTestBed.ProductId, "rev_1", new ModerationInput(null), ReviewTestBed.Staff, Ct);

        bed.Mug.Rating.ShouldBe(ProductRating.Of([5, 1]));
    }

    [Fact]
    public async Task Many_approvals_at_once_leave_the_aggregate_counting_every_approved_review()
    {
        var bed = new ReviewTestBed();
        for (var n = 1; n <= 30; n++) await bed.Reviews.CreateAsync(Pending(n, n % 5 + 1), Ct);

        await Task.WhenAll(Enumerable.Range(1, 30).Select(n => Task.Run(() =>
            bed.Moderate.ApproveAsync(ReviewTestBed.ProductId, $"rev_{n}", new ModerationInput(null), ReviewTestBed.Staff, Ct))));

        bed.Mug.Rating.ShouldBe(ProductRating.Of([.. Enumerable.Range(1, 30).Select(n => n % 5 + 1)]));
    }

    [Fact]
    public async Task Rejecting_an_approved_review_takes_it_out_and_rejecting_a_pending_one_changes_no_aggregate()
    {
        var bed = new ReviewTestBed();
        await bed.Reviews.CreateAsync(Pending(1, 5), Ct);
        await bed.Reviews.CreateAsync(Pending(2, 2), Ct);
        await bed.Moderate.ApproveAsync(ReviewTestBed.ProductId, "rev_1", new ModerationInput(null), ReviewTestBed.Staff, Ct);
        var replaces = bed.Products.Replaces;

        var rejected = await bed.Moderate.RejectAsync(ReviewTestBed.ProductId, "rev_2", new ModerationInput("Off topic"), ReviewTestBed.Staff, Ct);
        rejected.Value.ModerationReason.ShouldBe("Off topic");
        bed.Products.Replaces.ShouldBe(replaces);

        await bed.Moderate.RejectAsync(ReviewTestBed.ProductId, "rev_1", new ModerationInput("Changed our mind"), ReviewTestBed.Staff, Ct);
        bed.Mug.Rating.ShouldBe(ProductRating.Of([]));
    }

    [Fact]
    public async Task A_rejection_without_a_reason_changes_nothing()
    {
        var bed = new ReviewTestBed();
        await bed.Reviews.CreateAsync(Pending(1, 5), Ct);
        var writes = bed.Reviews.Writes;

        await Should.ThrowAsync<ValidationFailedException>(() => bed.Moderate.RejectAsync(ReviewTestBed.ProductId, "rev_1", new ModerationInput(null), ReviewTestBed.Staff, Ct));

        bed.Reviews.Writes.ShouldBe(writes);
    }
}
