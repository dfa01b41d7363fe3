using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

namespace Serverless.Shop.IntegrationTests.Reviews;

/// <summary>
/// Reviews over HTTP through the local shop, on the emulators: a customer with a delivered order reviews, staff
/// moderate, and the product read carries the rating, still in one Cosmos DB call.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ReviewApiTests(LocalShopFixture fixture)
{
    private readonly ReviewShopper _shop = new(fixture);

    private static JsonElement Rating(JsonElement product) => product.GetProperty("rating");

    [Fact]
    public async Task A_customer_reviews_a_delivered_product_a_merchandiser_approves_it_and_the_product_read_carries_the_rating_in_one_cosmos_call()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        var order = await _shop.OrderAsync(productId, customerId);

        var created = await _shop.CreatedReviewAsync(customer, productId, ReviewShopper.Review(rating: 4, name: "Ada L."));
        created.GetProperty("status").GetString().ShouldBe("pending");
        created.GetProperty("orderNumber").GetString().ShouldBe(order.Number);
        var reviewId = created.GetProperty("id").GetString()!;

        // Pending: not on the product, not listed for shoppers, in the queue for staff, shown to its author.
        (await _shop.ProductReadAsync(productId)).Product.TryGetProperty("rating", out _).ShouldBeFalse();
        (await _shop.ListingAsync(productId)).GetProperty("items").GetArrayLength().ShouldBe(0);
        var queue = await HttpTestExtensions.EventuallyAsync(async () => await (await _shop.Support.GetAsync("api/reviews/moderation-queue?pageSize=100")).JsonAsync(),
            q => q.GetProperty("items").EnumerateArray().Any(r => r.GetProperty("id").GetString() == reviewId));
        queue.GetProperty("items").EnumerateArray().ShouldContain(r => r.GetProperty("id").GetString() == reviewId);
        var mine = await (await customer.GetAsync("api/me/reviews")).JsonAsync();
        mine.EnumerateArray().Single().GetProperty("status").GetString().ShouldBe("pending");

        await _shop.DecideAsync(productId, reviewId, "approve");

        var (product, calls) = await _shop.ProductReadAsync(productId);
        calls.ShouldBe(1, "the rating is on the product document");
        Rating(product).GetProperty("average").GetDecimal().ShouldBe(4m);
        Rating(product).GetProperty("count").GetInt32().ShouldBe(1);
        Rating(product).GetProperty("countByStar").GetProperty("4").GetInt32().ShouldBe(1);
        var listed = (await _shop.ListingAsync(productId)).GetProperty("items").EnumerateArray().Single();
        listed.GetProperty("displayName").GetString().ShouldBe("Ada L.");
        listed.GetProperty("rating").GetInt32().ShouldBe(4);
        listed.TryGetProperty("helpfulVoters", out _).ShouldBeFalse("who voted is never shown");
    }

    [Fact]
    public async Task A_rejected_review_shows_its_author_the_reason_and_changes_no_rating()
    {
        var productId = await _shop.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        var customer = _shop.Customer(customerId);
        await _shop.OrderAsync(productId, customerId);
        var reviewId = (await _shop.CreatedReviewAsync(customer, productId)).GetProperty("id").GetString()!;

        await _shop.DecideAsync(productId, reviewId, "reject", "Please describe the product, not the delivery.", _shop.Support);

        var mine = (await (await customer.GetAsync("api/me/reviews")).JsonAsync()).EnumerateArray().Single();
        mine.GetProperty("status").GetString().ShouldBe("rejected");
        mine.GetProperty("moderationReason").GetString().ShouldBe("Please describe the product, not the delivery.");
        (await _shop.ProductReadAsync(productId)).Product.TryGetProperty("rating", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Editing_an_approved_review_sends_it_back_to_moderation_and_the_rating_follows()
    {
        var productId = await _shop.ProductAsync();
        var (first, second) = (ReviewShopper.NewCustomerId(), ReviewShopper.NewCustomerId());
        await _shop.OrderAsync(productId, first);
        await _shop.OrderAsync(productId, second);
        var a = (await _shop.CreatedReviewAsync(_shop.Customer(first), productId, ReviewShopper.Review(rating: 5))).GetProperty("id").GetString()!;
        var b = (await _shop.CreatedReviewAsync(_shop.Customer(second), productId, ReviewShopper.Review(rating: 2))).GetProperty("id").GetString()!;
        await _shop.DecideAsync(productId, a, "approve");
        await _shop.DecideAsync(productId, b, "approve");
        Rating((await _shop.ProductReadAsync(productId)).Product).GetProperty("average").GetDecimal().ShouldBe(3.5m);

        var edit = await _shop.Customer(first).PutJsonAsync($"api/products/{productId}/reviews/mine", ReviewShopper.Review(rating: 1), null);
        var edited = await edit.JsonAsync();
        edit.StatusCode.ShouldBe(HttpStatusCode.OK, edited.ToString());
        edited.GetProperty("status").GetString().ShouldBe("pending");

        var rating = Rating((await _shop.ProductReadAsync(productId)).Product);
        rating.GetProperty("count").GetInt32().ShouldBe(1, "the edited review waits for moderation again");
        rating.GetProperty("average").GetDecimal().ShouldBe(2m);
        await _shop.DecideAsync(productId, a, "approve");
        Rating((await _shop.ProductReadAsync(productId)).Product).GetProperty("average").GetDecimal().ShouldBe(1.5m);
    }

    [Fact]
    public async Task Reviews_are_listed_a_page_at_a_time_in_the_order_asked_with_the_merchants_reply_and_helpful_votes()
    {
        var productId = await _shop.ProductAsync();
        var ids = new List<string>();
        foreach (var rating in new[] { 3, 5, 1 })
        {
            var customerId = ReviewShopper.NewCustomerId();
            await _shop.OrderAsync(productId, customerId);
            var id = (await _shop.CreatedReviewAsync(_shop.Customer(customerId), productId, ReviewShopper.Review(rating: rating))).GetProperty("id").GetString()!;
            await _shop.DecideAsync(productId, id, "approve");
            ids.Add(id);
        }
        // The 1-star review gets two helpful votes (a customer twice, counted once; an anonymous voter token), the 3-star one.
        var voter = _shop.Customer(ReviewShopper.NewCustomerId());
        for (var i = 0; i < 2; i++) (await voter.PostAsync($"api/products/{productId}/reviews/{ids[2]}/helpful", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var anonymous = new HttpRequestMessage(HttpMethod.Post, $"api/products/{productId}/reviews/{ids[2]}/helpful");
        anonymous.Headers.Add("Voter-Token", "anon-0123456789abcdef");
        var vote = await (await _shop.Anonymous.SendAsync(anonymous)).JsonAsync();
        vote.GetProperty("helpfulVotes").GetInt32().ShouldBe(2);
        (await voter.PostAsync($"api/products/{productId}/reviews/{ids[0]}/helpful", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var reply = await _shop.Merchandiser.PutJsonAsync($"api/products/{productId}/reviews/{ids[2]}/reply", new { text = "Sorry to hear that: we have sent you a new one." }, null);
        reply.StatusCode.ShouldBe(HttpStatusCode.OK, (await reply.JsonAsync()).ToString());

        static int[] Ratings(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("rating").GetInt32())];
        Ratings(await _shop.ListingAsync(productId, "?sort=rating-desc")).ShouldBe([5, 3, 1]);
        Ratings(await _shop.ListingAsync(productId, "?sort=rating-asc")).ShouldBe([1, 3, 5]);
        Ratings(await _shop.ListingAsync(productId, "?sort=helpful")).ShouldBe([1, 3, 5]);
        Ratings(await _shop.ListingAsync(productId)).ShouldBe([1, 5, 3], "newest first");

        var first = await _shop.ListingAsync(productId, "?sort=rating-desc&pageSize=2");
        Ratings(first).ShouldBe([5, 3]);
        var token = first.GetProperty("continuationToken").GetString()!;
        var second = await _shop.ListingAsync(productId, $"?sort=rating-desc&pageSize=2&continuationToken={Uri.EscapeDataString(token)}");
        Ratings(second).ShouldBe([1]);
        second.GetProperty("items")[0].GetProperty("reply").GetProperty("text").GetString().ShouldBe("Sorry to hear that: we have sent you a new one.");
    }
}
