using System.Net;
using System.Net.Http.Headers;
using Serverless.Shop.IntegrationTests.Http;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Reviews;

/// <summary>Review photos through the product image pipeline, on Azurite: real images only, at most four, renditions made.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class ReviewPhotoTests(LocalShopFixture fixture)
{
    private readonly ReviewShopper _shop = new(fixture);

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string productId, byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return client.PostAsync($"api/products/{productId}/reviews/mine/photos", content);
    }

    private async Task<(string ProductId, HttpClient Customer, string ReviewId)> ApprovedReviewAsync()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        await _shop.OrderAsync(productId, customerId);
        var reviewId = (await _shop.CreatedReviewAsync(customer, productId)).GetProperty("id").GetString()!;
        await _shop.DecideAsync(productId, reviewId, "approve");
        return (productId, customer, reviewId);
    }

    [Fact]
    public async Task A_photo_goes_through_the_image_pipeline_and_sends_the_review_back_to_moderation()
    {
        var (productId, customer, _) = await ApprovedReviewAsync();

        var response = await UploadAsync(customer, productId, ImageFiles.Png(640, 480), "image/png");

        var review = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, review.ToString());
        review.GetProperty("status").GetString().ShouldBe("pending");
        var photo = review.GetProperty("photos").EnumerateArray().Single();
        photo.GetProperty("status").GetString().ShouldBe("ready");
        photo.GetProperty("renditions").GetArrayLength().ShouldBeGreaterThan(0);
        var original = await fixture.Client().GetAsync(photo.GetProperty("originalUrl").GetString());
        original.StatusCode.ShouldBe(HttpStatusCode.OK, "the original is published");
        ImageFiles.Decode(await original.Content.ReadAsByteArrayAsync()).ShouldBe(("image/png", 640, 480));
        (await _shop.ProductReadAsync(productId)).Product.GetProperty("rating").GetProperty("count").GetInt32().ShouldBe(0, "the changed review waits for moderation");
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_a_wrong_type_and_a_fifth_photo_are_refused_and_nothing_is_added()
    {
        var (productId, customer, _) = await ApprovedReviewAsync();

        await ShouldBeProblem(await UploadAsync(customer, productId, ImageFiles.Text, "image/png"), HttpStatusCode.BadRequest, "file");
        await ShouldBeProblem(await UploadAsync(customer, productId, ImageFiles.Pdf, "application/pdf"), HttpStatusCode.UnsupportedMediaType, "Content-Type");
        (await (await customer.GetAsync($"api/products/{productId}/reviews/mine")).JsonAsync()).GetProperty("status").GetString().ShouldBe("approved", "a refused photo changes nothing");

        for (var i = 0; i < 4; i++) (await UploadAsync(customer, productId, ImageFiles.Png(32 + i, 32), "image/png")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeProblem(await UploadAsync(customer, productId, ImageFiles.Png(40, 40), "image/png"), HttpStatusCode.Conflict, "photos");

        var mine = await (await customer.GetAsync($"api/products/{productId}/reviews/mine")).JsonAsync();
        var photos = mine.GetProperty("photos").EnumerateArray().ToList();
        photos.Count.ShouldBe(4);
        var removed = await customer.DeleteAsync($"api/products/{productId}/reviews/mine/photos/{photos[0].GetProperty("id").GetString()}");
        removed.StatusCode.ShouldBe(HttpStatusCode.OK, (await removed.JsonAsync()).ToString());
        (await fixture.Client().GetAsync(photos[0].GetProperty("originalUrl").GetString())).StatusCode.ShouldBe(HttpStatusCode.NotFound, "its files are gone");
    }

    [Fact]
    public async Task Only_the_author_of_a_review_adds_photos_to_it()
    {
        var (productId, _, _) = await ApprovedReviewAsync();
        await ShouldBeProblem(await UploadAsync(_shop.Customer(ReviewShopper.NewCustomerId()), productId, ImageFiles.Png(32, 32), "image/png"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await UploadAsync(_shop.Anonymous, productId, ImageFiles.Png(32, 32), "image/png"), HttpStatusCode.Unauthorized);
    }
}
