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
/// Orders over HTTP as staff see and change them: search, the whole order, cancellation and returned parcels. Orders are
/// placed through the app's own <see cref="ManageOrders"/> (<see cref="OrderApiShopper"/>).
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class StaffOrderApiTests(LocalShopFixture fixture)
{
    private readonly OrderApiShopper _shop = new(fixture);

    // ---- Staff -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Support_finds_orders_by_email_status_and_number()
    {
        var email = NewEmail();
        var (pending, _) = await _shop.PlaceAsync(null, email);
        var (paid, _) = await _shop.PlaceAsync(null, email);
        await _shop.PayAsync(paid);

        var byEmail = await OkJsonAsync(await _shop.Support.GetAsync($"api/orders?email={Uri.EscapeDataString(email.ToUpperInvariant())}"));
        byEmail.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()).ShouldBe([paid.Number, pending.Number]);

        var byStatus = await OkJsonAsync(await _shop.Support.GetAsync($"api/orders?email={Uri.EscapeDataString(email)}&status=pendingPayment"));
        byStatus.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()).ShouldBe([pending.Number]);

        var byNumber = await OkJsonAsync(await _shop.Admin.GetAsync($"api/orders?number={paid.Number.ToLowerInvariant()}"));
        byNumber.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()).ShouldBe(["paid"]);
    }

    [Fact]
    public async Task Support_finds_a_customers_orders_created_in_a_time_range()
    {
        var (customerId, _) = _shop.NewCustomer();
        var (order, _) = await _shop.PlaceAsync(customerId);
        var from = Uri.EscapeDataString(order.CreatedAt.AddMinutes(-1).ToString("O"));
        var to = Uri.EscapeDataString(order.CreatedAt.AddMinutes(1).ToString("O"));
        var before = Uri.EscapeDataString(order.CreatedAt.AddMinutes(-1).ToString("O"));

        var inRange = await OkJsonAsync(await _shop.Support.GetAsync($"api/orders?customerId={customerId}&createdFrom={from}&createdTo={to}"));
        var outOfRange = await OkJsonAsync(await _shop.Support.GetAsync($"api/orders?customerId={customerId}&createdTo={before}"));

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
        await ShouldBeProblem(await _shop.Support.GetAsync($"api/orders?{query}"), HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task Only_support_and_admins_search_and_read_orders()
    {
        var (customerId, customer) = _shop.NewCustomer();
        var (order, _) = await _shop.PlaceAsync(customerId);

        await ShouldBeProblem(await customer.GetAsync("api/orders"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.GetAsync($"api/orders/{order.Number}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await fixture.Client(ShopRoles.Merchandiser).GetAsync($"api/orders/{order.Number}"), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await _shop.Anonymous.GetAsync("api/orders"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Staff_see_the_whole_order_with_who_did_what()
    {
        var (order, _) = await _shop.PlaceAsync(null);
        await _shop.PayAsync(order);

        var response = await _shop.Support.GetAsync($"api/orders/{order.Number}");
        var body = await OkJsonAsync(response);

        response.Headers.ETag.ShouldNotBeNull();
        body.GetProperty("payment").GetProperty("provider").GetString().ShouldBe(Provider);
        body.GetProperty("history")[1].GetProperty("actor").GetString().ShouldBe("system:checkout");
        body.GetProperty("refundableAmount").GetProperty("amount").GetDecimal().ShouldBe(26.50m);
    }

    [Fact]
    public async Task Support_cancels_an_unpaid_order_once_however_often_asked()
    {
        var (order, _) = await _shop.PlaceAsync(null);

        var cancelled = await OkJsonAsync(await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Customer called" }));
        await OkJsonAsync(await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Customer called" }));

        cancelled.GetProperty("status").GetString().ShouldBe("cancelled");
        cancelled.GetProperty("cancellationReason").GetString().ShouldBe("Customer called");
        var stored = (await _shop.StoredAsync(order.Number)).Value;
        stored.History.Count(h => h.Change == OrderChange.Cancelled).ShouldBe(1);
        stored.History[^1].Actor.ShouldBe("dev-support");
    }

    [Fact]
    public async Task A_retried_cancellation_with_the_same_idempotency_key_gets_the_first_answer()
    {
        var (order, _) = await _shop.PlaceAsync(null);
        var key = Guid.NewGuid().ToString();

        var first = await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Duplicate order" }, key);
        var retry = await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Duplicate order" }, key);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        retry.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
    }

    [Fact]
    public async Task Cancelling_a_delivered_order_is_a_conflict_naming_its_status_and_changes_nothing()
    {
        var order = await _shop.DeliveredAsync(null);
        var before = await _shop.StoredAsync(order.Number);

        var problem = await ShouldBeProblem(await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Too late" }), HttpStatusCode.Conflict, "status");

        problem.GetProperty("detail").GetString().ShouldBe($"Order {order.Number} is delivered; it cannot be cancelled.");
        await _shop.ShouldBeUnchangedAsync(before);
    }

    [Theory]
    [InlineData("{}", "reason")]
    [InlineData("{\"reason\":null}", "reason")]
    [InlineData("[]", "body")]
    public async Task A_cancellation_without_a_reason_is_bad_input(string body, string field)
    {
        var (order, _) = await _shop.PlaceAsync(null);

        await ShouldBeProblem(await _shop.Support.SendRawAsync(HttpMethod.Post, $"api/orders/{order.Number}/cancel", body), HttpStatusCode.BadRequest, field);

        (await _shop.StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public async Task Customers_cannot_cancel_or_refund_through_the_staff_routes()
    {
        var (customerId, customer) = _shop.NewCustomer();
        var (order, _) = await _shop.PlaceAsync(customerId);

        await ShouldBeProblem(await customer.PostJsonAsync($"api/orders/{order.Number}/cancel", new { reason = "Mine" }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.PostJsonAsync($"api/orders/{order.Number}/refunds", new { amount = new { amount = 1, currency = "EUR" }, reason = "Mine" }), HttpStatusCode.Forbidden);
        (await _shop.StoredAsync(order.Number)).Value.Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public async Task Support_receives_a_returned_parcel_or_rejects_the_return()
    {
        var (customerId, customer) = _shop.NewCustomer();
        var returned = await _shop.DeliveredAsync(customerId);
        var rejected = await _shop.DeliveredAsync(customerId);
        foreach (var order in new[] { returned, rejected })
            (await customer.PostJsonAsync($"api/me/orders/{order.Number}/return-request", new { reason = "Not as pictured" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var received = await OkJsonAsync(await _shop.Support.PostJsonAsync($"api/orders/{returned.Number}/returns/received", new { }));
        var refused = await OkJsonAsync(await _shop.Support.PostJsonAsync($"api/orders/{rejected.Number}/returns/rejected", new { reason = "Worn" }));

        received.GetProperty("status").GetString().ShouldBe("returned");
        refused.GetProperty("status").GetString().ShouldBe("delivered");
        var seen = await OkJsonAsync(await customer.GetAsync($"api/me/orders/{rejected.Number}"));
        seen.GetProperty("history").EnumerateArray().Last().GetProperty("note").GetString().ShouldBe("Worn");
    }

    [Fact]
    public async Task Receiving_a_return_that_was_never_requested_is_a_conflict()
    {
        var order = await _shop.DeliveredAsync(null);

        var problem = await ShouldBeProblem(await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/returns/received", new { }), HttpStatusCode.Conflict);

        problem.GetProperty("detail").GetString()!.ShouldContain("is delivered");
    }
}
