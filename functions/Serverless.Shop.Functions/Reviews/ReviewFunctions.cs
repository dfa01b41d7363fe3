using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Reviews;

/// <summary>Product reviews as shoppers and their authors use them (docs/reviews.md).</summary>
public sealed class ReviewFunctions(ReadReviews read, WriteReviews write, ReviewPhotos photos)
{
    [Function("ListProductReviews")]
    [PublicEndpoint]
    [ApiDoc("Reviews", "A product's approved reviews, sorted and paged", Response = typeof(PageBody<PublishedReview>), Query = [
        "sort: newest|helpful|rating-desc|rating-asc, default newest", "pageSize: 1-100, default 24", "continuationToken: from the previous page"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{id}/reviews")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Page(await read.ListAsync(id, req.Query("sort"), req.Query("pageSize"), req.Query("continuationToken"), ct));

    [Function("CreateReview")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Reviews", "Review a product you received (one review per product; it waits for moderation). 403 without a delivered order of the product, 409 when you already reviewed it",
        Request = typeof(ReviewInput), Response = typeof(ReviewDetails), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/reviews")] HttpRequest req, string id, CancellationToken ct)
    {
        var created = await write.CreateAsync(id, await req.ReadJsonAsync<ReviewInput>(), req.Actor(), ct);
        return Api.Created($"/api/products/{id}/reviews/mine", created);
    }

    [Function("GetMyReview")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Reviews", "Your review of a product, with its moderation status and reason", Response = typeof(ReviewDetails))]
    public async Task<IActionResult> GetMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{id}/reviews/mine")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await write.GetMineAsync(id, req.Actor(), ct));

    [Function("EditMyReview")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Reviews", "Edit your review of a product; it goes back to moderation", Request = typeof(ReviewInput), Response = typeof(ReviewDetails))]
    public async Task<IActionResult> EditMine([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "products/{id}/reviews/mine")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await write.EditMineAsync(id, await req.ReadJsonAsync<ReviewInput>(), req.Actor(), ct));

    [Function("AddMyReviewPhoto")]
    [RequiresRole(ShopRoles.Customer)]
    [MaximumBodyBytes(ManageProductImages.MaximumBytes)]
    [ApiDoc("Reviews", "Add a photo to your review of a product (image/jpeg, png, webp or gif, at most 10 MB; up to 4 photos); the review goes back to moderation",
        Request = typeof(byte[]), RequestContentType = "image/*", Response = typeof(ReviewDetails))]
    public async Task<IActionResult> AddPhoto([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/reviews/mine/photos")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await photos.AddMineAsync(id, req.Actor(), req.Body, req.ContentType?.Split(';')[0].Trim(), req.ContentLength, ct));

    [Function("RemoveMyReviewPhoto")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Reviews", "Remove a photo from your review; the review goes back to moderation", Response = typeof(ReviewDetails))]
    public async Task<IActionResult> RemovePhoto(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "products/{id}/reviews/mine/photos/{photoId}")] HttpRequest req, string id, string photoId, CancellationToken ct) =>
        Api.Ok(await photos.RemoveMineAsync(id, photoId, req.Actor(), ct));

    [Function("ListMyReviews")]
    [RequiresRole(ShopRoles.Customer)]
    [ApiDoc("Reviews", "Every review you wrote, newest first, with its status and, when rejected, the reason", Response = typeof(IReadOnlyList<ReviewDetails>))]
    public async Task<IActionResult> ListMine([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/reviews")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await write.ListMineAsync(req.Actor(), ct));

    [Function("VoteReviewHelpful")]
    [PublicEndpoint(Guard = "counts one vote per voter (a signed-in customer, or the Voter-Token header) and changes nothing else")]
    [ApiDoc("Reviews", "Vote a review helpful: once per customer, or per Voter-Token header for anonymous shoppers; voting again changes nothing",
        Response = typeof(HelpfulVoteResult))]
    public async Task<IActionResult> VoteHelpful(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/reviews/{reviewId}/helpful")] HttpRequest req, string id, string reviewId, CancellationToken ct) =>
        Api.Ok(await read.VoteHelpfulAsync(id, reviewId, req.Actor(), req.Headers["Voter-Token"].ToString() is { Length: > 0 } token ? token : null, ct));

    [Function("GetReviewInvitation")]
    [PublicEndpoint]
    [ApiDoc("Reviews", "What a review invitation link (from the delivery email) lets you review, and the review already written with it", Response = typeof(InvitationView))]
    public async Task<IActionResult> GetInvitation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "review-invitations/{token}")] HttpRequest req, string token, CancellationToken ct) =>
        Api.Ok(await write.ReadInvitationAsync(token, ct));

    [Function("CreateReviewByInvitation")]
    [PublicEndpoint(Guard = "the signed review invitation in the route (HMAC, names the order and product, expires)")]
    [ApiDoc("Reviews", "Review the product of an invitation link, without an account. 403 when the link was changed or expired",
        Request = typeof(ReviewInput), Response = typeof(ReviewDetails), SuccessStatus = 201)]
    public async Task<IActionResult> CreateByInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "review-invitations/{token}/review")] HttpRequest req, string token, CancellationToken ct)
    {
        var created = await write.CreateByInvitationAsync(token, await req.ReadJsonAsync<ReviewInput>(), ct);
        return Api.Created($"/api/review-invitations/{token}", created);
    }

    [Function("EditReviewByInvitation")]
    [PublicEndpoint(Guard = "the signed review invitation in the route (HMAC, names the order and product, expires)")]
    [ApiDoc("Reviews", "Edit the review written with an invitation link; it goes back to moderation", Request = typeof(ReviewInput), Response = typeof(ReviewDetails))]
    public async Task<IActionResult> EditByInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "review-invitations/{token}/review")] HttpRequest req, string token, CancellationToken ct) =>
        Api.Ok(await write.EditByInvitationAsync(token, await req.ReadJsonAsync<ReviewInput>(), ct));
}
