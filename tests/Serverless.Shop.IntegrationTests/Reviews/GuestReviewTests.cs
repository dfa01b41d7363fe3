using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Reviews;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Reviews;

/// <summary>
/// After delivery the order-events queue function emails the buyer a signed review link per product (the local
/// mailbox here); a guest reviews through it without an account. A changed or expired link is refused.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed partial class GuestReviewTests(LocalShopFixture fixture)
{
    private readonly ReviewShopper _shop = new(fixture);

    [GeneratedRegex(@"https?://\S+/api/review-invitations/(?<token>[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")]
    private static partial Regex InvitationLink();

    private async Task<(string ProductId, string Number, string Token)> DeliveredGuestOrderAsync()
    {
        var productId = await _shop.ProductAsync();
        var email = $"guest-{Guid.NewGuid():N}@example.com";
        var order = await _shop.OrderAsync(productId, customerId: null, email: email);
        var mail = await _shop.MailAsync(email, $"Review your order {order.Number}");
        var link = InvitationLink().Match(mail);
        link.Success.ShouldBeTrue(mail);
        link.Value.ShouldStartWith(fixture.Shop.BaseAddress.ToString().TrimEnd('/'), customMessage: "links point at this host");
        return (productId, order.Number, link.Groups["token"].Value);
    }

    [Fact]
    public async Task The_delivery_email_invites_a_review_and_a_guest_reviews_through_the_signed_link()
    {
        var (productId, number, token) = await DeliveredGuestOrderAsync();

        var invitation = await (await _shop.Anonymous.GetAsync($"api/review-invitations/{token}")).JsonAsync();
        invitation.GetProperty("orderNumber").GetString().ShouldBe(number);
        invitation.GetProperty("productId").GetString().ShouldBe(productId);

        var created = await _shop.Anonymous.PostJsonAsync($"api/review-invitations/{token}/review", ReviewShopper.Review(rating: 3, name: "A guest"));
        var review = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, review.ToString());
        review.GetProperty("authorKind").GetString().ShouldBe("guest-order");
        await ShouldBeProblem(await _shop.Anonymous.PostJsonAsync($"api/review-invitations/{token}/review", ReviewShopper.Review()), HttpStatusCode.Conflict, "review");

        var edited = await _shop.Anonymous.PutJsonAsync($"api/review-invitations/{token}/review", ReviewShopper.Review(rating: 4, name: "A guest"), null);
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, (await edited.JsonAsync()).ToString());
        await _shop.DecideAsync(productId, review.GetProperty("id").GetString()!, "approve");
        var listed = (await _shop.ListingAsync(productId)).GetProperty("items").EnumerateArray().Single();
        listed.GetProperty("displayName").GetString().ShouldBe("A guest");
        listed.GetProperty("rating").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task A_changed_link_or_an_expired_one_is_refused_and_writes_nothing()
    {
        var (productId, number, token) = await DeliveredGuestOrderAsync();
        var otherProduct = await _shop.ProductAsync();
        var tokens = fixture.Shop.Services.GetRequiredService<ReviewInvitationTokens>();

        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        var forged = tokens.Create(new ReviewInvitation(number, otherProduct, DateTimeOffset.UtcNow.AddDays(1))).Split('.')[0] + "." + token.Split('.')[1];
        var expired = tokens.Create(new ReviewInvitation(number, productId, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var notDelivered = tokens.Create(new ReviewInvitation(number, otherProduct, DateTimeOffset.UtcNow.AddDays(1)));

        foreach (var bad in new[] { tampered, forged, expired, notDelivered, "not-a-token" })
        {
            var problem = await ShouldBeProblem(await _shop.Anonymous.PostJsonAsync($"api/review-invitations/{bad}/review", ReviewShopper.Review()), HttpStatusCode.Forbidden, "invitation");
            problem.GetProperty("type").GetString()!.ShouldEndWith("invalid-review-link");
        }
        await ShouldBeProblem(await _shop.Anonymous.GetAsync($"api/review-invitations/{expired}"), HttpStatusCode.Forbidden, "invitation");

        var still = await (await _shop.Anonymous.GetAsync($"api/review-invitations/{token}")).JsonAsync();
        still.TryGetProperty("review", out _).ShouldBeFalse("no refused request wrote a review");
    }

    [Fact]
    public async Task A_redelivered_delivery_message_sends_no_second_invitation()
    {
        var productId = await _shop.ProductAsync();
        var email = $"guest-{Guid.NewGuid():N}@example.com";
        var order = await _shop.OrderAsync(productId, customerId: null, email: email);
        await _shop.MailAsync(email, $"Review your order {order.Number}");
        var reaction = fixture.Shop.Services.GetRequiredService<ReviewInvitationEmails>();
        var stored = (await fixture.Shop.Services.GetRequiredService<Domain.Orders.IOrderStore>().FindAsync(order.Number, CancellationToken.None))!.Value;

        await reaction.ReactAsync(stored, stored.History.Last(h => h.Change == Domain.Orders.OrderChange.Delivered), CancellationToken.None);

        Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(File.ReadAllText)
            .Count(text => text.Contains($"To: {email}", StringComparison.Ordinal) && text.Contains("Review your order", StringComparison.Ordinal)).ShouldBe(1);
    }
}
