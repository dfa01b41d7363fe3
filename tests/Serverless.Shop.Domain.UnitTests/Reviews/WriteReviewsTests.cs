using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

public sealed class WriteReviewsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ReviewTestBed _bed = new();

    [Fact]
    public async Task A_customer_with_a_delivered_order_of_the_product_reviews_it_and_the_review_waits_for_moderation()
    {
        var order = await _bed.OrderAsync(OrderTestBed.CustomerId);

        var created = await _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(), OrderTestBed.Customer, Ct);

        created.Value.Status.ShouldBe(ReviewStatus.Pending);
        created.Value.OrderNumber.ShouldBe(order.Number);
        created.Value.AuthorKind.ShouldBe("customer");
        _bed.Mug.Rating.ShouldBeNull("a pending review does not count");
    }

    [Fact]
    public async Task Without_a_delivered_order_of_the_product_the_review_is_not_allowed_and_nothing_is_written()
    {
        await _bed.OrderAsync(OrderTestBed.CustomerId, delivered: false);
        await _bed.OrderAsync(OrderTestBed.OtherCustomer.Id);

        await Should.ThrowAsync<ReviewNotAllowedException>(() => _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(), OrderTestBed.Customer, Ct));
        await Should.ThrowAsync<ReviewNotAllowedException>(() => _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(), ReviewTestBed.Customer("cust_nobody"), Ct));
        _bed.Reviews.Writes.ShouldBe(0);
    }

    [Fact]
    public async Task A_second_review_of_the_same_product_is_a_conflict()
    {
        await _bed.OrderAsync(OrderTestBed.CustomerId);
        await _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(), OrderTestBed.Customer, Ct);

        var conflict = await Should.ThrowAsync<DuplicateResourceException>(() => _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(3), OrderTestBed.Customer, Ct));
        conflict.Field.ShouldBe("review");
        _bed.Reviews.All.ShouldHaveSingleItem().Rating.ShouldBe(5);
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_read_or_written()
    {
        await _bed.OrderAsync(OrderTestBed.CustomerId);
        await Should.ThrowAsync<ValidationFailedException>(() => _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good() with { Rating = 7 }, OrderTestBed.Customer, Ct));
        _bed.Reviews.Writes.ShouldBe(0);
    }

    [Fact]
    public async Task Editing_an_approved_review_sends_it_back_to_moderation_and_takes_it_out_of_the_rating()
    {
        await _bed.OrderAsync(OrderTestBed.CustomerId);
        var created = await _bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(5), OrderTestBed.Customer, Ct);
        await _bed.Moderate.ApproveAsync(ReviewTestBed.ProductId, created.Value.Id, new ModerationInput(null), ReviewTestBed.Staff, Ct);
        _bed.Mug.Rating!.Count.ShouldBe(1);

        var edited = await _bed.Write.EditMineAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(2), OrderTestBed.Customer, Ct);

        edited.Value.Status.ShouldBe(ReviewStatus.Pending);
        edited.Value.Revision.ShouldBe(2);
        edited.Value.Rating.ShouldBe(2);
        _bed.Mug.Rating!.Count.ShouldBe(0);
    }

    [Fact]
    public async Task With_auto_approval_a_clean_review_counts_at_once_and_a_flagged_one_waits()
    {
        var bed = new ReviewTestBed(autoApproveClean: true);
        await bed.OrderAsync(OrderTestBed.CustomerId);
        await bed.OrderAsync(OrderTestBed.OtherCustomer.Id);

        var clean = await bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(4), OrderTestBed.Customer, Ct);
        var flagged = await bed.Write.CreateAsync(ReviewTestBed.ProductId, ReviewTestBed.Good(1) with { Text = "Cheaper at https://elsewhere.example" }, OrderTestBed.OtherCustomer, Ct);

        clean.Value.Status.ShouldBe(ReviewStatus.Approved);
        flagged.Value.Status.ShouldBe(ReviewStatus.Pending);
        flagged.Value.ScreeningFlags.ShouldBe(["link"]);
        bed.Mug.Rating.ShouldBe(ProductRating.Of([4]), "only the clean review counts");
    }

    [Fact]
    public async Task A_guest_reviews_through_a_signed_invitation_and_the_review_is_sealed_for_the_guest_order()
    {
        var order = await _bed.OrderAsync(customerId: null);
        var token = _bed.Tokens.Create(new ReviewInvitation(order.Number, ReviewTestBed.ProductId, Common.FixedClock.Instant.AddDays(30)));

        var created = await _bed.Write.CreateByInvitationAsync(token, ReviewTestBed.Good(), Ct);

        created.Value.AuthorKind.ShouldBe("guest-order");
        _bed.Reviews.All.ShouldHaveSingleItem().Author().ShouldBe(Serverless.Shop.Domain.Privacy.DataOwner.GuestOrder(order.Number));
        await Should.ThrowAsync<DuplicateResourceException>(() => _bed.Write.CreateByInvitationAsync(token, ReviewTestBed.Good(), Ct));
    }

    [Fact]
    public async Task An_invitation_for_a_product_the_order_does_not_hold_is_refused()
    {
        var order = await _bed.OrderAsync(customerId: null);
        var token = _bed.Tokens.Create(new ReviewInvitation(order.Number, "prod_other", Common.FixedClock.Instant.AddDays(30)));

        await Should.ThrowAsync<InvalidInvitationException>(() => _bed.Write.CreateByInvitationAsync(token, ReviewTestBed.Good(), Ct));
        _bed.Reviews.Writes.ShouldBe(0);
    }
}
