using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

using static Serverless.Shop.IntegrationTests.Http.OrderApiShopper;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// Orders over HTTP as customers and guests see them: their own orders, one with its token, return requests, what
/// pricing asks about the customer and the emails they get. Checkout (which creates orders) is another capability, so each
/// test places its orders through the app's own <see cref="ManageOrders"/> on the same emulators (<see cref="OrderApiShopper"/>).
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class OrderApiTests(LocalShopFixture fixture)
{
    private readonly OrderApiShopper _shop = new(fixture);

    // ---- Customers -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_customer_lists_their_own_orders_newest_first_and_no_one_elses()
    {
        var (customerId, client) = _shop.NewCustomer();
        var (first, _) = await _shop.PlaceAsync(customerId);
        await Task.Delay(20);
        var second = await _shop.PayAsync((await _shop.PlaceAsync(customerId)).Order);
        await _shop.PlaceAsync(_shop.NewCustomer().Id);

        var page = await OkJsonAsync(await client.GetAsync("api/me/orders"));

        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("number").GetString()).ShouldBe([second.Number, first.Number]);
        items[0].GetProperty("status").GetString().ShouldBe("paid");
        items[0].GetProperty("total").GetProperty("amount").GetDecimal().ShouldBe(26.50m);
        items[0].GetProperty("itemCount").GetInt32().ShouldBe(2);
        items[0].TryGetProperty("history", out _).ShouldBeFalse("a listing carries summaries, not whole orders");
    }

    [Fact]
    public async Task A_customer_pages_through_their_orders()
    {
        var (customerId, client) = _shop.NewCustomer();
        for (var i = 0; i < 3; i++) await _shop.PlaceAsync(customerId);

        var first = await OkJsonAsync(await client.GetAsync("api/me/orders?pageSize=2"));
        var token = first.GetProperty("continuationToken").GetString()!;
        var second = await OkJsonAsync(await client.GetAsync($"api/me/orders?pageSize=2&continuationToken={Uri.EscapeDataString(token)}"));

        first.GetProperty("items").GetArrayLength().ShouldBe(2);
        second.GetProperty("items").GetArrayLength().ShouldBe(1);
        second.TryGetProperty("continuationToken", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_customer_sees_an_order_with_its_breakdown_tracking_and_history_but_no_staff_details()
    {
        var (customerId, client) = _shop.NewCustomer();
        var order = await _shop.DeliveredAsync(customerId);

        var response = await client.GetAsync($"api/me/orders/{order.Number}");
        var body = await OkJsonAsync(response);

        response.Headers.ETag.ShouldNotBeNull();
        body.GetProperty("number").GetString().ShouldBe(order.Number);
        body.GetProperty("status").GetString().ShouldBe("delivered");
        body.GetProperty("pricing").GetProperty("lines")[0].GetProperty("discounts")[0].GetProperty("name").GetString().ShouldBe("Spring sale");
        body.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal().ShouldBe(26.50m);
        body.GetProperty("tracking").GetProperty("trackingUrl").GetString().ShouldBe("https://track.example/" + order.Number);
        body.GetProperty("returnableUntil").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddDays(29));
        body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("change").GetString())
            .ShouldBe(["placed", "paid", "shipmentCreated", "shipped", "delivered"]);
        body.GetProperty("history")[3].GetProperty("note").GetString().ShouldBe("Left the depot");
        var text = body.ToString();
        text.ShouldNotContain("\"actor\"");
        text.ShouldNotContain("staffNote");
        text.ShouldNotContain("accessTokenHash");
    }

    [Fact]
    public async Task Someone_elses_order_is_not_found_for_a_customer()
    {
        var (owner, _) = _shop.NewCustomer();
        var (order, _) = await _shop.PlaceAsync(owner);
        var (_, stranger) = _shop.NewCustomer();

        await ShouldBeProblem(await stranger.GetAsync($"api/me/orders/{order.Number}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("SS-0000-0000")]
    [InlineData("not-an-order")]
    public async Task An_unknown_order_number_is_not_found(string number)
    {
        var (_, client) = _shop.NewCustomer();

        await ShouldBeProblem(await client.GetAsync($"api/me/orders/{number}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Support.GetAsync($"api/orders/{number}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Anonymous.SendAsync(WithToken($"api/orders/{number}/status", "whatever-token-value")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task My_orders_need_a_signed_in_customer()
    {
        await ShouldBeProblem(await _shop.Anonymous.GetAsync("api/me/orders"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Merchandiser).GetAsync("api/me/orders"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_customer_asks_to_return_a_delivered_order()
    {
        var (customerId, client) = _shop.NewCustomer();
        var order = await _shop.DeliveredAsync(customerId);

        var body = await OkJsonAsync(await client.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Too small" }));

        body.GetProperty("status").GetString().ShouldBe("returnRequested");
        body.GetProperty("history").EnumerateArray().Last().GetProperty("note").GetString().ShouldBe("Too small");
        (await _shop.StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.ReturnRequested);
    }

    [Fact]
    public async Task A_return_of_an_order_not_yet_delivered_is_a_conflict_naming_its_status()
    {
        var (customerId, client) = _shop.NewCustomer();
        var (order, _) = await _shop.PlaceAsync(customerId);
        await _shop.PayAsync(order);

        var problem = await ShouldBeProblem(await client.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Too small" }), HttpStatusCode.Conflict);

        problem.GetProperty("type").GetString().ShouldEndWith("/rule-violated");
        problem.GetProperty("detail").GetString()!.ShouldContain("is paid");
        (await _shop.StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.Paid);
    }

    [Fact]
    public async Task A_return_request_for_someone_elses_order_is_not_found_and_changes_nothing()
    {
        var (owner, _) = _shop.NewCustomer();
        var order = await _shop.DeliveredAsync(owner);
        var (_, stranger) = _shop.NewCustomer();

        await ShouldBeProblem(await stranger.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Mine" }), HttpStatusCode.NotFound);

        (await _shop.StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.Delivered);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"reason\":\"\"}")]
    [InlineData("{\"reason\":42}")]
    public async Task A_return_request_without_a_reason_is_bad_input(string body)
    {
        var (customerId, client) = _shop.NewCustomer();
        var order = await _shop.DeliveredAsync(customerId);

        await ShouldBeProblem(await client.SendRawAsync(HttpMethod.Post, $"api/me/orders/{order.Number}/return-request", body), HttpStatusCode.BadRequest, "reason");

        (await _shop.StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.Delivered);
    }

    // ---- Guests ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_guest_sees_the_order_with_its_token_and_not_without_it()
    {
        var (order, token) = await _shop.PlaceAsync(customerId: null);
        await _shop.PayAsync(order);

        var body = await OkJsonAsync(await _shop.Anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", token)));
        body.GetProperty("status").GetString().ShouldBe("paid");
        body.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal().ShouldBe(26.50m);
        body.GetProperty("history").GetArrayLength().ShouldBe(2);
        body.ToString().ShouldNotContain("system:checkout");

        await ShouldBeProblem(await _shop.Anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", token[..^1] + "x")), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", null)), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _shop.Anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", new string('a', 5000))), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_token_of_one_order_does_not_open_another()
    {
        var (_, token) = await _shop.PlaceAsync(customerId: null);
        var (other, _) = await _shop.PlaceAsync(customerId: null);

        await ShouldBeProblem(await _shop.Anonymous.SendAsync(WithToken($"api/orders/{other.Number}/status", token)), HttpStatusCode.NotFound);
    }

    // ---- What pricing asks about the customer ----------------------------------------------------------------------

    [Fact]
    public async Task A_customer_prices_as_a_first_order_until_one_of_their_orders_was_paid()
    {
        var profiles = fixture.Shop.Services.GetRequiredService<ICustomerPricingProfiles>();
        var (customerId, _) = _shop.NewCustomer();
        var (someoneElses, _) = await _shop.PlaceAsync(_shop.NewCustomer().Id);
        await _shop.PayAsync(someoneElses);

        (await profiles.GetAsync(customerId, Ct)).IsFirstOrder.ShouldBeTrue();
        var (pending, _) = await _shop.PlaceAsync(customerId);
        (await profiles.GetAsync(customerId, Ct)).IsFirstOrder.ShouldBeTrue();

        await _shop.PayAsync(pending);

        var profile = await profiles.GetAsync(customerId, Ct);
        profile.IsFirstOrder.ShouldBeFalse();
        profile.CustomerId.ShouldBe(customerId);
        (await profiles.GetAsync(null, Ct)).ShouldBe(PricingCustomer.Guest);
    }

    // ---- What the customer is told -------------------------------------------------------------------------------

    [Fact]
    public async Task The_customer_is_emailed_when_the_order_is_paid_and_shipped_and_invited_to_review_after_delivery()
    {
        var email = NewEmail();
        var order = await _shop.DeliveredAsync(null, email);

        var mails = await HttpTestExtensions.EventuallyAsync(
            () => Task.FromResult(Directory.Exists(fixture.Shop.MailboxDirectory)
                ? Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Select(File.ReadAllText).Where(m => m.Contains($"To: {email}", StringComparison.Ordinal)).ToList()
                : []),
            found => found.Count >= 4);

        // Paid, shipped, delivered, and the review invitation the delivery sends (docs/reviews.md).
        mails.Count.ShouldBe(4);
        mails.ShouldContain(m => m.Contains($"Subject: Review your order {order.Number}", StringComparison.Ordinal) && m.Contains("/api/review-invitations/", StringComparison.Ordinal));
        mails.ShouldContain(m => m.Contains($"Subject: Order {order.Number} confirmed", StringComparison.Ordinal) && m.Contains("26.50 EUR", StringComparison.Ordinal));
        mails.ShouldContain(m => m.Contains($"Subject: Order {order.Number} is on its way", StringComparison.Ordinal) && m.Contains("https://track.example/" + order.Number, StringComparison.Ordinal));
        mails.ShouldContain(m => m.Contains($"Subject: Order {order.Number} was delivered", StringComparison.Ordinal));
        var stored = await HttpTestExtensions.EventuallyAsync(() => _shop.StoredAsync(order.Number), o => o.Value.NotifiedSequences.Count == 3);
        stored.Value.NotifiedSequences.Count.ShouldBe(3);
        // Every change's integration event is recorded as published on the order in Cosmos DB, so a redelivery skips it.
        var published = await HttpTestExtensions.EventuallyAsync(() => _shop.StoredAsync(order.Number), o => o.Value.PublishedSequences.Count == o.Value.History.Count);
        published.Value.PublishedSequences.Order().ShouldBe(published.Value.History.Select(h => h.Sequence).Order());
    }
}
