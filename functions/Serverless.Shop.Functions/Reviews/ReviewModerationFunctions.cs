using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Reviews;

/// <summary>Review moderation by staff: merchandisers, support and admins (docs/reviews.md).</summary>
public sealed class ReviewModerationFunctions(ModerateReviews moderation)
{
    [Function("ListReviewsToModerate")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Reviews", "The moderation queue: pending reviews of every product, oldest change first, with the pre-screen's flags",
        Response = typeof(PageBody<ReviewDetails>), Query = ["pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> Queue([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reviews/moderation-queue")] HttpRequest req, CancellationToken ct) =>
        Api.Page(await moderation.QueueAsync(req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("ApproveReview")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Reviews", "Approve a review: shoppers see it and it counts in the product's rating", Request = typeof(ModerationInput), Response = typeof(ReviewDetails))]
    public async Task<IActionResult> Approve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/reviews/{reviewId}/approve")] HttpRequest req, string id, string reviewId, CancellationToken ct) =>
        Api.Ok(await moderation.ApproveAsync(id, reviewId, await OptionalBodyAsync(req), req.Actor(), ct));

    [Function("RejectReview")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Reviews", "Reject a review with a reason its author reads", Request = typeof(ModerationInput), Response = typeof(ReviewDetails))]
    public async Task<IActionResult> Reject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/reviews/{reviewId}/reject")] HttpRequest req, string id, string reviewId, CancellationToken ct) =>
        Api.Ok(await moderation.RejectAsync(id, reviewId, await req.ReadJsonAsync<ModerationInput>(), req.Actor(), ct));

    [Function("ReplyToReview")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser, ShopRoles.Support)]
    [ApiDoc("Reviews", "The merchant's public reply to a review (replaces an earlier reply)", Request = typeof(ReplyInput), Response = typeof(ReviewDetails))]
    public async Task<IActionResult> Reply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "products/{id}/reviews/{reviewId}/reply")] HttpRequest req, string id, string reviewId, CancellationToken ct) =>
        Api.Ok(await moderation.ReplyAsync(id, reviewId, await req.ReadJsonAsync<ReplyInput>(), req.Actor(), ct));

    // Approving needs no body; one with a reason is taken (a chunked body has no Content-Length, so its Content-Type tells).
    private static async Task<ModerationInput> OptionalBodyAsync(HttpRequest req) =>
        string.IsNullOrEmpty(req.ContentType) && req.ContentLength is null or 0 ? new ModerationInput(null) : await req.ReadJsonAsync<ModerationInput>();
}
