using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Checkout;

/// <summary>
/// Many shoppers at once on the real local stack: never more orders than units, never more coupon uses than the limit,
/// never two orders for one checkout retried with its Idempotency-Key.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CheckoutConcurrencyTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);
    private LocalCardPaymentSimulator Cards => fixture.Shop.Services.GetRequiredService<LocalCardPaymentSimulator>();

    [Fact]
    public async Task Twelve_buyers_for_five_units_make_exactly_five_paid_orders_and_stock_never_goes_negative()
    {
        var mug = await _shop.ProductInStockAsync(units: 5);
        var carts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _shop.CartWithAsync(mug, 1)));

        var placed = await Task.WhenAll(carts.Select(c => _shop.CheckoutAsync(c, CheckoutShopper.Checkout(c))));

        // A checkout can be refused at once (stock is checked before the order is placed), or placed and then
        // cancelled when its reservation finds the units gone: either way, only five are ever sold.
        placed.ShouldAllBe(p => p.Response.StatusCode == HttpStatusCode.Accepted || p.Response.StatusCode == HttpStatusCode.Conflict);
        var outcomes = await Task.WhenAll(placed.Where(p => p.Response.StatusCode == HttpStatusCode.Accepted)
            .Select(async p => (await _shop.FinishedAsync(p.Number)).ReadOutputAs<CheckoutOutcome>()!));
        outcomes.Count(o => o.Result == CheckoutResult.Completed).ShouldBe(5);
        outcomes.Where(o => o.Result == CheckoutResult.Cancelled).ShouldAllBe(o => o.Reason!.Contains(mug.Sku));
        var stock = await _shop.StockAsync(mug.Sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(0);
        stock.GetProperty("reserved").GetInt32().ShouldBe(0);
        var paidOrders = outcomes.Where(o => o.Result == CheckoutResult.Completed).Select(o => o.OrderNumber).ToHashSet();
        Cards.Payments.Where(p => paidOrders.Contains(p.OrderId)).Count().ShouldBe(5);
        Cards.Payments.Where(p => outcomes.Any(o => o.OrderNumber == p.OrderId && o.Result == CheckoutResult.Cancelled))
            .ShouldAllBe(p => p.Refunded == p.Amount.Amount || p.Status != SimulatedPaymentStatus.Succeeded);
    }

    [Fact]
    public async Task A_coupon_limited_to_three_uses_is_redeemed_exactly_three_times_by_eight_buyers_at_once()
    {
        var mug = await _shop.ProductInStockAsync(units: 50, price: 40.00m);
        var code = TestCatalog.Unique("LIMIT3").ToUpperInvariant().Replace("-", "", StringComparison.Ordinal);
        var marketer = fixture.Client(ShopRoles.Marketer);
        var created = await marketer.PostJsonAsync("api/promotions", new
        {
            name = "Three lucky buyers", kind = "percentOff", percent = 25, code, usageLimit = 3,
            target = new { kind = "products", ids = new[] { mug.ProductId } },
        });
        var promotion = await created.JsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, promotion.ToString());
        var carts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _shop.CartWithAsync(mug, 1, code)));

        var placed = await Task.WhenAll(carts.Select(c => _shop.PlaceAsync(c)));
        var outcomes = await Task.WhenAll(placed.Select(async p => (await _shop.FinishedAsync(p.Number)).ReadOutputAs<CheckoutOutcome>()!));

        outcomes.Count(o => o.Result == CheckoutResult.Completed).ShouldBe(3);
        outcomes.Where(o => o.Result == CheckoutResult.Cancelled).ShouldAllBe(o => o.Reason!.Contains(code));
        var usage = await (await marketer.GetAsync($"api/promotions/{promotion.GetProperty("id").GetString()}/usage")).JsonAsync();
        usage.GetProperty("redeemed").GetInt32().ShouldBe(3);
        usage.GetProperty("held").GetInt32().ShouldBe(0);
        (await _shop.StockAsync(mug.Sku)).GetProperty("totalOnHand").GetInt32().ShouldBe(47);
    }

    [Fact]
    public async Task The_same_checkout_posted_twice_with_one_idempotency_key_makes_one_order()
    {
        var mug = await _shop.ProductInStockAsync(units: 5);
        var cart = await _shop.CartWithAsync(mug, 1);
        var body = CheckoutShopper.Checkout(cart);
        var key = Guid.NewGuid().ToString();

        var both = await Task.WhenAll(_shop.CheckoutAsync(cart, body, key), _shop.CheckoutAsync(cart, body, key));
        var again = await _shop.CheckoutAsync(cart, body, key);

        // One of two simultaneous requests may be told the first is still in progress (409, Retry-After); none makes a second order.
        var accepted = both.Append(again).Where(p => p.Response.StatusCode == HttpStatusCode.Accepted).ToList();
        accepted.Count.ShouldBeGreaterThanOrEqualTo(2);
        accepted.Select(p => p.Number).Distinct().ShouldHaveSingleItem();
        both.Where(p => p.Response.StatusCode != HttpStatusCode.Accepted).ShouldAllBe(p => p.Response.StatusCode == HttpStatusCode.Conflict);
        await _shop.FinishedAsync(accepted[0].Number);
        Cards.Payments.Count(p => p.OrderId == accepted[0].Number).ShouldBe(1);
        (await _shop.StockAsync(mug.Sku)).GetProperty("totalOnHand").GetInt32().ShouldBe(4);
    }
}
