using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Privacy;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Customers;

/// <summary>Support and admins find a customer by email, phone, name or order number, and see the profile, orders, points, reviews and purchase history.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class CustomerSupportTests(LocalShopFixture fixture)
{
    private readonly HttpClient _support = fixture.Client(ShopRoles.Support);
    private readonly HttpClient _admin = fixture.Client(ShopRoles.Admin);

    private async Task<List<string>> FoundAsync(string query, HttpClient? staff = null)
    {
        var response = await (staff ?? _support).GetAsync($"api/customers?{query}");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("customerId").GetString()!)];
    }

    [Fact]
    public async Task Support_finds_a_customer_by_email_phone_or_name_in_their_normalised_forms_and_no_one_else()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = LocalCustomerAccounts.NewEmail("findme");
        var (customer, customerId) = await ProfileClient.SignUpAsync(fixture, email, $"José García{tag}");
        var phone = $"+34 91 {Random.Shared.Next(100, 999)} {Random.Shared.Next(1000, 9999)}";
        (await customer.PatchAsync(new { phone })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (_, otherId) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("other"), $"José García{tag} Junior");

        (await FoundAsync($"email={Uri.EscapeDataString(email.ToUpperInvariant())}")).ShouldBe([customerId]);
        (await FoundAsync($"phone={Uri.EscapeDataString(phone.Replace(" ", "", StringComparison.Ordinal))}")).ShouldBe([customerId]);
        (await FoundAsync($"name={Uri.EscapeDataString($"  jose   GARCIA{tag} ")}", _admin)).ShouldBe([customerId]);
        (await FoundAsync($"name={Uri.EscapeDataString($"José García{tag} Junior")}")).ShouldBe([otherId]);
        (await FoundAsync($"email=nobody-{tag}%40example.com")).ShouldBeEmpty();

        var match = await (await _support.GetAsync($"api/customers?email={Uri.EscapeDataString(email)}")).JsonAsync();
        var found = match.GetProperty("items")[0];
        found.GetProperty("email").GetString().ShouldBe(email);
        found.GetProperty("phone").GetString().ShouldBe(phone);
        found.GetProperty("name").GetString().ShouldBe($"José García{tag}");
    }

    [Fact]
    public async Task Support_finds_a_customer_by_order_number_and_sees_the_profile_the_orders_and_the_points()
    {
        var person = TestPerson.New();
        var (customer, customerId) = await ProfileClient.SignUpAsync(fixture, LocalCustomerAccounts.NewEmail("overview"), "Olga Overview");
        var number = await new PrivacyShopper(fixture).CustomerBuysAsync(customer.Http, person);

        (await FoundAsync($"orderNumber={number}")).ShouldBe([customerId]);
        var overview = await HttpTestExtensions.EventuallyAsync(
            async () => await (await _support.GetAsync($"api/customers/{Uri.EscapeDataString(customerId)}")).JsonAsync(),
            o => o.GetProperty("points").GetProperty("pending").GetInt32() > 0);

        overview.GetProperty("customerId").GetString().ShouldBe(customerId);
        overview.GetProperty("profile").GetProperty("name").GetString().ShouldBe("Olga Overview");
        overview.GetProperty("recentOrders").EnumerateArray().Select(o => o.GetProperty("number").GetString()).ShouldBe([number]);
        overview.GetProperty("points").GetProperty("pending").GetInt32().ShouldBeGreaterThan(0);
        var sections = overview.GetProperty("sections");
        sections.GetProperty("reviews").ValueKind.ShouldBe(JsonValueKind.Null, "no review yet");

        // Delivered and reviewed: support sees the review (pending moderation) and the kept purchase history.
        await new PrivacyShopper(fixture).DeliverAsync(customer.Http, number);
        var productId = (await (await customer.Http.GetAsync($"api/me/orders/{number}")).JsonAsync())
            .GetProperty("pricing").GetProperty("lines")[0].GetProperty("productId").GetString();
        var reviewed = await customer.Http.PostAsJsonAsync($"api/products/{productId}/reviews",
            new { rating = 4, title = "Sturdy", text = "It arrived quickly and does the job.", displayName = "Olga O." });
        reviewed.StatusCode.ShouldBe(HttpStatusCode.Created, await reviewed.Content.ReadAsStringAsync());
        sections = (await HttpTestExtensions.EventuallyAsync(
            async () => await (await _support.GetAsync($"api/customers/{Uri.EscapeDataString(customerId)}")).JsonAsync(),
            o => o.GetProperty("sections").GetProperty("purchaseHistory").ValueKind == JsonValueKind.Object)).GetProperty("sections");
        var review = sections.GetProperty("reviews").EnumerateArray().ShouldHaveSingleItem();
        review.GetProperty("productId").GetString().ShouldBe(productId);
        review.GetProperty("displayName").GetString().ShouldBe("Olga O.");
        sections.GetProperty("purchaseHistory").GetProperty("orderCount").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_search_needs_exactly_one_well_formed_criterion_and_an_unknown_customer_is_a_404()
    {
        await ShouldBeProblem(await _support.GetAsync("api/customers"), HttpStatusCode.BadRequest, "email");
        await ShouldBeProblem(await _support.GetAsync("api/customers?email=a%40example.com&name=Sam"), HttpStatusCode.BadRequest);
        await ShouldBeProblem(await _support.GetAsync("api/customers?phone=12345"), HttpStatusCode.BadRequest, "phone");
        await ShouldBeProblem(await _support.GetAsync($"api/customers?name={new string('x', 300)}"), HttpStatusCode.BadRequest, "name");
        await ShouldBeProblem(await _support.GetAsync($"api/customers/never-seen-{Guid.NewGuid():N}"), HttpStatusCode.NotFound);
        (await FoundAsync("orderNumber=SS-NONE-XXXX")).ShouldBeEmpty();
        await ShouldBeProblem(await fixture.Client(ShopRoles.Merchandiser).GetAsync("api/customers?name=Sam"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client().GetAsync("api/customers/anyone"), HttpStatusCode.Unauthorized);
    }
}
