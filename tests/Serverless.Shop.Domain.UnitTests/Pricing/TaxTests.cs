using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class RateTableTaxRatesTests
{
    private static readonly RateTableTaxRates Table = new(
    [
        new("DE", null, "standard", 0.19m), new("DE", null, "reduced", 0.07m),
        new("US", null, "standard", 0m), new("US", "NY", "standard", 0.08875m), new("US", "ny", "books", 0.04m),
    ]);

    [Fact]
    public void A_country_and_tax_class_give_their_rate()
    {
        Table.RateFor(new TaxLocation("DE", null), "standard").ShouldBe(0.19m);
        Table.RateFor(new TaxLocation("de", null), "reduced").ShouldBe(0.07m);
    }

    [Fact]
    public void A_region_rate_overrides_the_country_rate_and_the_country_rate_covers_other_regions()
    {
        Table.RateFor(new TaxLocation("US", "NY"), "standard").ShouldBe(0.08875m);
        Table.RateFor(new TaxLocation("US", "ny"), "books").ShouldBe(0.04m);
        Table.RateFor(new TaxLocation("US", "OR"), "standard").ShouldBe(0m);
        Table.RateFor(new TaxLocation("DE", "BY"), "reduced").ShouldBe(0.07m);
    }

    [Fact]
    public void A_tax_class_the_table_does_not_know_is_taxed_at_the_standard_rate()
    {
        Table.RateFor(new TaxLocation("DE", null), "luxury").ShouldBe(0.19m);
        Table.RateFor(new TaxLocation("US", "NY"), "luxury").ShouldBe(0.08875m);
    }

    [Fact]
    public void A_country_the_table_does_not_know_has_no_rate_rather_than_zero()
    {
        Table.RateFor(new TaxLocation("JP", null), "standard").ShouldBeNull();
        Table.RateFor(new TaxLocation("JP", "13"), "reduced").ShouldBeNull();
    }

    [Fact]
    public void A_rate_of_zero_set_on_purpose_is_a_rate()
    {
        Table.RateFor(new TaxLocation("US", null), "standard").ShouldBe(0m);
        Table.RateFor(new TaxLocation("US", "TX"), "books").ShouldBe(0m);
    }

    [Fact]
    public void A_country_with_only_regional_rates_has_no_rate_in_its_other_regions_nor_for_a_class_without_a_standard_rate()
    {
        var regional = new RateTableTaxRates([new("CA", "QC", "standard", 0.14975m), new("CH", null, "reduced", 0.026m)]);

        regional.RateFor(new TaxLocation("CA", "QC"), "standard").ShouldBe(0.14975m);
        regional.RateFor(new TaxLocation("CA", "ON"), "standard").ShouldBeNull();
        regional.RateFor(new TaxLocation("CA", null), "standard").ShouldBeNull();
        regional.RateFor(new TaxLocation("CH", null), "reduced").ShouldBe(0.026m);
        regional.RateFor(new TaxLocation("CH", null), "standard").ShouldBeNull();
    }

    [Fact]
    public void A_rate_of_one_hundred_percent_is_the_highest_a_table_takes() =>
        new RateTableTaxRates([new("DE", null, "standard", 1m)]).RateFor(new TaxLocation("DE", null), "standard").ShouldBe(1m);

    [Theory]
    [InlineData("DEU", "standard", 0.19)]
    [InlineData("DE", "Standard", 0.19)]
    [InlineData("DE", "standard", 19)]
    [InlineData("DE", "standard", 1.01)]
    [InlineData("DE", "standard", -0.01)]
    public void A_table_with_a_bad_row_is_refused(string country, string taxClass, decimal rate) =>
        Should.Throw<ArgumentException>(() => new RateTableTaxRates([new(country, null, taxClass, rate)]));

    [Fact]
    public void A_table_with_two_rates_for_the_same_place_and_class_is_refused() =>
        Should.Throw<ArgumentException>(() => new RateTableTaxRates([new("DE", null, "standard", 0.19m), new("de", null, "standard", 0.16m)]))
            .Message.ShouldContain("two rates for DE");
}

public sealed class TaxInPricingTests
{
    private static readonly RateTableTaxRates Rates = new(
        [new("DE", null, "standard", 0.19m), new("DE", null, "reduced", 0.07m), new("FR", null, "standard", 0.20m)]);

    private static PricedCart Price(bool pricesIncludeTax, PricingRequest request, params Promotion[] promotions) =>
        Engine(pricesIncludeTax: pricesIncludeTax, rates: Rates).Price(request with { TaxLocation = request.TaxLocation ?? Germany }, promotions);

    [Fact]
    public void When_prices_include_tax_the_tax_is_the_part_of_the_price_that_is_tax()
    {
        var line = Price(true, Request(Line("a", 119m))).Line("a");

        line.TaxRate.ShouldBe(0.19m);
        line.Tax.Amount.ShouldBe(19.00m);
        line.NetTotal.Amount.ShouldBe(100.00m);
        line.Total.Amount.ShouldBe(119.00m);
    }

    [Fact]
    public void When_prices_exclude_tax_the_tax_is_added_on_top()
    {
        var cart = Price(false, Request(Line("a", 100m)));

        cart.Line("a").Tax.Amount.ShouldBe(19.00m);
        cart.Line("a").Total.Amount.ShouldBe(119.00m);
        cart.TotalExcludingTax.Amount.ShouldBe(100.00m);
        cart.Total.Amount.ShouldBe(119.00m);
        cart.PricesIncludeTax.ShouldBeFalse();
    }

