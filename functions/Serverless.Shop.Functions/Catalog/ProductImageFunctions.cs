using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Catalog;

public sealed record ImageUploadRequest(string? ContentType);

public sealed record CompleteImageUploadRequest(string? AltText);

public sealed class ProductImageFunctions(ManageProductImages images)
{
    [Function("UploadProductImage")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [MaximumBodyBytes(ManageProductImages.MaximumBytes)]
    [ApiDoc("Images", "Upload an image in the body (image/jpeg, png, webp or gif, at most 10 MB); web renditions follow shortly",
        Request = typeof(byte[]), RequestContentType = "image/*", Response = typeof(ProductImage), SuccessStatus = 202, Query = ["altText: text for screen readers"])]
    public async Task<IActionResult> Upload([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var image = await images.UploadAsync(id, req.Body, req.ContentType?.Split(';')[0].Trim(), req.ContentLength, req.Query("altText"), ct);
        return Api.Accepted(image);
    }

    [Function("CreateProductImageUploadUrl")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Images", "Get a short-lived URL to PUT an image straight into storage (header x-ms-blob-type: BlockBlob), then complete it",
        Request = typeof(ImageUploadRequest), Response = typeof(ImageUploadTicket), SuccessStatus = 201)]
    public async Task<IActionResult> CreateUploadUrl([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/images/uploads")] HttpRequest req, string id, CancellationToken ct)
    {
        var body = await req.ReadJsonAsync<ImageUploadRequest>();
        var ticket = await images.CreateUploadTicketAsync(id, body.ContentType, ct);
        return new ApiResult(StatusCodes.Status201Created, ticket);
    }

    [Function("CompleteProductImageUpload")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Images", "Check an uploaded file and add it to the product", Request = typeof(CompleteImageUploadRequest), Response = typeof(ProductImage), SuccessStatus = 202)]
    public async Task<IActionResult> CompleteUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/images/uploads/{imageId}/complete")] HttpRequest req, string id, string imageId, CancellationToken ct)
    {
        // The body is optional; a chunked one has no Content-Length, so its Content-Type says whether there is one.
        var body = string.IsNullOrEmpty(req.ContentType) && req.ContentLength is null or 0
            ? new CompleteImageUploadRequest(null)
            : await req.ReadJsonAsync<CompleteImageUploadRequest>();
        return Api.Accepted(await images.CompleteUploadAsync(id, imageId, body.AltText, ct));
    }

    [Function("DeleteProductImage")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Images", "Remove an image and its renditions", SuccessStatus = 204)]
    public async Task<IActionResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "products/{id}/images/{imageId}")] HttpRequest req, string id, string imageId, CancellationToken ct)
    {
        await images.DeleteAsync(id, imageId, ct);
        return Api.NoContent();
    }

    /// <summary>Every hour, removes uploads that were never completed, so storage holds only images that belong to products.</summary>
    [Function("DeleteAbandonedImageUploads")]
    public async Task DeleteAbandonedUploads([TimerTrigger("0 15 * * * *")] TimerInfo timer, CancellationToken ct) =>
        await images.DeleteAbandonedUploadsAsync(ct);

    /// <summary>Renders the web-ready versions of a new image. A failing message is retried, then parked in image-processing-poison.</summary>
    [Function("ProcessProductImage")]
    public Task Process([QueueTrigger(WorkQueues.ImageProcessing)] string message, CancellationToken ct) =>
        images.ProcessAsync(JsonSerializer.Deserialize<ProcessImageMessage>(message, ShopJson.Options)!, ct);
}
