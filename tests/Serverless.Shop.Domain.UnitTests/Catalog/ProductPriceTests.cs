using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ProductPriceTests
{
    private static ProductInput PricedAt(decimal? price, decimal? salePrice = null, string currency = ShopCurrency) =>
        MugInput() with { Variants = [Variant(price: price, salePrice: salePrice, currency: currency)] };

    [Fact]
    public void A_variant_priced_in_the_shops_currency_keeps_its_price()
    {
        Build(PricedAt(12.50m)).Variants[0].Price.ShouldBe(new Money(12.50m, "EUR"));
    }

    [Fact]
    public void A_variant_without_a_price_is_refused()
    {
        Refuse(PricedAt(null)).ShouldReport("variants[0].price", "is required.");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void A_price_of_zero_or_less_is_refused(int amount)
    {
        Refuse(PricedAt(amount)).ShouldReport("variants[0].price.amount", "greater than zero");
    }

    [Fact]
    public void An_absurd_price_is_refused()
    {
        Refuse(PricedAt(25_000_000m)).ShouldReport("variants[0].price.amount", "at most 1000000");
    }

    [Fact]
    public void A_price_with_three_decimals_in_euros_is_refused()
    {
        Refuse(PricedAt(12.505m)).ShouldReport("variants[0].price.amount", "more decimals than EUR allows");
    }

    [Fact]
    public void A_price_with_one_decimal_in_yen_is_refused_in_a_shop_that_sells_in_yen()
    {
        Refuse(PricedAt(1500.5m, currency: "JPY"), shopCurrency: "JPY").ShouldReport("variants[0].price.amount", "more decimals than JPY allows (0)");
    }

    [Fact]
    public void A_whole_price_in_yen_is_accepted_in_a_shop_that_sells_in_yen()
    {
        var product = Build(PricedAt(1500m, currency: "JPY"), shopCurrency: "JPY");

        product.Variants[0].Price.ShouldBe(new Money(1500m, "JPY"));
        product.PriceRange.Currency.ShouldBe("JPY");
    }

    [Fact]
    public void A_price_in_an_unknown_currency_is_refused()
    {
        Refuse(PricedAt(12m, currency: "EURO")).ShouldReport("variants[0].price.currency", "ISO 4217");
    }

    [Fact]
    public void A_price_in_a_currency_other_than_the_shops_is_refused()
    {
        Refuse(PricedAt(12m, currency: "USD")).ShouldReport("variants[0].price.currency", "shop's currency, EUR");
    }

    [Fact]
    public void A_sale_price_below_the_list_price_is_accepted()
    {
        Build(PricedAt(12.50m, salePrice: 9.99m)).Variants[0].SalePrice.ShouldBe(new Money(9.99m, "EUR"));
    }

    [Theory]
    [InlineData("12.50")]
    [InlineData("13")]
    public void A_sale_price_at_or_above_the_list_price_is_refused(string salePrice)
    {
        Refuse(PricedAt(12.50m, salePrice: decimal.Parse(salePrice, System.Globalization.CultureInfo.InvariantCulture)))
            .ShouldReport("variants[0].salePrice.amount", "lower than the list price");
    }

    [Fact]
    public void A_sale_price_follows_the_same_rules_as_a_price()
    {
        var failure = Refuse(MugInput() with
        {
            Variants = [new VariantInput("MUG-1", null, null, new Money(12m, "EUR"), new Money(9.999m, "USD"))],
        });

        failure.ShouldReport("variants[0].salePrice.currency");
        failure.ShouldReport("variants[0].salePrice.amount", "more decimals");
    }

    [Fact]
    public void The_price_range_spans_what_shoppers_pay_counting_sale_prices()
    {
        var product = Build(MugInput() with
        {
            Variants =
            [
                Variant("MUG-S", price: 10m, salePrice: 8m, options: Options(("size", "S"))),
                Variant("MUG-L", price: 15m, options: Options(("size", "L"))),
            ],
        });

        product.PriceRange.ShouldBe(new PriceRange(8m, 15m, "EUR"));
    }

    [Fact]
    public void A_problem_in_the_second_variant_is_reported_at_its_own_position()
    {
        var failure = Refuse(MugInput() with
        {
            Variants = [Variant("MUG-S", options: Options(("size", "S"))), Variant("MUG-L", price: -3m, options: Options(("size", "L")))],
        });

        failure.ShouldReport("variants[1].price.amount");
        failure.ShouldNotReport("variants[0].price.amount");
    }
}
