using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Checkout;
using static Serverless.Shop.IntegrationTests.Analytics.Sales.SalesTestOrders;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>
/// The figures from real purchases: a shopper buys through checkout with the card simulator, staff refund part of one
/// order over the API, and the order-events queue's reaction counts each change; the product's figures then agree to
/// the cent with the orders as the order store holds them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class SalesFromCheckoutTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shopper = new(fixture);
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    [Fact]
    public async Task Orders_paid_and_refunded_through_the_shop_show_in_the_figures_to_the_cent()
    {
        var product = await _shopper.ProductInStockAsync(20, price: 17.35m);
        var numbers = new List<string>();
        foreach (var quantity in (int[])[1, 3, 2])
        {
            var placed = await _shopper.PlaceAsync(await _shopper.CartWithAsync(product, quantity));
            placed.Response.StatusCode.ShouldBe(HttpStatusCode.Accepted, placed.Body.ToString());
            await _shopper.CompletedAsync(placed.Number);
            numbers.Add(placed.Number);
        }
        var refund = await _shopper.Admin.PostJsonAsync($"api/orders/{numbers[1]}/refunds", new { amount = new { amount = 10.05m, currency = "EUR" }, reason = "One arrived scratched" },
            idempotencyKey: Guid.NewGuid().ToString());
        refund.StatusCode.ShouldBe(HttpStatusCode.OK, (await refund.JsonAsync()).ToString());

        var store = fixture.Shop.Services.GetRequiredService<IOrderStore>();
        var orders = new List<Order>();
        foreach (var number in numbers) orders.Add((await store.FindAsync(number, CancellationToken.None))!.Value);
        orders.ShouldAllBe(o => o.PaidAt != null);
        var from = Hour(orders.Min(o => o.PaidAt!.Value));
        var to = Hour(DateTimeOffset.UtcNow).AddHours(1);
        var expectedNet = ExpectedNet(orders, from, to);
        expectedNet.ShouldBe(orders.Sum(o => Cents(o.Pricing.Total.Amount)) - 1005);

        // The queue counts each change shortly after it: wait until the refund is in.
        var row = await HttpTestExtensions.EventuallyAsync(async () =>
        {
            var body = await (await _marketer.GetAsync($"api/analytics/sales?groupBy=product&from={Iso(from)}&to={Iso(to)}")).JsonAsync();
            return RowsByKey(body).TryGetValue(product.ProductId, out var r) ? r : default;
        }, r => r.ValueKind == System.Text.Json.JsonValueKind.Object && r.GetProperty("refunds").GetInt64() == 1005 && r.GetProperty("orders").GetInt64() == 3,
        TimeSpan.FromSeconds(60));

        row.GetProperty("net").GetInt64().ShouldBe(expectedNet);
        row.GetProperty("units").GetInt64().ShouldBe(6);
        // Gross leaves tax out where prices include it (docs/analytics.md): list totals, less their tax then.
        row.GetProperty("gross").GetInt64().ShouldBe(orders.Sum(o => o.Pricing.Lines.Sum(l => Cents(l.ListTotal.Amount) - (o.Pricing.PricesIncludeTax ? Cents(l.Tax.Amount) : 0))));
    }
}