    [Fact]
    public void Tax_is_rounded_per_line_and_the_totals_are_the_sums_of_the_lines()
    {
        // 10.00 gross at 19 %: 1.5966 tax rounds to 1.60 on each line; the total tax is 3.20, not a rounded 3.19.
        var cart = Price(true, Request(Line("a", 10m), Line("b", 10m)));

        cart.Lines.ShouldAllBe(l => l.Tax.Amount == 1.60m && l.NetTotal.Amount == 8.40m);
        cart.TaxTotal.Amount.ShouldBe(3.20m);
        cart.TotalExcludingTax.Amount.ShouldBe(16.80m);
        cart.Total.Amount.ShouldBe(20.00m);
    }

    [Fact]
    public void Discounts_come_off_the_gross_price_when_prices_include_tax()
    {
        var line = Price(true, Request(Line("a", 119m)), PercentOff(10)).Line("a");

        line.DiscountTotal.Amount.ShouldBe(11.90m);
        line.Total.Amount.ShouldBe(107.10m);
        line.Tax.Amount.ShouldBe(17.10m);
        line.NetTotal.Amount.ShouldBe(90.00m);
    }

    [Fact]
    public void Each_line_is_taxed_at_the_rate_of_its_tax_class()
    {
        var cart = Price(false, Request(Line("book", 10m, taxClass: "reduced"), Line("pen", 10m)));

        cart.Line("book").Tax.Amount.ShouldBe(0.70m);
        cart.Line("pen").Tax.Amount.ShouldBe(1.90m);
    }

    [Fact]
    public void The_destination_decides_the_rate_and_with_prices_including_tax_the_customer_pays_the_same()
    {
        var france = Price(true, Request(Line("a", 120m)) with { TaxLocation = new TaxLocation("FR", null) });

        france.Line("a").Tax.Amount.ShouldBe(20.00m);
        france.Total.Amount.ShouldBe(120.00m);
    }

    [Fact]
    public void Shipping_is_taxed_at_the_standard_rate_of_the_destination_even_when_the_goods_are_reduced()
    {
        var cart = Price(false, Request(Line("book", 10m, taxClass: "reduced")).Shipping(5m));

        cart.ShippingTax.Amount.ShouldBe(0.95m);
        cart.TaxTotal.Amount.ShouldBe(0.70m + 0.95m);
        cart.TotalExcludingTax.Amount.ShouldBe(15.00m);
        cart.Total.Amount.ShouldBe(16.65m);
    }

    [Fact]
    public void Discounted_shipping_is_taxed_on_what_is_charged()
    {
        var cart = Price(true, Request(Line("a", 11.90m)).Shipping(5.95m), FreeShipping(percent: 100));

        cart.ShippingTax.Amount.ShouldBe(0m);
        cart.Total.Amount.ShouldBe(11.90m);
        cart.TaxTotal.Amount.ShouldBe(1.90m);
    }

    [Fact]
    public void Without_an_address_the_shops_default_location_is_used()
    {
        var engine = Engine(pricesIncludeTax: true, rates: Rates, defaultLocation: Germany);

        engine.Price(Request(Line("a", 119m)), []).TaxTotal.Amount.ShouldBe(19.00m);
        Engine(pricesIncludeTax: true, rates: Rates).Price(Request(Line("a", 119m)), []).TaxTotal.Amount.ShouldBe(0m);
    }

    [Fact]
    public void A_destination_without_a_rate_is_refused_naming_the_place_rather_than_taxed_at_zero()
    {
        var refusal = Should.Throw<NoTaxRateException>(() => Price(true, Request(Line("a", 119m)) with { TaxLocation = new TaxLocation("JP", "13") }));

        refusal.Location.ShouldBe(new TaxLocation("JP", "13"));
        refusal.Message.ShouldContain("no tax rate for JP (13)");
        var field = refusal.For("shippingAddress.country");
        field.Field.ShouldBe("shippingAddress.country");
        field.Message.ShouldBe(refusal.Message);
    }

    [Fact]
    public void Shipping_to_a_place_without_a_standard_rate_is_refused_even_when_the_goods_class_has_one()
    {
        var reducedOnly = new RateTableTaxRates([new("CH", null, "reduced", 0.026m)]);

        Should.Throw<NoTaxRateException>(() => Engine(rates: reducedOnly).Price(Request(Line("book", 10m, taxClass: "reduced")) with { TaxLocation = new TaxLocation("CH", null) }, []));
    }

    [Fact]
    public void A_home_country_without_a_rate_prices_a_cart_without_an_address_at_no_tax_and_refuses_nothing()
    {
        var cart = Engine(rates: Rates, defaultLocation: new TaxLocation("JP", null)).Price(Request(Line("a", 119m)), []);

        cart.TaxTotal.Amount.ShouldBe(0m);
        cart.Total.Amount.ShouldBe(119m);
    }

    [Fact]
    public void Prices_are_shown_with_and_without_tax()
    {
        var cart = Price(true, Request(Line("a", 59.50m, quantity: 2)).Shipping(4.76m));

        cart.Total.ShouldBe(new Money(123.76m, Eur));
        cart.TotalExcludingTax.ShouldBe(new Money(104.00m, Eur));
        cart.TaxTotal.ShouldBe(new Money(19.76m, Eur));
    }
}
