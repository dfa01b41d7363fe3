using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.IntegrationTests.Reviews;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// The reviews container in the raw-document scan: a customer's and a guest's display names are sealed at rest while the
/// API shows them; the customer's export has their reviews; erasing the customer removes their reviews and the product's
/// rating no longer counts them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ReviewPersonalDataTests(LocalShopFixture fixture)
{
    private readonly ReviewShopper _reviews = new(fixture);
    private readonly PrivacyShopper _privacy = new(fixture);

    [Fact]
    public async Task No_review_document_holds_an_author_display_name_in_plain_text_and_the_API_still_shows_it()
    {
        var customer = TestPerson.New();
        var guest = TestPerson.New();
        var productId = await _reviews.ProductAsync();
        var customerId = ReviewShopper.NewCustomerId();
        await _reviews.OrderAsync(productId, customerId);
        var customerReview = (await _reviews.CreatedReviewAsync(_reviews.Customer(customerId), productId, ReviewShopper.Review(name: customer.Name))).GetProperty("id").GetString()!;
        var tokens = fixture.Shop.Services.GetRequiredService<Domain.Reviews.ReviewInvitationTokens>();
        var guestOrder = await _reviews.OrderAsync(productId, customerId: null);
        var token = tokens.Create(new Domain.Reviews.ReviewInvitation(guestOrder.Number, productId, DateTimeOffset.UtcNow.AddDays(1)));
        var guestCreated = await _reviews.Anonymous.PostJsonAsync($"api/review-invitations/{token}/review", ReviewShopper.Review(name: guest.Name));
        guestCreated.StatusCode.ShouldBe(HttpStatusCode.Created, (await guestCreated.JsonAsync()).ToString());
        await _reviews.DecideAsync(productId, customerReview, "approve");
        await _reviews.DecideAsync(productId, (await guestCreated.JsonAsync()).GetProperty("id").GetString()!, "approve");

        (await _reviews.ListingAsync(productId)).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("displayName").GetString())
            .ShouldBe([guest.Name, customer.Name], ignoreOrder: true);

        var raw = await _privacy.RawContainersAsync();
        raw["reviews"].ShouldContain(customerReview, customMessage: "the scan must see the reviews it is about");
        foreach (var (container, text) in raw)
            foreach (var value in new[] { customer.Name, guest.Name })
                text.ShouldNotContain(value, Case.Insensitive, $"container {container} holds '{value}' in plain text");
    }

    [Fact]
    public async Task The_export_has_the_customers_reviews_and_erasure_removes_them_and_their_weight_in_the_rating()
    {
        var productId = await _reviews.ProductAsync();
        var (erased, kept) = (ReviewShopper.NewCustomerId(), ReviewShopper.NewCustomerId());
        await _reviews.OrderAsync(productId, erased);
        await _reviews.OrderAsync(productId, kept);
        var gone = (await _reviews.CreatedReviewAsync(_reviews.Customer(erased), productId, ReviewShopper.Review(rating: 1, name: "To be erased"))).GetProperty("id").GetString()!;
        var stays = (await _reviews.CreatedReviewAsync(_reviews.Customer(kept), productId, ReviewShopper.Review(rating: 5))).GetProperty("id").GetString()!;
        await _reviews.DecideAsync(productId, gone, "approve");
        await _reviews.DecideAsync(productId, stays, "approve");
        (await _reviews.ProductReadAsync(productId)).Product.GetProperty("rating").GetProperty("average").GetDecimal().ShouldBe(3m);

        var export = await fixture.Shop.Services.GetRequiredService<ExportPersonalData>().ExportAsync(erased, CancellationToken.None);
        var section = export.Sections["reviews"].ShouldBeAssignableTo<IEnumerable<Domain.Reviews.ReviewDetails>>()!.ShouldHaveSingleItem();
        section.DisplayName.ShouldBe("To be erased");

        var erasure = await _privacy.Admin.PostJsonAsync("api/privacy/erasures", new { customerId = erased });
        erasure.StatusCode.ShouldBe(HttpStatusCode.OK, (await erasure.JsonAsync()).ToString());

        var rating = (await _reviews.ProductReadAsync(productId)).Product.GetProperty("rating");
        rating.GetProperty("count").GetInt32().ShouldBe(1);
        rating.GetProperty("average").GetDecimal().ShouldBe(5m);
        (await _reviews.ListingAsync(productId)).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ShouldBe([stays]);
        (await (await _reviews.Customer(erased).GetAsync("api/me/reviews")).JsonAsync()).GetArrayLength().ShouldBe(0);
    }
}
