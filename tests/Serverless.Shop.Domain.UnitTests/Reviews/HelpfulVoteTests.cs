using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

public sealed class HelpfulVoteTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ReviewTestBed _bed = new();

    private async Task<string> ApprovedAsync(ReviewStatus status = ReviewStatus.Approved)
    {
        await _bed.Reviews.CreateAsync(new Review("rev_1", ReviewTestBed.ProductId, "cust_1", null, "SS-1", "Name", 4, "Title", "A fine text here.", status,
            [], null, null, null, null, 0, [], 1, FixedClock.Instant, FixedClock.Instant), Ct);
        return "rev_1";
    }

    [Fact]
    public async Task A_customer_votes_once_however_often_they_send_it()
    {
        var id = await ApprovedAsync();
        var voter = ReviewTestBed.Customer("cust_voter");

        (await _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, voter, null, Ct)).ShouldBe(new HelpfulVoteResult(id, 1, true));
        (await _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, voter, null, Ct)).ShouldBe(new HelpfulVoteResult(id, 1, false));
        (await _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, ReviewTestBed.Customer("cust_other"), null, Ct)).HelpfulVotes.ShouldBe(2);
    }

    [Fact]
    public async Task An_anonymous_shopper_votes_once_per_voter_token_and_needs_one()
    {
        var id = await ApprovedAsync();
        const string token = "0123456789abcdef0123";

        (await _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, Actor.Anonymous, token, Ct)).Counted.ShouldBeTrue();
        (await _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, Actor.Anonymous, token, Ct)).Counted.ShouldBeFalse();
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, Actor.Anonymous, null, Ct))).ShouldReport("Voter-Token");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, Actor.Anonymous, "short", Ct))).ShouldReport("Voter-Token");
    }

    [Fact]
    public async Task A_review_shoppers_cannot_see_cannot_be_voted()
    {
        var id = await ApprovedAsync(ReviewStatus.Pending);
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, ReviewTestBed.Customer("cust_voter"), null, Ct));
    }

    [Fact]
    public async Task Concurrent_votes_of_different_voters_are_all_counted()
    {
        var id = await ApprovedAsync();
        await Task.WhenAll(Enumerable.Range(1, 20).Select(n => Task.Run(() =>
            _bed.Read.VoteHelpfulAsync(ReviewTestBed.ProductId, id, ReviewTestBed.Customer($"cust_{n}"), null, Ct))));
        (await _bed.Reviews.FindAsync(ReviewTestBed.ProductId, id, Ct))!.Value.HelpfulVotes.ShouldBe(20);
    }
}
