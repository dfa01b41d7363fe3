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

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// Orders over HTTP: customers see theirs, guests see one with its token, staff search and act. Checkout (which creates
/// orders) is another capability, so each test places its orders through the app's own <see cref="ManageOrders"/> on the
/// same emulators. No payment gateway is registered in the shop yet: refunds are tested here only where they stop
/// before the gateway (the unit tests cover the rest).
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class OrderApiTests(LocalShopFixture fixture)
{
    private const string Provider = "test-gateway";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly ManageOrders _orders = fixture.Shop.Services.GetRequiredService<ManageOrders>();
    private readonly HttpClient _support = fixture.Client(ShopRoles.Support);
    private readonly HttpClient _admin = fixture.Client(ShopRoles.Admin);
    private readonly HttpClient _anonymous = fixture.Client();

    private static Money Eur(decimal amount) => new(amount, "EUR");

    /// <summary>A customer of their own, so tests sharing the shop never see each other's orders.</summary>
    private (string Id, HttpClient Client) NewCustomer()
    {
        var id = "cust_" + Guid.NewGuid().ToString("N")[..12];
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        return (id, client);
    }

    private static string NewEmail() => $"buyer-{Guid.NewGuid():N}@example.com";

    private static PricedCart Breakdown()
    {
        var line = new PricedLine("line_1", "prod_mug", "MUG-BLUE", "Blue mug", 2, Eur(12m), null, Eur(24m),
            [new AppliedDiscount("promo_spring", "Spring sale", null, Eur(2.40m))], Eur(2.40m), Eur(18.15m), 0.19m, Eur(3.45m), Eur(21.60m), null);
        return new PricedCart("EUR", [line], [new AppliedPromotion("promo_spring", "Spring sale", null, Eur(2.40m))], [],
            Eur(24m), Eur(2.40m), Eur(4.90m), Eur(0m), Eur(0.78m), Eur(4.23m), Eur(22.27m), Eur(26.50m), true);
    }

    private async Task<(Order Order, string Token)> PlaceAsync(string? customerId, string? email = null, PaymentMethod method = PaymentMethod.Card)
    {
        var token = OrderAccessTokens.New();
        var order = await _orders.PlaceAsync(new PlaceOrder(OrderNumbers.New(), customerId, email ?? NewEmail(), Breakdown(),
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", null, "GB", null),
            new ShippingQuote("localpost", "standard", Eur(4.90m), 2, 4), method, token), Ct);
        return (order, token);
    }

    private Task<Order> PayAsync(Order order) =>
        _orders.MarkPaidAsync(order.Number, new OrderPayment(PaymentMethod.Card, Provider, "pi_" + order.Number, PaymentOutcome.Captured, Eur(26.50m), Eur(0m)), Actor.System("checkout"), Ct);

    private async Task<Order> DeliveredAsync(string? customerId, string? email = null)
    {
        var (order, _) = await PlaceAsync(customerId, email);
        await PayAsync(order);
        await _orders.AttachShipmentAsync(order.Number, new Shipment("localpost", "shp_" + order.Number, "TRK" + order.Number, "https://track.example/" + order.Number, null), Ct);
        await _orders.ApplyTrackingAsync(new TrackingEvent("evt_1_" + order.Number, "localpost", "TRK" + order.Number, order.Number, TrackingStatus.InTransit, DateTimeOffset.UtcNow.AddHours(-2), "Left the depot"), Ct);
        return await _orders.ApplyTrackingAsync(new TrackingEvent("evt_2_" + order.Number, "localpost", "TRK" + order.Number, order.Number, TrackingStatus.Delivered, DateTimeOffset.UtcNow.AddHours(-1), null), Ct);
    }

    private async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<Versioned<Order>> StoredAsync(string number) => await _orders.GetAsync(number, Ct);

    /// <summary>
    /// Nothing happened to the order since <paramref name="before"/>: no history entry, no refund, same status. (Its ETag
    /// may change meanwhile: the queue function notes which changes it emailed the customer about.)
    /// </summary>
    private async Task ShouldBeUnchangedAsync(Versioned<Order> before)
    {
        var after = (await StoredAsync(before.Value.Number)).Value;
        after.Status.ShouldBe(before.Value.Status);
        after.History.Count.ShouldBe(before.Value.History.Count);
        after.Refunds.Count.ShouldBe(before.Value.Refunds.Count);
        after.Payment?.RefundedAmount.ShouldBe(before.Value.Payment?.RefundedAmount);
    }

    private static HttpRequestMessage WithToken(string url, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Add("Order-Token", token);
        return request;
    }

    // ---- Customers -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_customer_lists_their_own_orders_newest_first_and_no_one_elses()
    {
        var (customerId, client) = NewCustomer();
        var (first, _) = await PlaceAsync(customerId);
        await Task.Delay(20);
        var second = await PayAsync((await PlaceAsync(customerId)).Order);
        await PlaceAsync(NewCustomer().Id);

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
        var (customerId, client) = NewCustomer();
        for (var i = 0; i < 3; i++) await PlaceAsync(customerId);

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
        var (customerId, client) = NewCustomer();
        var order = await DeliveredAsync(customerId);

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
        var (owner, _) = NewCustomer();
        var (order, _) = await PlaceAsync(owner);
        var (_, stranger) = NewCustomer();

        await ShouldBeProblem(await stranger.GetAsync($"api/me/orders/{order.Number}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("SS-0000-0000")]
    [InlineData("not-an-order")]
    public async Task An_unknown_order_number_is_not_found(string number)
    {
        var (_, client) = NewCustomer();

        await ShouldBeProblem(await client.GetAsync($"api/me/orders/{number}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _support.GetAsync($"api/orders/{number}"), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _anonymous.SendAsync(WithToken($"api/orders/{number}/status", "whatever-token-value")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task My_orders_need_a_signed_in_customer()
    {
        await ShouldBeProblem(await _anonymous.GetAsync("api/me/orders"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Merchandiser).GetAsync("api/me/orders"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_customer_asks_to_return_a_delivered_order()
    {
        var (customerId, client) = NewCustomer();
        var order = await DeliveredAsync(customerId);

        var body = await OkJsonAsync(await client.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Too small" }));

        body.GetProperty("status").GetString().ShouldBe("returnRequested");
        body.GetProperty("history").EnumerateArray().Last().GetProperty("note").GetString().ShouldBe("Too small");
        (await StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.ReturnRequested);
    }

    [Fact]
    public async Task A_return_of_an_order_not_yet_delivered_is_a_conflict_naming_its_status()
    {
        var (customerId, client) = NewCustomer();
        var (order, _) = await PlaceAsync(customerId);
        await PayAsync(order);

        var problem = await ShouldBeProblem(await client.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Too small" }), HttpStatusCode.Conflict);

        problem.GetProperty("type").GetString().ShouldEndWith("/rule-violated");
        problem.GetProperty("detail").GetString()!.ShouldContain("is paid");
        (await StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.Paid);
    }

    [Fact]
    public async Task A_return_request_for_someone_elses_order_is_not_found_and_changes_nothing()
    {
        var (owner, _) = NewCustomer();
        var order = await DeliveredAsync(owner);
        var (_, stranger) = NewCustomer();

        await ShouldBeProblem(await stranger.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Mine" }), HttpStatusCode.NotFound);

        (await StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.Delivered);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"reason\":\"\"}")]
    [InlineData("{\"reason\":42}")]
    public async Task A_return_request_without_a_reason_is_bad_input(string body)
    {
        var (customerId, client) = NewCustomer();
        var order = await DeliveredAsync(customerId);

        await ShouldBeProblem(await client.SendRawAsync(HttpMethod.Post, $"api/me/orders/{order.Number}/return-request", body), HttpStatusCode.BadRequest, "reason");

        (await StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.Delivered);
    }

    // ---- Guests ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_guest_sees_the_order_with_its_token_and_not_without_it()
    {
        var (order, token) = await PlaceAsync(customerId: null);
        await PayAsync(order);

        var body = await OkJsonAsync(await _anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", token)));
        body.GetProperty("status").GetString().ShouldBe("paid");
        body.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal().ShouldBe(26.50m);
        body.GetProperty("history").GetArrayLength().ShouldBe(2);
        body.ToString().ShouldNotContain("system:checkout");

        await ShouldBeProblem(await _anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", token[..^1] + "x")), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", null)), HttpStatusCode.NotFound);
        await ShouldBeProblem(await _anonymous.SendAsync(WithToken($"api/orders/{order.Number}/status", new string('a', 5000))), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_token_of_one_order_does_not_open_another()
    {
        var (_, token) = await PlaceAsync(customerId: null);
        var (other, _) = await PlaceAsync(customerId: null);

        await ShouldBeProblem(await _anonymous.SendAsync(WithToken($"api/orders/{other.Number}/status", token)), HttpStatusCode.NotFound);
    }

    // ---- Staff -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Support_finds_orders_by_email_status_and_number()
    {
        var email = NewEmail();
        var (pending, _) = await PlaceAsync(null, email);
        var (paid, _) = await PlaceAsync(null, email);
        await PayAsync(paid);

        var byEmail = await OkJsonAsync(await _support.GetAsync($"api/orders?email={Uri.EscapeDataString(email.ToUpperInvariant())}"));
        byEmail.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()).ShouldBe([paid.Number, pending.Number]);

        var byStatus = await OkJsonAsync(await _support.GetAsync($"api/orders?email={Uri.EscapeDataString(email)}&status=pendingPayment"));
        byStatus.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()).ShouldBe([pending.Number]);

        var byNumber = await OkJsonAsync(await _admin.GetAsync($"api/orders?number={paid.Number.ToLowerInvariant()}"));
        byNumber.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()).ShouldBe(["paid"]);
    }

    [Fact]
    public async Task Support_finds_a_customers_orders_created_in_a_time_range()
    {
        var (customerId, _) = NewCustomer();
        var (order, _) = await PlaceAsync(customerId);
        var from = Uri.EscapeDataString(order.CreatedAt.AddMinutes(-1).ToString("O"));
        var to = Uri.EscapeDataString(order.CreatedAt.AddMinutes(1).ToString("O"));
        var before = Uri.EscapeDataString(order.CreatedAt.AddMinutes(-1).ToString("O"));

        var inRange = await OkJsonAsync(await _support.GetAsync($"api/orders?customerId={customerId}&createdFrom={from}&createdTo={to}"));
        var outOfRange = await OkJsonAsync(await _support.GetAsync($"api/orders?customerId={customerId}&createdTo={before}"));

        inRange.GetProperty("items").GetArrayLength().ShouldBe(1);
        outOfRange.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("status=1", "status")]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("createdFrom=2025-03-14&createdTo=2025-03-01", "createdTo")]
    [InlineData("number=12", "number")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("status=paid&status=shipped", "status")]
    [InlineData("continuationToken=forged", "continuationToken")]
    public async Task A_search_that_makes_no_sense_is_bad_input_naming_the_parameter(string query, string field) =>
        await ShouldBeProblem(await _support.GetAsync($"api/orders?{query}"), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Only_support_and_admins_search_and_read_orders()
    {
        var (customerId, customer) = NewCustomer();
        var (order, _) = await PlaceAsync(customerId);

        await ShouldBeProblem(await customer.GetAsync("api/orders"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.GetAsync($"api/orders/{order.Number}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Merchandiser).GetAsync($"api/orders/{order.Number}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _anonymous.GetAsync("api/orders"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Staff_see_the_whole_order_with_who_did_what()
    {
        var (order, _) = await PlaceAsync(null);
        await PayAsync(order);

        var response = await _support.GetAsync($"api/orders/{order.Number}");
        var body = await OkJsonAsync(response);

        response.Headers.ETag.ShouldNotBeNull();
        body.GetProperty("payment").GetProperty("provider").GetString().ShouldBe(Provider);
        body.GetProperty("history")[1].GetProperty("actor").GetString().ShouldBe("system:checkout");
        body.GetProperty("refundableAmount").GetProperty("amount").GetDecimal().ShouldBe(26.50m);
    }

    [Fact]
    public async Task Support_cancels_an_unpaid_order_once_however_often_asked()
    {
        var (order, _) = await PlaceAsync(null);

        var cancelled = await OkJsonAsync(await _support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Customer called" }));
        await OkJsonAsync(await _support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Customer called" }));

        cancelled.GetProperty("status").GetString().ShouldBe("cancelled");
        cancelled.GetProperty("cancellationReason").GetString().ShouldBe("Customer called");
        var stored = (await StoredAsync(order.Number)).Value;
        stored.History.Count(h => h.Change == OrderChange.Cancelled).ShouldBe(1);
        stored.History[^1].Actor.ShouldBe("dev-support");
    }

    [Fact]
    public async Task A_retried_cancellation_with_the_same_idempotency_key_gets_the_first_answer()
    {
        var (order, _) = await PlaceAsync(null);
        var key = Guid.NewGuid().ToString();

        var first = await _support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Duplicate order" }, key);
        var retry = await _support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Duplicate order" }, key);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
    }

    [Fact]
    public async Task Cancelling_a_delivered_order_is_a_conflict_naming_its_status_and_changes_nothing()
    {
        var order = await DeliveredAsync(null);
        var before = await StoredAsync(order.Number);

        var problem = await ShouldBeProblem(await _support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Too late" }), HttpStatusCode.Conflict, "status");

        problem.GetProperty("detail").GetString().ShouldBe($"Order {order.Number} is delivered; it cannot be cancelled.");
        await ShouldBeUnchangedAsync(before);
    }

    [Theory]
    [InlineData("{}", "reason")]
    [InlineData("{\"reason\":null}", "reason")]
    [InlineData("[]", "body")]
    public async Task A_cancellation_without_a_reason_is_bad_input(string body, string field)
    {
        var (order, _) = await PlaceAsync(null);

        await ShouldBeProblem(await _support.SendRawAsync(HttpMethod.Post, $"api/orders/{order.Number}/cancel", body), HttpStatusCode.BadRequest, field);

        (await StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public async Task Customers_cannot_cancel_or_refund_through_the_staff_routes()
    {
        var (customerId, customer) = NewCustomer();
        var (order, _) = await PlaceAsync(customerId);

        await ShouldBeProblem(await customer.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Mine" }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.PostJsonAsync($"api/orders/{order.Number}/refunds", new { amount = new { amount = 1, currency = "EUR" }, reason = "Mine" }), HttpStatusCode.Forbidden);
        (await StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public async Task Support_receives_a_returned_parcel_or_rejects_the_return()
    {
        var (customerId, customer) = NewCustomer();
        var returned = await DeliveredAsync(customerId);
        var rejected = await DeliveredAsync(customerId);
        foreach (var order in new[] { returned, rejected })
            (await customer.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Not as pictured" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var received = await OkJsonAsync(await _support.PostJsonAsync($"api/orders/{returned.Number}/returns/received", new { }));
        var refused = await OkJsonAsync(await _support.PostJsonAsync($"api/orders/{rejected.Number}/returns/rejected", new { reason = "Worn" }));

        received.GetProperty("status").GetString().ShouldBe("returned");
        refused.GetProperty("status").GetString().ShouldBe("delivered");
        var seen = await OkJsonAsync(await customer.GetAsync($"api/me/orders/{rejected.Number}"));
        seen.GetProperty("history").EnumerateArray().Last().GetProperty("note").GetString().ShouldBe("Worn");
    }

    [Fact]
    public async Task Receiving_a_return_that_was_never_requested_is_a_conflict()
    {
        var order = await DeliveredAsync(null);

        var problem = await ShouldBeProblem(await _support.PostJsonAsync($"api/orders/{order.Number}/returns/received", new { }), HttpStatusCode.Conflict);

        problem.GetProperty("detail").GetString()!.ShouldContain("is delivered");
    }

    // ---- Refunds: the paths that stop before any gateway -----------------------------------------------------------

    public static TheoryData<object, string> BadRefunds => new()
    {
        { new { amount = new { amount = -5, currency = "EUR" }, reason = "Goodwill" }, "amount.amount" },
        { new { amount = new { amount = 0, currency = "EUR" }, reason = "Goodwill" }, "amount.amount" },
        { new { amount = new { amount = 99_000_000, currency = "EUR" }, reason = "Goodwill" }, "amount.amount" },
        { new { amount = new { amount = 1.234, currency = "EUR" }, reason = "Goodwill" }, "amount.amount" },
        { new { amount = new { amount = 5, currency = "USD" }, reason = "Goodwill" }, "amount.currency" },
        { new { amount = new { amount = 5, currency = "EUR" } }, "reason" },
        { new { reason = "Goodwill" }, "amount" },
    };

    [Theory]
    [MemberData(nameof(BadRefunds))]
    public async Task A_refund_of_a_nonsensical_amount_is_bad_input_and_changes_nothing(object body, string field)
    {
        var order = await DeliveredAsync(null);
        var before = await StoredAsync(order.Number);

        await ShouldBeProblem(await _admin.PostJsonAsync($"api/orders/{order.Number}/refunds", body), HttpStatusCode.BadRequest, field);

        await ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task A_refund_of_more_than_was_paid_is_a_conflict_on_the_amount()
    {
        var order = await DeliveredAsync(null);
        var before = await StoredAsync(order.Number);

        var problem = await ShouldBeProblem(await _admin.PostJsonAsync($"api/orders/{order.Number}/refunds",
            new { amount = new { amount = 26.51m, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.Conflict, "amount");

        problem.GetProperty("detail").GetString()!.ShouldContain("26.50 EUR");
        await ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task An_unpaid_order_has_nothing_to_refund()
    {
        var (order, _) = await PlaceAsync(null);

        await ShouldBeProblem(await _admin.PostJsonAsync($"api/orders/{order.Number}/refunds",
            new { amount = new { amount = 1, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.Conflict, "amount");
    }

    [Fact]
    public async Task Refunds_are_for_admins_only()
    {
        var order = await DeliveredAsync(null);

        await ShouldBeProblem(await _support.PostJsonAsync($"api/orders/{order.Number}/refunds",
            new { amount = new { amount = 1, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_refund_of_an_unknown_order_is_not_found()
    {
        await ShouldBeProblem(await _admin.PostJsonAsync($"api/orders/{OrderNumbers.New()}/refunds",
            new { amount = new { amount = 1, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.NotFound);
    }

    // ---- What pricing asks about the customer ----------------------------------------------------------------------

    [Fact]
    public async Task A_customer_prices_as_a_first_order_until_one_of_their_orders_was_paid()
    {
        var profiles = fixture.Shop.Services.GetRequiredService<ICustomerPricingProfiles>();
        var (customerId, _) = NewCustomer();
        var (someoneElses, _) = await PlaceAsync(NewCustomer().Id);
        await PayAsync(someoneElses);

        (await profiles.GetAsync(customerId, Ct)).IsFirstOrder.ShouldBeTrue();
        var (pending, _) = await PlaceAsync(customerId);
        (await profiles.GetAsync(customerId, Ct)).IsFirstOrder.ShouldBeTrue();

        await PayAsync(pending);

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
        var order = await DeliveredAsync(null, email);

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
        var stored = await HttpTestExtensions.EventuallyAsync(() => StoredAsync(order.Number), o => o.Value.NotifiedSequences.Count == 3);
        stored.Value.NotifiedSequences.Count.ShouldBe(3);
        // Every change's integration event is recorded as published on the order in Cosmos DB, so a redelivery skips it.
        var published = await HttpTestExtensions.EventuallyAsync(() => StoredAsync(order.Number), o => o.Value.PublishedSequences.Count == o.Value.History.Count);
        published.Value.PublishedSequences.Order().ShouldBe(published.Value.History.Select(h => h.Sequence).Order());
    }
}
