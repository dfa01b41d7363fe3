using System.Net;
using System.Text;
using Serverless.Shop.Domain.Administration;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Reviews;

/// <summary>
/// Every refused review write answers a problem with the right status and field, and leaves nothing behind: no review,
/// no change to the product's rating.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ReviewBadInputTests(LocalShopFixture fixture)
{
    private readonly ReviewShopper _shop = new(fixture);

    private async Task NothingWrittenAsync(string productId, HttpClient customer)
    {
        (await _shop.ProductReadAsync(productId)).Product.TryGetProperty("rating", out _).ShouldBeFalse();
        (await (await customer.GetAsync("api/me/reviews")).JsonAsync()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_review_without_a_delivered_order_of_the_product_is_forbidden()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        await _shop.OrderAsync(productId, customerId, delivered: false);
        await _shop.OrderAsync(await _shop.ProductAsync(), customerId);

        var problem = await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/reviews", ReviewShopper.Review()), HttpStatusCode.Forbidden);
        problem.GetProperty("type").GetString()!.ShouldEndWith("review-not-allowed");
        await NothingWrittenAsync(productId, customer);
    }

    [Fact]
    public async Task A_second_review_of_the_same_product_is_a_conflict_and_the_first_stays()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        await _shop.OrderAsync(productId, customerId);
        await _shop.CreatedReviewAsync(customer, productId, ReviewShopper.Review(rating: 5));

        await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/reviews", ReviewShopper.Review(rating: 1)), HttpStatusCode.Conflict, "review");
        (await (await customer.GetAsync("api/me/reviews")).JsonAsync()).EnumerateArray().Single().GetProperty("rating").GetInt32().ShouldBe(5);
    }

    [Fact]
    public async Task Five_megabytes_of_text_a_rating_of_seven_and_missing_fields_are_refused_with_the_field_at_fault()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        await _shop.OrderAsync(productId, customerId);

        var huge = $"{{\"rating\":5,\"title\":\"t\",\"displayName\":\"n\",\"text\":\"{new string('x', 5 * 1024 * 1024)}\"}}";
        await ShouldBeProblem(await customer.SendRawAsync(HttpMethod.Post, $"api/products/{productId}/reviews", huge), HttpStatusCode.RequestEntityTooLarge);
        await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/reviews", ReviewShopper.Review(rating: 7)), HttpStatusCode.BadRequest, "rating");
        await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/reviews", ReviewShopper.Review(text: new string('x', 5001))), HttpStatusCode.BadRequest, "text");
        await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/reviews", new { rating = 4 }), HttpStatusCode.BadRequest, "title");
        await ShouldBeProblem(await customer.SendRawAsync(HttpMethod.Post, $"api/products/{productId}/reviews", "{\"rating\":\"five\"}"), HttpStatusCode.BadRequest, "rating");
        await NothingWrittenAsync(productId, customer);
    }

    [Fact]
    public async Task Customers_and_anonymous_callers_cannot_moderate_and_only_customers_write_reviews()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        await _shop.OrderAsync(productId, customerId);
        var reviewId = (await _shop.CreatedReviewAsync(customer, productId)).GetProperty("id").GetString()!;

        await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/reviews/{reviewId}/approve", new { }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.GetAsync("api/reviews/moderation-queue"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.PutJsonAsync($"api/products/{productId}/reviews/{reviewId}/reply", new { text = "I reply to myself" }, null), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _shop.Anonymous.PostJsonAsync($"api/products/{productId}/reviews/{reviewId}/approve", new { }), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Marketer).PostJsonAsync($"api/products/{productId}/reviews/{reviewId}/approve", new { }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _shop.Merchandiser.PostJsonAsync($"api/products/{productId}/reviews", ReviewShopper.Review()), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _shop.Merchandiser.PostJsonAsync($"api/products/{productId}/reviews/{reviewId}/reject", new { }), HttpStatusCode.BadRequest, "reason");

        (await (await customer.GetAsync("api/me/reviews")).JsonAsync()).EnumerateArray().Single().GetProperty("status").GetString().ShouldBe("pending");
        (await _shop.ProductReadAsync(productId)).Product.TryGetProperty("rating", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Unknown_products_reviews_and_listings_answer_not_found_or_the_field_at_fault()
    {
        var customer = _shop.Customer(ReviewShopper.NewCustomerId());
        var productId = await _shop.ProductAsync();

        await ShouldBeProblem(await customer.PostJsonAsync("api/products/prod_missing/reviews", ReviewShopper.Review()), HttpStatusCode.NotFound);
        await ShouldBeProblem(await customer.PutJsonAsync($"api/products/{productId}/reviews/mine", ReviewShopper.Review(), null), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Merchandiser.PostJsonAsync($"api/products/{productId}/reviews/rev_missing/approve", new { }), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Anonymous.GetAsync($"api/products/{productId}/reviews?sort=loudest"), HttpStatusCode.BadRequest, "sort");
        await ShouldBeProblem(await _shop.Anonymous.GetAsync($"api/products/{productId}/reviews?pageSize=0"), HttpStatusCode.BadRequest, "pageSize");
        await ShouldBeProblem(await _shop.Anonymous.PostAsync($"api/products/{productId}/reviews/rev_x/helpful", null), HttpStatusCode.BadRequest, "Voter-Token");
    }
}
