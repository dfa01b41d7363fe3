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
/// Refunds over HTTP. No payment gateway is registered in the shop yet: refunds are tested here only where they stop
/// before the gateway (the unit tests cover the rest).
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class OrderRefundApiTests(LocalShopFixture fixture)
{
    private readonly OrderApiShopper _shop = new(fixture);

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
        var order = await _shop.DeliveredAsync(null);
        var before = await _shop.StoredAsync(order.Number);

        await ShouldBeProblem(await _shop.Admin.PostJsonAsync($"api/orders/{order.Number}/refunds", body), HttpStatusCode.BadRequest, field);

        await _shop.ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task A_refund_of_more_than_was_paid_is_a_conflict_on_the_amount()
    {
        var order = await _shop.DeliveredAsync(null);
        var before = await _shop.StoredAsync(order.Number);

        var problem = await ShouldBeProblem(await _shop.Admin.PostJsonAsync($"api/orders/{order.Number}/refunds",
            new { amount = new { amount = 26.51m, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.Conflict, "amount");

        problem.GetProperty("detail").GetString()!.ShouldContain("26.50 EUR");
        await _shop.ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task An_unpaid_order_has_nothing_to_refund()
    {
        var (order, _) = await _shop.PlaceAsync(null);

        await ShouldBeProblem(await _shop.Admin.PostJsonAsync($"api/orders/{order.Number}/refunds",
            new { amount = new { amount = 1, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.Conflict, "amount");
    }

    [Fact]
    public async Task Refunds_are_for_admins_only()
    {
        var order = await _shop.DeliveredAsync(null);

        await ShouldBeProblem(await _shop.Support.PostJsonAsync($"api/orders/{order.Number}/refunds",
            new { amount = new { amount = 1, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_refund_of_an_unknown_order_is_not_found()
    {
        await ShouldBeProblem(await _shop.Admin.PostJsonAsync($"api/orders/{OrderNumbers.New()}/refunds",
            new { amount = new { amount = 1, currency = "EUR" }, reason = "Goodwill" }), HttpStatusCode.NotFound);
    }
}
