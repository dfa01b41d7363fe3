using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.IntegrationTests.Checkout;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Loyalty;

/// <summary>
/// Spending points at checkout over HTTP, through the checkout orchestration: the points are a discount line in the
/// price breakdown, held with the promotion uses, redeemed when the order is paid, and never spent twice however many
/// checkouts at once ask for them. The points to spend are written into the ledger as earning would leave them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class PointsCheckoutTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    private async Task<(string Id, HttpClient Client)> CustomerWithPointsAsync(int available)
    {
        var id = "cust_" + Guid.NewGuid().ToString("N")[..12];
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Shop.Tokens.For(ShopRoles.Customer, subject: id));
        var now = DateTimeOffset.UtcNow;
        await fixture.Shop.Services.GetRequiredService<IPointsAccountStore>().SaveAsync(new PointsAccount(id,
            [new OrderPoints("SS-EARLIER", available, 0, Available: true, OnHold: false, now.AddDays(-60), now.AddDays(-20), now.AddDays(345))],
            [], ["SS-EARLIER"]), null, CancellationToken.None);
        return (id, client);
    }

    private Task<CheckoutShopper.Placed> CheckoutAsync(HttpClient customer, CheckoutShopper.Cart cart, int? points) =>
        SendCheckoutAsync(customer, cart, new
        {
            cartId = cart.Id, email = $"{Guid.NewGuid():N}@example.com", shippingAddress = CheckoutShopper.Address(),
            paymentMethod = "card", paymentToken = CheckoutShopper.VisaToken, pointsToSpend = points,
        });

    private async Task<CheckoutShopper.Placed> SendCheckoutAsync(HttpClient client, CheckoutShopper.Cart cart, object body)
    {
        var response = await _shop.SendAsync(HttpMethod.Post, "api/checkouts", cart.Token, body, Guid.NewGuid().ToString(), client);
        return new CheckoutShopper.Placed(response, await response.JsonAsync());
    }

    private static async Task<JsonElement> PointsAsync(HttpClient customer)
    {
        var response = await customer.GetAsync("api/me/points");
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Fact]
    public async Task A_checkout_that_spends_points_shows_them_as_a_discount_line_and_redeems_them_once_paid()
    {
        var (_, customer) = await CustomerWithPointsAsync(500);
        var mug = await _shop.ProductInStockAsync(units: 5, price: 20.00m);
        var cart = await _shop.CartWithAsync(mug, 1);

        var placed = await CheckoutAsync(customer, cart, 300);

        placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
        var pricing = placed.Body.GetProperty("pricing");
        // Other tests of the shared shop leave automatic promotions running, so the points' line is found among them.
        var promotions = pricing.GetProperty("promotions").EnumerateArray().ToList();
        var line = promotions.Where(p => p.GetProperty("promotionId").GetString() == PointsDiscount.PromotionId).ShouldHaveSingleItem();
        line.GetProperty("name").GetString().ShouldBe("300 loyalty points");
        line.GetProperty("discount").GetProperty("amount").GetDecimal().ShouldBe(3.00m, "300 points at 0.01 EUR each");
        var discounts = promotions.Sum(p => p.GetProperty("discount").GetProperty("amount").GetDecimal());
        pricing.GetProperty("discountTotal").GetProperty("amount").GetDecimal().ShouldBe(discounts);
        (pricing.GetProperty("total").GetProperty("amount").GetDecimal() + discounts)
            .ShouldBe(20.00m + pricing.GetProperty("shippingFee").GetProperty("amount").GetDecimal() - pricing.GetProperty("shippingDiscount").GetProperty("amount").GetDecimal());

        await _shop.CompletedAsync(placed.Number);
        var points = await HttpTestExtensions.EventuallyAsync(() => PointsAsync(customer),
            p => p.GetProperty("movements").EnumerateArray().Any(m => m.GetProperty("kind").GetString() == "earned"));
        points.GetProperty("available").GetInt32().ShouldBe(200);
        points.GetProperty("held").GetInt32().ShouldBe(0);
        var movements = points.GetProperty("movements").EnumerateArray().ToList();
        movements.ShouldContain(m => m.GetProperty("kind").GetString() == "redeemed" && m.GetProperty("points").GetInt32() == -300 && m.GetProperty("orderNumber").GetString() == placed.Number);
        movements.ShouldContain(m => m.GetProperty("kind").GetString() == "earned" && m.GetProperty("orderNumber").GetString() == placed.Number,
            "the order earns points on what was paid after the discount (pending)");
    }

    [Fact]
    public async Task Six_checkouts_at_once_spending_the_same_points_redeem_them_only_as_far_as_the_balance_goes()
    {
        var (_, customer) = await CustomerWithPointsAsync(500);
        var mug = await _shop.ProductInStockAsync(units: 20, price: 20.00m);
        var carts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _shop.CartWithAsync(mug, 1)));

        var placed = await Task.WhenAll(carts.Select(c => CheckoutAsync(customer, c, 200)));

        // Each is placed (the balance read at the start shows 500) or refused at once by that read; the holds decide.
        placed.ShouldAllBe(p => p.Response.StatusCode == HttpStatusCode.Accepted || p.Response.StatusCode == HttpStatusCode.Conflict);
        var outcomes = await Task.WhenAll(placed.Where(p => p.Response.StatusCode == HttpStatusCode.Accepted)
            .Select(async p => (await _shop.FinishedAsync(p.Number)).ReadOutputAs<CheckoutOutcome>()!));
        outcomes.Count(o => o.Result == CheckoutResult.Completed).ShouldBe(2, "500 points pay for two orders of 200");
        outcomes.Where(o => o.Result == CheckoutResult.Cancelled).ShouldAllBe(o => o.Reason!.Contains("points to spend"));

        var points = await PointsAsync(customer);
        points.GetProperty("available").GetInt32().ShouldBe(100);
        points.GetProperty("held").GetInt32().ShouldBe(0, "the cancelled checkouts gave their holds back");
        points.GetProperty("movements").EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "redeemed")
            .Sum(m => m.GetProperty("points").GetInt32()).ShouldBe(-400);
    }

    [Fact]
    public async Task Spending_more_points_than_the_balance_a_negative_number_or_as_a_guest_is_refused_and_nothing_is_held()
    {
        var (_, customer) = await CustomerWithPointsAsync(100);
        var mug = await _shop.ProductInStockAsync(units: 5, price: 20.00m);
        var cart = await _shop.CartWithAsync(mug, 1);

        var tooMany = await CheckoutAsync(customer, cart, 101);
        await ShouldBeProblem(tooMany.Response, HttpStatusCode.Conflict, "pointsToSpend");
        var negative = await CheckoutAsync(customer, cart, -5);
        await ShouldBeProblem(negative.Response, HttpStatusCode.BadRequest, "pointsToSpend");
        var guest = await CheckoutAsync(fixture.Client(), cart, 50);
        await ShouldBeProblem(guest.Response, HttpStatusCode.BadRequest, "pointsToSpend");

        var points = await PointsAsync(customer);
        points.GetProperty("available").GetInt32().ShouldBe(100);
        points.GetProperty("held").GetInt32().ShouldBe(0);
        // The cart is still open: the same checkout without points goes through.
        (await CheckoutAsync(customer, cart, null)).Response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Points_worth_more_than_the_goods_are_refused_with_the_most_the_order_can_take()
    {
        var (_, customer) = await CustomerWithPointsAsync(5000);
        var mug = await _shop.ProductInStockAsync(units: 5, price: 20.00m);
        var cart = await _shop.CartWithAsync(mug, 1);

        // The goods after the promotions that apply (other tests of the shared shop leave automatic ones running).
        var priced = await _shop.SendAsync(HttpMethod.Get, $"api/carts/{cart.Id}", cart.Token, null);
        var promotions = (await priced.JsonAsync()).GetProperty("pricing").GetProperty("promotions").EnumerateArray()
            .Sum(p => p.GetProperty("discount").GetProperty("amount").GetDecimal());
        var most = (int)Math.Floor((20.00m - promotions) / 0.01m);

        var placed = await CheckoutAsync(customer, cart, 2500);

        var problem = await ShouldBeProblem(placed.Response, HttpStatusCode.Conflict, "pointsToSpend");
        problem.GetProperty("detail").GetString()!.ShouldContain($"at most {most} points");
        (await PointsAsync(customer)).GetProperty("held").GetInt32().ShouldBe(0);
    }
}
