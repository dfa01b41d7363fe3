using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Privacy;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>
/// The customer walkthrough of docs/customers.http, as a new user does it over HTTP on the local host: sign up and verify
/// the email, fill the profile, buy, see pending then available points after the local carrier delivers, spend points
/// on a second order, review the product and have a merchandiser approve it, download the data, erase the account.
/// Afterwards no raw document holds anything readable about them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerWalkthroughTests(LocalShopFixture fixture)
{
    private readonly LocalCustomerAccounts _accounts = new(fixture);
    private readonly PrivacyShopper _shop = new(fixture);

    private static async Task<JsonElement> GetOkAsync(HttpClient client, string route)
    {
        var response = await client.GetAsync(route);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static int RatingCount(JsonElement product) => product.TryGetProperty("rating", out var rating) && rating.ValueKind == JsonValueKind.Object
        ? rating.GetProperty("count").GetInt32()
        : 0;

    private static Task<JsonElement> PointsWhenAsync(HttpClient customer, Func<JsonElement, bool> done) =>
        HttpTestExtensions.EventuallyAsync(() => GetOkAsync(customer, "api/me/points"), done);

    private async Task<string> BuySpendingPointsAsync(HttpClient customer, TestPerson person, int points)
    {
        var variant = await _shop.Checkout.ProductInStockAsync(5);
        var cart = (await (await customer.PostAsync("api/carts", null)).JsonAsync()).GetProperty("id").GetString()!;
        (await _shop.Checkout.SendAsync(HttpMethod.Post, $"api/carts/{cart}/lines", null, new { productId = variant.ProductId, sku = variant.Sku, quantity = 1 }, client: customer))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var response = await _shop.Checkout.SendAsync(HttpMethod.Post, "api/checkouts", null, new
        {
            cartId = cart, email = person.Email, shippingAddress = person.Address, paymentMethod = "card", paymentToken = CheckoutShopper.VisaToken,
            returnUrl = "https://storefront.example/checkout/done", pointsToSpend = points,
        }, Guid.NewGuid().ToString(), customer);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        var number = body.GetProperty("orderNumber").GetString()!;
        await _shop.Checkout.CompletedAsync(number);
        return number;
    }

    [Fact]
    public async Task A_new_customer_signs_up_earns_and_spends_points_downloads_their_data_and_erases_the_account()
    {
        // 1. Sign up and verify the email (the link from the local mailbox), then sign in.
        var person = TestPerson.New();
        var customer = _accounts.ClientWith(await _accounts.VerifiedCustomerTokenAsync(person.Email, person.Name));
        var profile = await customer.PatchAsJsonAsync("api/me/profile", new { phone = person.Phone, marketingConsent = new { email = true, sms = false }, consentSource = "walkthrough" });
        profile.StatusCode.ShouldBe(HttpStatusCode.OK, await profile.Content.ReadAsStringAsync());

        // 2. Buy: the paid order's points are pending; delivered a month ago, the return window has passed and they are available.
        var first = await _shop.CustomerBuysAsync(customer, person);
        var pending = await PointsWhenAsync(customer, p => p.GetProperty("pending").GetInt32() > 0);
        pending.GetProperty("available").GetInt32().ShouldBe(0);
        var earned = pending.GetProperty("pending").GetInt32();
        await _shop.DeliverAsync(customer, first, daysAgo: 31);
        var available = await PointsWhenAsync(customer, p => p.GetProperty("available").GetInt32() > 0);
        available.GetProperty("available").GetInt32().ShouldBe(earned);

        // 3. Spend points on a second order: a discount line, and the balance goes down by what was spent.
        var spend = Math.Min(earned, 100);
        var second = await BuySpendingPointsAsync(customer, person, spend);
        var order = await GetOkAsync(customer, $"api/me/orders/{second}");
        order.GetProperty("pricing").GetProperty("promotions").EnumerateArray()
            .ShouldContain(p => p.GetProperty("promotionId").GetString() == "loyalty-points", order.GetProperty("pricing").ToString());
        await PointsWhenAsync(customer, p => p.GetProperty("available").GetInt32() == earned - spend);

        // 4. Review the first order's product: pending until a merchandiser approves it, then the product's rating counts it.
        var productId = (await GetOkAsync(customer, $"api/me/orders/{first}")).GetProperty("pricing").GetProperty("lines")[0].GetProperty("productId").GetString();
        var ratingsBefore = RatingCount(await GetOkAsync(fixture.Client(), $"api/products/{productId}"));
        var posted = await customer.PostAsJsonAsync($"api/products/{productId}/reviews",
            new { rating = 5, title = "Just right", text = "Sturdy, light and it arrived well packed.", displayName = "Zelda P." });
        var review = await posted.JsonAsync();
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, review.ToString());
        review.GetProperty("status").GetString().ShouldBe("pending");
        RatingCount(await GetOkAsync(fixture.Client(), $"api/products/{productId}")).ShouldBe(ratingsBefore, "a pending review does not count");
        var approved = await fixture.Client(ShopRoles.Merchandiser).PostAsync($"api/products/{productId}/reviews/{review.GetProperty("id").GetString()}/approve", null);
        approved.StatusCode.ShouldBe(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        RatingCount(await GetOkAsync(fixture.Client(), $"api/products/{productId}")).ShouldBe(ratingsBefore + 1);
        (await GetOkAsync(customer, "api/me/reviews")).EnumerateArray().ShouldHaveSingleItem().GetProperty("status").GetString().ShouldBe("approved");

        // 5. Download the data: the profile, both orders with the email and address readable, the points, the review.
        var export = await GetOkAsync(customer, "api/me/data-export");
        var exported = export.GetProperty("sections").GetProperty("orders").EnumerateArray().ToList();
        exported.Select(o => o.GetProperty("number").GetString()).ShouldBe([first, second], ignoreOrder: true);
        exported.ShouldAllBe(o => o.GetProperty("email").GetString() == person.Email);
        export.GetProperty("sections").GetProperty("points").ValueKind.ShouldBe(JsonValueKind.Object);
        export.GetProperty("sections").GetProperty("profile").GetProperty("phone").GetString().ShouldBe(person.Phone);
        export.GetProperty("sections").GetProperty("reviews").EnumerateArray().ShouldHaveSingleItem().GetProperty("productId").GetString().ShouldBe(productId);
        export.GetProperty("sections").GetProperty("purchaseHistory").GetProperty("orderCount").GetInt32().ShouldBe(2);

        // ... then erase the account, once the second order has arrived too.
        await _shop.DeliverAsync(customer, second, daysAgo: 31);
        var erased = await customer.PostAsJsonAsync("api/me/erasure", new { confirm = true });
        erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());

        await ShouldBeProblem(await _accounts.TokenAsync(person.Email), HttpStatusCode.Unauthorized);
        RatingCount(await GetOkAsync(fixture.Client(), $"api/products/{productId}")).ShouldBe(ratingsBefore, "an erased customer's review goes (docs/reviews.md)");
        foreach (var (container, text) in await _shop.RawContainersAsync())
            foreach (var value in person.Values)
                text.ShouldNotContain(value, Case.Insensitive, $"{container} still holds {value}");
    }
}
