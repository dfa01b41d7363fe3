using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Pricing;

namespace Serverless.Shop.IntegrationTests.Pricing;

/// <summary>How the pricing settings and the tax table are read from configuration (docs/pricing.md), bad values included.</summary>
public sealed class PricingConfigurationTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_settings_the_shop_picks_the_best_deal_prices_include_tax_and_the_demo_table_applies_from_germany()
    {
        using var services = new ServiceCollection().AddShopPricing(Settings()).BuildServiceProvider();

        var settings = services.GetRequiredService<PricingSettings>();
        settings.Strategy.ShouldBe(StackingStrategy.BestForCustomer);
        settings.PricesIncludeTax.ShouldBeTrue();
        settings.DefaultTaxLocation.ShouldBe(new TaxLocation("DE", null));
        var rates = services.GetRequiredService<ITaxRates>();
        rates.RateFor(new TaxLocation("FR", null), "reduced").ShouldBe(0.055m);
        rates.RateFor(new TaxLocation("US", null), "standard").ShouldBe(0m);
        services.GetRequiredService<PromotionEngine>().Settings.ShouldBeSameAs(settings);
    }

    [Fact]
    public void The_strategy_and_the_tax_basis_are_read_from_configuration()
    {
        var settings = PricingRegistration.SettingsFrom(Settings(("Pricing:Strategy", "inPriorityOrder"), ("Pricing:PricesIncludeTax", "false")));

        settings.Strategy.ShouldBe(StackingStrategy.InPriorityOrder);
        settings.PricesIncludeTax.ShouldBeFalse();
        settings.DefaultTaxLocation.ShouldBeNull();
    }

    [Theory]
    [InlineData("Pricing:Strategy", "Cheapest", "Pricing:Strategy")]
    [InlineData("Pricing:Strategy", "7", "Pricing:Strategy")]
    [InlineData("Pricing:PricesIncludeTax", "yes", "Pricing:PricesIncludeTax")]
    public void A_bad_pricing_setting_stops_the_app_naming_the_setting(string key, string value, string named) =>
        Should.Throw<InvalidOperationException>(() => PricingRegistration.SettingsFrom(Settings((key, value)))).Message.ShouldContain(named);

    [Fact]
    public void A_configured_tax_table_replaces_the_demo_table_and_has_no_default_country_unless_set()
    {
        var configuration = Settings(
            ("Tax:Rates:0:Country", "US"), ("Tax:Rates:0:Rate", "0"),
            ("Tax:Rates:1:Country", "US"), ("Tax:Rates:1:Region", "NY"), ("Tax:Rates:1:TaxClass", "standard"), ("Tax:Rates:1:Rate", "0.08875"),
            ("Tax:DefaultCountry", "us"), ("Tax:DefaultRegion", "NY"));
        using var services = new ServiceCollection().AddShopPricing(configuration).BuildServiceProvider();

        var rates = services.GetRequiredService<ITaxRates>();
        rates.RateFor(new TaxLocation("US", "NY"), "standard").ShouldBe(0.08875m);
        rates.RateFor(new TaxLocation("DE", null), "standard").ShouldBe(0m);
        services.GetRequiredService<PricingSettings>().DefaultTaxLocation.ShouldBe(new TaxLocation("US", "NY"));
    }

    [Theory]
    [InlineData("Tax:Rates:0:Rate", "19", "must be a fraction")]
    [InlineData("Tax:Rates:0:Rate", "nineteen", "Tax:Rates:0:Rate")]
    [InlineData("Tax:Rates:0:Country", "Germany", "ISO 3166-1")]
    [InlineData("Tax:Rates:0:TaxClass", "Reduced Rate", "lower-case")]
    public void A_bad_tax_row_stops_the_app_naming_what_is_wrong(string key, string value, string message)
    {
        var row = new Dictionary<string, string> { ["Tax:Rates:0:Country"] = "DE", ["Tax:Rates:0:TaxClass"] = "standard", ["Tax:Rates:0:Rate"] = "0.19" };
        row[key] = value;

        Should.Throw<InvalidOperationException>(() => PricingRegistration.TaxRatesFrom(Settings(row.Select(r => (r.Key, r.Value)).ToArray())))
            .Message.ShouldContain(message);
    }

    [Fact]
    public void A_tax_row_without_a_country_is_refused() =>
        Should.Throw<InvalidOperationException>(() => PricingRegistration.TaxRatesFrom(Settings(("Tax:Rates:0:Rate", "0.19"))))
            .Message.ShouldContain("Tax:Rates:0:Country is missing");
}
