using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Pricing;

namespace Serverless.Shop.IntegrationTests.Pricing;

/// <summary>How the pricing settings and the tax source are read from configuration (docs/pricing.md), bad values included.</summary>
public sealed class PricingConfigurationTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static ServiceProvider Services(IConfiguration configuration) =>
        new ServiceCollection().AddLogging().AddShopPricing(configuration).BuildServiceProvider();

    [Fact]
    public void Without_settings_the_shop_picks_the_best_deal_prices_include_tax_and_has_no_home_country()
    {
        var settings = PricingRegistration.SettingsFrom(Settings());

        settings.Strategy.ShouldBe(StackingStrategy.BestForCustomer);
        settings.PricesIncludeTax.ShouldBeTrue();
        settings.DefaultTaxLocation.ShouldBeNull();
    }

    [Fact]
    public void The_strategy_the_tax_basis_and_the_home_country_are_read_from_configuration()
    {
        var settings = PricingRegistration.SettingsFrom(Settings(
            ("Pricing:Strategy", "inPriorityOrder"), ("Pricing:PricesIncludeTax", "false"), ("Tax:DefaultCountry", "us"), ("Tax:DefaultRegion", "ny")));

        settings.Strategy.ShouldBe(StackingStrategy.InPriorityOrder);
        settings.PricesIncludeTax.ShouldBeFalse();
        settings.DefaultTaxLocation.ShouldBe(new TaxLocation("US", "NY"));
    }

    [Theory]
    [InlineData("Pricing:Strategy", "Cheapest", "Pricing:Strategy")]
    [InlineData("Pricing:Strategy", "7", "Pricing:Strategy")]
    [InlineData("Pricing:PricesIncludeTax", "yes", "Pricing:PricesIncludeTax")]
    [InlineData("Tax:DefaultCountry", "Germany", "Tax:DefaultCountry")]
    public void A_bad_pricing_setting_stops_the_app_naming_the_setting(string key, string value, string named) =>
        Should.Throw<InvalidOperationException>(() => PricingRegistration.SettingsFrom(Settings((key, value)))).Message.ShouldContain(named);

    [Fact]
    public async Task Without_a_tax_source_nothing_falls_back_pricing_says_why_and_health_is_unhealthy()
    {
        using var services = Services(Settings());

        var source = services.GetRequiredService<TaxSource>();
        source.Problem.ShouldNotBeNull().ShouldContain("Tax:Source is not set");
        (await Should.ThrowAsync<TaxNotConfiguredException>(() => source.RatesForPricingAsync(CancellationToken.None))).Message.ShouldContain("Tax:Source");
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "tax");
        health.Entries["tax"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["tax"].Exception.ShouldBeOfType<TaxNotConfiguredException>();
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("table")]
    [InlineData("avalara")]
    public async Task An_unknown_tax_source_is_not_configured_and_says_which_sources_exist(string value)
    {
        using var services = Services(Settings(("Tax:Source", value)));

        var source = services.GetRequiredService<TaxSource>();
        source.Problem.ShouldNotBeNull().ShouldContain($"'{value}'");
        source.Problem.ShouldContain("rates or stripe");
        await Should.ThrowAsync<TaxNotConfiguredException>(() => source.RatesForPricingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_tax_source_is_logged_as_critical_at_startup()
    {
        var logged = new List<(LogLevel Level, string Message)>();
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(new ListLoggerProvider(logged)))
            .AddShopPricing(Settings()).BuildServiceProvider();

        foreach (var hosted in services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()) await hosted.StartAsync(CancellationToken.None);

        logged.ShouldContain(l => l.Level == LogLevel.Critical && l.Message.Contains("Tax:Source is not set"));
    }

    [Fact]
    public void Stripe_as_the_source_needs_a_secret_key_and_takes_the_card_gateways_when_tax_has_none()
    {
        using (var none = Services(Settings(("Tax:Source", "stripe"))))
            none.GetRequiredService<TaxSource>().Problem.ShouldNotBeNull().ShouldContain("no Stripe secret key");

        using (var unresolved = Services(Settings(("Tax:Source", "stripe"), ("Tax:Stripe:SecretKey", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/stripe-secret-key)"))))
            unresolved.GetRequiredService<TaxSource>().Problem.ShouldNotBeNull().ShouldContain("unresolved Key Vault reference");

        var settings = TaxSettings.Read(Settings(("Tax:Source", "Stripe"), ("Payments:Stripe:SecretKey", "sk_test_card"), ("Tax:Stripe:TaxCodes:reduced", "txcd_99999999")));
        settings.Problem.ShouldBeNull();
        settings.Stripe!.SecretKey.ShouldBe("sk_test_card");
        settings.Stripe.Options.TaxCodes["reduced"].ShouldBe("txcd_99999999");
        settings.Stripe.Options.ShippingTaxCode.ShouldBe(StripeTaxOptions.DefaultShippingTaxCode);
        settings.Stripe.ToString().ShouldNotContain("sk_test");
        TaxSettings.Read(Settings(("Tax:Source", "stripe"), ("Payments:Stripe:SecretKey", "sk_test_card"), ("Tax:Stripe:SecretKey", "rk_test_tax"))).Stripe!.SecretKey.ShouldBe("rk_test_tax");

        using var configured = Services(Settings(("Tax:Source", "stripe"), ("Tax:Stripe:SecretKey", "sk_test_tax")));
        var source = configured.GetRequiredService<TaxSource>();
        source.Problem.ShouldBeNull();
        source.Service.ShouldBeOfType<StripeTaxService>();
    }

    [Theory]
    [InlineData("Tax:Stripe:TaxCodes:reduced", "99999999", "Tax:Stripe:TaxCodes:reduced")]
    [InlineData("Tax:Stripe:ShippingTaxCode", "shipping", "Tax:Stripe:ShippingTaxCode")]
    [InlineData("Tax:Stripe:ApiBase", "not a url", "Tax:Stripe:ApiBase")]
    public void A_bad_stripe_tax_setting_leaves_tax_not_configured_naming_the_setting(string key, string value, string named) =>
        TaxSettings.Read(Settings(("Tax:Source", "stripe"), ("Tax:Stripe:SecretKey", "sk_test_tax"), (key, value))).Problem.ShouldNotBeNull().ShouldContain(named);

    [Fact]
    public async Task Managed_rates_as_the_source_need_no_other_setting_and_price_with_the_managed_table()
    {
        var table = new RateTableTaxRates([new("DE", null, "standard", 0.19m)]);
        using var services = new ServiceCollection().AddLogging().AddShopPricing(Settings(("Tax:Source", " RATES ")))
            .AddSingleton<ITaxRateCatalog>(new FixedCatalog(table)).BuildServiceProvider();

        var source = services.GetRequiredService<TaxSource>();
        source.Problem.ShouldBeNull();
        source.Service.ShouldBeNull();
        source.Name.ShouldBe("rates");
        (await source.RatesForPricingAsync(CancellationToken.None)).ShouldBeSameAs(table);
    }

    private sealed class FixedCatalog(ITaxRates rates) : ITaxRateCatalog
    {
        public Task<ITaxRates> GetRatesAsync(CancellationToken ct) => Task.FromResult(rates);
    }

    private sealed class ListLoggerProvider(List<(LogLevel, string)> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(entries);
        public void Dispose() { }

        private sealed class ListLogger(List<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
