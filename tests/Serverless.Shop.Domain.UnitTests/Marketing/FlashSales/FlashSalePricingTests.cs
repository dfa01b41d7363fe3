using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Marketing.FlashSales;

/// <summary>Pricing charges the sale price of a live sale with units left, read from the product's copy in the one product read.</summary>
public sealed class FlashSalePricingTests
{
    private static readonly DateTimeOffset Now = FixedClock.Instant;
    private readonly InMemoryProductStore _products = new();

    private Task<PricedCart> PriceAsync(int quantity = 2) =>
        new PriceCart(_products, new InMemoryPromotionCatalog(), new FakeCustomerPricingProfiles(), Engine(StackingStrategy.BestForCustomer, pricesIncludeTax: true),
                TaxSource.FromRates(new FixedTaxRateCatalog(new RateTableTaxRates([new("DE", null, "standard", 0.19m)]))), new ShopSettings("EUR"), new FixedClock())
            .PriceAsync(new CartPricingInput([new CartLineRef("line_1", "prod_mug", "MUG-1", quantity)], [], null, new TaxLocation("DE", null), null), CancellationToken.None);

    private void MugWith(params ProductFlashSale[] sales) => _products.Add(CatalogExamples.ExistingMug("prod_mug") with
    {
        Variants = [new ProductVariant("MUG-1", null, new Dictionary<string, string>(), new Money(20m, "EUR"), null)],
        FlashSales = sales.Length == 0 ? null : sales,
    });

    private static ProductFlashSale Sale(DateTimeOffset startsAt, DateTimeOffset endsAt, int unitsLeft = 5, string id = "sale_1") =>
        new(id, "Rush", startsAt, endsAt, 2, [new ProductFlashSaleVariant("MUG-1", new Money(9m, "EUR"), unitsLeft)]);

    [Fact]
    public async Task A_live_sale_prices_the_line_at_the_sale_price_and_names_the_sale()
    {
        MugWith(Sale(Now.AddMinutes(-1), Now.AddHours(1)));

        var cart = await PriceAsync();

        var line = cart.Lines.ShouldHaveSingleItem();
        line.UnitSalePrice.ShouldBe(new Money(9m, "EUR"));
        line.FlashSaleId.ShouldBe("sale_1");
        cart.Total.ShouldBe(new Money(18m, "EUR"));
    }

    [Theory]
    [InlineData("scheduled")]
    [InlineData("ended")]
    [InlineData("sold out")]
    public async Task A_sale_not_live_or_sold_out_leaves_the_regular_price(string state)
    {
        MugWith(state switch
        {
            "scheduled" => Sale(Now.AddMinutes(1), Now.AddHours(1)),
            "ended" => Sale(Now.AddHours(-1), Now),
            _ => Sale(Now.AddMinutes(-1), Now.AddHours(1), unitsLeft: 0),
        });

        var cart = await PriceAsync();

        cart.Lines.ShouldHaveSingleItem().FlashSaleId.ShouldBeNull();
        cart.Total.ShouldBe(new Money(40m, "EUR"));
    }

    [Fact]
    public void Shoppers_see_only_the_sales_live_at_the_time_of_the_read()
    {
        MugWith(Sale(Now.AddMinutes(-1), Now.AddHours(1), id: "sale_now"), Sale(Now.AddHours(2), Now.AddHours(3), id: "sale_later"));
        var stored = _products.Current("prod_mug")!.Value;

        FlashSaleOffers.AsShopperSeesAt(stored, Now).FlashSales!.Select(s => s.SaleId).ShouldBe(["sale_now"]);
        FlashSaleOffers.AsShopperSeesAt(stored, Now.AddHours(2.5)).FlashSales!.Select(s => s.SaleId).ShouldBe(["sale_later"]);
        FlashSaleOffers.AsShopperSeesAt(stored, Now.AddHours(4)).FlashSales.ShouldBeNull();
    }
}
