using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>What a guest's invitation link shows: the product it is for, and the review already written with it, if any.</summary>
public sealed record InvitationView(string OrderNumber, string ProductId, string ProductName, DateTimeOffset ExpiresAt, ReviewDetails? Review);

/// <summary>
/// Writing and editing reviews: a signed-in customer with a delivered order of the product, or anyone holding a review
/// invitation link of a delivered order (a guest). One review per author per product; an edit sends it back to
/// moderation. Every check runs before anything is written, so a refused request changes nothing (no review, no
/// aggregate). Tests: ReviewApiTests, ReviewBadInputTests, GuestReviewTests.
/// </summary>
public sealed class WriteReviews(
    IReviewStore reviews, IOrderStore orders, IProductStore products, ProductRatings ratings, ReviewInvitationTokens invitations,
    ReviewSettings settings, TimeProvider clock)
{
    public async Task<Versioned<ReviewDetails>> CreateAsync(string productId, ReviewInput input, Actor customer, CancellationToken ct)
    {
        var checkedInput = ReviewRules.Check(input);
        await RequireProductAsync(productId, ct);
        var author = DataOwner.Customer(customer.Id);
        if (await reviews.FindAsync(productId, Review.IdFor(productId, author), ct) is not null) throw AlreadyReviewed();
        var order = await DeliveredOrderWithAsync(customer.Id, productId, ct)
            ?? throw new ReviewNotAllowedException("Only a customer who received this product can review it: none of your delivered orders contains it.");
        return await CreateAsync(productId, author, order.Number, checkedInput, ct);
    }

    public async Task<Versioned<ReviewDetails>> EditMineAsync(string productId, ReviewInput input, Actor customer, CancellationToken ct)
    {
        var checkedInput = ReviewRules.Check(input);
        return await EditAsync(productId, DataOwner.Customer(customer.Id), checkedInput, ct);
    }

    public async Task<Versioned<ReviewDetails>> GetMineAsync(string productId, Actor customer, CancellationToken ct)
    {
        var found = Ids.IsWellFormed(productId) ? await reviews.FindAsync(productId, Review.IdFor(productId, DataOwner.Customer(customer.Id)), ct) : null;
        return found is null ? throw new ResourceNotFoundException("Review", productId) : new(ReviewDetails.Of(found.Value), found.Version);
    }

    public async Task<IReadOnlyList<ReviewDetails>> ListMineAsync(Actor customer, CancellationToken ct) =>
        [.. (await reviews.ListByAuthorAsync(DataOwner.Customer(customer.Id).ToString(), ct)).Select(ReviewDetails.Of)];

    public async Task<InvitationView> ReadInvitationAsync(string? token, CancellationToken ct)
    {
        var invitation = invitations.Read(token);
        var order = await InvitedOrderAsync(invitation, ct);
        var product = await products.FindByIdAsync(invitation.ProductId, ct) ?? throw new ResourceNotFoundException("Product", invitation.ProductId);
        var existing = await reviews.FindAsync(invitation.ProductId, Review.IdFor(invitation.ProductId, AuthorOf(order)), ct);
        return new InvitationView(order.Number, invitation.ProductId, product.Value.Name, invitation.ExpiresAt, existing is null ? null : ReviewDetails.Of(existing.Value));
    }

    /// <summary>A review through an invitation link. The author is the order's customer when it has one, else the guest order.</summary>
    public async Task<Versioned<ReviewDetails>> CreateByInvitationAsync(string? token, ReviewInput input, CancellationToken ct)
    {
        var invitation = invitations.Read(token);
        var checkedInput = ReviewRules.Check(input);
        var order = await InvitedOrderAsync(invitation, ct);
        await RequireProductAsync(invitation.ProductId, ct);
        var author = AuthorOf(order);
        if (await reviews.FindAsync(invitation.ProductId, Review.IdFor(invitation.ProductId, author), ct) is not null) throw AlreadyReviewed();
        return await CreateAsync(invitation.ProductId, author, order.Number, checkedInput, ct);
    }

    public async Task<Versioned<ReviewDetails>> EditByInvitationAsync(string? token, ReviewInput input, CancellationToken ct)
    {
        var invitation = invitations.Read(token);
        var checkedInput = ReviewRules.Check(input);
        var order = await InvitedOrderAsync(invitation, ct);
        return await EditAsync(invitation.ProductId, AuthorOf(order), checkedInput, ct);
    }

    private async Task<Versioned<ReviewDetails>> CreateAsync(string productId, DataOwner author, string orderNumber,
        (int Rating, string Title, string Text, string DisplayName) input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var review = Screened(new Review(Review.IdFor(productId, author), productId,
            author.Kind == DataOwner.CustomerKind ? author.Id : null, author.Kind == DataOwner.GuestOrderKind ? author.Id : null, orderNumber,
            input.DisplayName, input.Rating, input.Title, input.Text, ReviewStatus.Pending, [], null, null, null, null, 0, [], 1, now, now), now);
        string version;
        try
        {
            version = await reviews.CreateAsync(review, ct);
        }
        catch (DuplicateResourceException)
        {
            throw AlreadyReviewed();
        }
        if (review.Status == ReviewStatus.Approved) await ratings.RecomputeAsync(productId, ct);
        return new(ReviewDetails.Of(review), version);
    }

    private async Task<Versioned<ReviewDetails>> EditAsync(string productId, DataOwner author,
        (int Rating, string Title, string Text, string DisplayName) input, CancellationToken ct)
    {
        var current = (Ids.IsWellFormed(productId) ? await reviews.FindAsync(productId, Review.IdFor(productId, author), ct) : null)
            ?? throw new ResourceNotFoundException("Review", productId);
        var now = clock.GetUtcNow();
        var edited = Screened(current.Value with
        {
            Rating = input.Rating, Title = input.Title, Text = input.Text, DisplayName = input.DisplayName,
            Status = ReviewStatus.Pending, ModerationReason = null, ModeratedBy = null, ModeratedAt = null,
            Revision = current.Value.Revision + 1, UpdatedAt = now,
        }, now);
        // Under the version read: an edit racing a moderator's decision is refused rather than silently undoing it.
        string version;
        try
        {
            version = await reviews.ReplaceAsync(edited, current.Version, ct);
        }
        catch (StaleVersionException)
        {
            throw new BusyResourceException("Review");
        }
        if (current.Value.Status == ReviewStatus.Approved || edited.Status == ReviewStatus.Approved) await ratings.RecomputeAsync(productId, ct);
        return new(ReviewDetails.Of(edited), version);
    }

    private Review Screened(Review review, DateTimeOffset now)
    {
        var flags = ReviewScreening.Flags(review.Title, review.Text);
        return flags.Count == 0 && settings.AutoApproveClean
            ? review with { ScreeningFlags = flags, Status = ReviewStatus.Approved, ModeratedBy = ModerateReviews.AutomaticModerator, ModeratedAt = now }
            : review with { ScreeningFlags = flags };
    }

    private static DataOwner AuthorOf(Order order) => DataOwner.OfOrder(order.CustomerId, order.Number);

    private async Task<Order> InvitedOrderAsync(ReviewInvitation invitation, CancellationToken ct)
    {
        var order = await orders.FindAsync(invitation.OrderNumber, ct);
        if (order is null || !WasDeliveredWith(order.Value, invitation.ProductId))
            throw new InvalidInvitationException("This review link does not match a delivered order of the product.");
        return order.Value;
    }

    private async Task RequireProductAsync(string productId, CancellationToken ct)
    {
        if (!Ids.IsWellFormed(productId) || await products.FindByIdAsync(productId, ct) is null) throw new ResourceNotFoundException("Product", productId);
    }

    /// <summary>The customer's first order that was delivered and holds the product (reading their orders page by page).</summary>
    private async Task<Order?> DeliveredOrderWithAsync(string customerId, string productId, CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await orders.ListByCustomerAsync(customerId, new PageRequest(PageRequest.MaximumSize, token), ct);
            foreach (var summary in page.Items.Where(s => s.Status is OrderStatus.Delivered or OrderStatus.ReturnRequested or OrderStatus.Returned or OrderStatus.Refunded))
                if (await orders.FindAsync(summary.Number, ct) is { } order && WasDeliveredWith(order.Value, productId)) return order.Value;
            token = page.ContinuationToken;
        }
        while (token is not null);
        return null;
    }

    public static bool WasDeliveredWith(Order order, string productId) =>
        order.DeliveredAt is not null && order.Pricing.Lines.Any(l => l.ProductId == productId);

    private static DuplicateResourceException AlreadyReviewed() =>
        new("review", "You have already reviewed this product; edit your review with PUT instead.");
}
