using System.Net;

namespace Serverless.Shop.IntegrationTests.Marketing.FlashSales;

/// <summary>Each kind of bad flash sale is refused with a problem naming the field at fault, and leaves nothing behind.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class FlashSaleBadInputTests(LocalShopFixture fixture)
{
    private readonly FlashSaleShopper _shop = new(fixture);

    [Fact]
    public async Task A_window_in_the_past_is_refused()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 10);
        var response = await _shop.CreateAsync(FlashSaleShopper.Body(mug, 10.00m, cap: 2,
            startsAt: DateTimeOffset.UtcNow.AddDays(-2), endsAt: DateTimeOffset.UtcNow.AddDays(-1)));
        var problem = await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "startsAt");
        problem.GetProperty("errors").TryGetProperty("endsAt", out _).ShouldBeTrue(problem.ToString());
        await NoSaleOn(mug);
    }

    [Fact]
    public async Task A_window_ending_before_it_starts_is_refused()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 10);
        var startsAt = DateTimeOffset.UtcNow.AddHours(2);
        var response = await _shop.CreateAsync(FlashSaleShopper.Body(mug, 10.00m, cap: 2, startsAt: startsAt, endsAt: startsAt.AddMinutes(-30)));
        await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "endsAt");
        await NoSaleOn(mug);
    }

    [Fact]
    public async Task A_cap_above_the_stock_is_refused()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 3);
        var response = await _shop.CreateAsync(FlashSaleShopper.Body(mug, 10.00m, cap: 4));
        var problem = await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest, "items[0].cap");
        problem.GetProperty("errors").GetProperty("items[0].cap")[0].GetString()!.ShouldContain("3 unit(s)");
        await NoSaleOn(mug);
    }

    [Fact]
    public async Task A_sale_price_not_below_the_price_is_refused()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 10, price: 20.00m);
        await ProblemAssertions.ShouldBeProblem(await _shop.CreateAsync(FlashSaleShopper.Body(mug, 20.00m, cap: 2)), HttpStatusCode.BadRequest, "items[0].salePrice.amount");
        await ProblemAssertions.ShouldBeProblem(await _shop.CreateAsync(FlashSaleShopper.Body(mug, 25.00m, cap: 2)), HttpStatusCode.BadRequest, "items[0].salePrice.amount");
        await NoSaleOn(mug);
    }

    [Fact]
    public async Task An_unknown_sku_or_product_is_refused()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 10);
        var unknownSku = await _shop.CreateAsync(FlashSaleShopper.Body(mug with { Sku = "NO-SUCH-SKU" }, 10.00m, cap: 2));
        await ProblemAssertions.ShouldBeProblem(unknownSku, HttpStatusCode.BadRequest, "items[0].sku");
        var unknownProduct = await _shop.CreateAsync(FlashSaleShopper.Body(mug with { ProductId = "prod_doesnotexist" }, 10.00m, cap: 2));
        await ProblemAssertions.ShouldBeProblem(unknownProduct, HttpStatusCode.BadRequest, "items[0].productId");
        await NoSaleOn(mug);
    }

    [Fact]
    public async Task A_second_sale_of_a_sku_at_an_overlapping_time_is_refused_and_one_right_after_it_is_not()
    {
        var mug = await _shop.Checkout.ProductInStockAsync(units: 10);
        var endsAt = DateTimeOffset.UtcNow.AddHours(2);
        var first = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 10.00m, cap: 2, endsAt: endsAt));

        var overlapping = await _shop.CreateAsync(FlashSaleShopper.Body(mug, 9.00m, cap: 2, startsAt: endsAt.AddHours(-1), endsAt: endsAt.AddHours(1)));
        var problem = await ProblemAssertions.ShouldBeProblem(overlapping, HttpStatusCode.Conflict, "items[0].sku");
        problem.GetProperty("detail").GetString()!.ShouldContain(first);
        var next = await _shop.SaleAsync(FlashSaleShopper.Body(mug, 9.00m, cap: 2, startsAt: endsAt, endsAt: endsAt.AddHours(1)));

        var sales = (await _shop.ProductAsync(mug.ProductId, _shop.Marketer)).Product.GetProperty("flashSales").EnumerateArray().Select(s => s.GetProperty("saleId").GetString()).ToList();
        sales.ShouldBe([first, next]);
        var extendIntoNext = await _shop.Marketer.PostJsonAsync($"api/flash-sales/{first}/extend", new { endsAt = endsAt.AddMinutes(30) });
        await ProblemAssertions.ShouldBeProblem(extendIntoNext, HttpStatusCode.Conflict, "items[0].sku");
    }

    [Fact]
    public async Task A_sale_without_items_limit_or_end_names_every_missing_field()
    {
        var response = await _shop.CreateAsync(new { name = "", items = Array.Empty<object>() });
        var problem = await ProblemAssertions.ShouldBeProblem(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "endsAt", "perCustomerLimit", "items" })
            errors.TryGetProperty(field, out _).ShouldBeTrue($"{field} missing from {problem}");
    }

    private async Task NoSaleOn(Checkout.CheckoutShopper.Variant mug) =>
        (await _shop.ProductAsync(mug.ProductId, _shop.Marketer)).Product.TryGetProperty("flashSales", out _).ShouldBeFalse();
}
