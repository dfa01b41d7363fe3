using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Infrastructure.Payments;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Marketing.FlashSales;

/// <summary>
/// Many buyers at once on the real local stack: a sale sells exactly its cap, never more, though there is more stock;
/// no buyer passes the per-customer limit however many checkouts they start at once.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class FlashSaleRushTests(LocalShopFixture fixture)
{
    private readonly FlashSaleShopper _shop = new(fixture);
    private LocalCardPaymentSimulator Cards => fixture.Shop.Services.GetRequiredService<LocalCardPaymentSimulator>();

    [Fact]
    public async Task Twenty_four_buyers_at_once_for_six_sale_units_buy_exactly_six_at_the_sale_price_though_thirty_are_in_stock()
    {
        const int cap = 6;
        var mug = await _shop.Checkout.ProductInStockAsync(units: 30, price: 20.00m);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 9.00m, cap: cap, perCustomerLimit: 1));
        var carts = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => _shop.Checkout.CartWithAsync(mug, 1)));

        var placed = await Task.WhenAll(carts.Select(c => _shop.Checkout.CheckoutAsync(c, CheckoutShopper.Checkout(c))));

        placed.ShouldAllBe(p => p.Response.StatusCode == HttpStatusCode.Accepted, string.Join("\n", placed.Select(p => p.Body.ToString())));
        var outcomes = await Task.WhenAll(placed.Select(async p => (Placed: p, Outcome: (await _shop.Checkout.FinishedAsync(p.Number)).ReadOutputAs<CheckoutOutcome>()!)));
        // An order placed once the product showed the sale sold out is priced, and may be bought, at the regular price.
        bool AtSalePrice(CheckoutShopper.Placed p) => p.Body.GetProperty("pricing").GetProperty("lines")[0].TryGetProperty("flashSaleId", out _);
        var paidAtSale = outcomes.Where(o => o.Outcome.Result == CheckoutResult.Completed && AtSalePrice(o.Placed)).ToList();
        var paidAtRegular = outcomes.Where(o => o.Outcome.Result == CheckoutResult.Completed && !AtSalePrice(o.Placed)).ToList();
        paidAtSale.Count.ShouldBe(cap);
        paidAtSale.ShouldAllBe(o => o.Placed.Body.GetProperty("pricing").GetProperty("total").GetProperty("amount").GetDecimal() < 20.00m);
        outcomes.Count(o => AtSalePrice(o.Placed)).ShouldBeGreaterThan(cap, "the rush must have more sale-priced checkouts than units, or it proves nothing");

        var results = await _shop.ResultsAsync(saleId);
        results.GetProperty("unitsSold").GetInt32().ShouldBe(cap);
        results.GetProperty("unitsHeld").GetInt32().ShouldBe(0);
        results.GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32().ShouldBe(0);
        var stock = await _shop.Checkout.StockAsync(mug.Sku);
        stock.GetProperty("totalOnHand").GetInt32().ShouldBe(30 - cap - paidAtRegular.Count);
        stock.GetProperty("reserved").GetInt32().ShouldBe(0);
        var cancelled = outcomes.Where(o => o.Outcome.Result == CheckoutResult.Cancelled).Select(o => o.Outcome.OrderNumber).ToHashSet();
        Cards.Payments.Where(p => cancelled.Contains(p.OrderId)).ShouldAllBe(p => p.Refunded == p.Amount.Amount || p.Status != SimulatedPaymentStatus.Succeeded);
        var shown = (await _shop.ProductAsync(mug.ProductId)).Product.GetProperty("flashSales")[0].GetProperty("variants")[0];
        shown.GetProperty("unitsLeft").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task One_guest_checking_out_six_times_at_once_with_a_limit_of_two_buys_two_at_the_sale_price()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 30, price: 20.00m);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 9.00m, cap: 10, perCustomerLimit: 2));
        var carts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _shop.Checkout.CartWithAsync(mug, 1)));
        var email = $"{TestCatalog.Unique("rush")}@example.com";

        // The same person, in any letter case: the limit counts the email as its blind index, which ignores case.
        var placed = await Task.WhenAll(carts.Select((c, i) => _shop.Checkout.CheckoutAsync(c, CheckoutShopper.Checkout(c, email: i % 2 == 0 ? email : email.ToUpperInvariant()))));

        placed.ShouldAllBe(p => p.Response.StatusCode == HttpStatusCode.Accepted);
        var outcomes = await Task.WhenAll(placed.Select(async p => (await _shop.Checkout.FinishedAsync(p.Number)).ReadOutputAs<CheckoutOutcome>()!));
        var told = string.Join("\n", outcomes.Select(o => $"{o.Result}: {o.Reason}"));
        outcomes.Count(o => o.Result == CheckoutResult.Completed).ShouldBe(2, told);
        outcomes.Where(o => o.Result == CheckoutResult.Cancelled).ShouldAllBe(o => o.Reason!.Contains("2 unit(s) per customer"), told);
        var results = await _shop.ResultsAsync(saleId);
        results.GetProperty("unitsSold").GetInt32().ShouldBe(2);
        results.GetProperty("buyers").GetInt32().ShouldBe(1);
        results.GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32().ShouldBe(8);
        (await _shop.Checkout.StockAsync(mug.Sku)).GetProperty("totalOnHand").GetInt32().ShouldBe(28);
    }

    [Fact]
    public async Task A_cart_over_the_per_customer_limit_is_cancelled_before_any_money_moves_and_holds_nothing()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 30, price: 20.00m);
        var saleId = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 9.00m, cap: 10, perCustomerLimit: 2));
        var cart = await _shop.Checkout.CartWithAsync(mug, 3);

        var placed = await _shop.Checkout.PlaceAsync(cart);

        var outcome = (await _shop.Checkout.FinishedAsync(placed.Number)).ReadOutputAs<CheckoutOutcome>()!;
        outcome.Result.ShouldBe(CheckoutResult.Cancelled);
        outcome.Reason!.ShouldContain(mug.Sku);
        Cards.Payments.ShouldNotContain(p => p.OrderId == placed.Number);
        var results = await _shop.ResultsAsync(saleId);
        results.GetProperty("variants")[0].GetProperty("unitsLeft").GetInt32().ShouldBe(10);
        results.GetProperty("unitsHeld").GetInt32().ShouldBe(0);
    }
}
