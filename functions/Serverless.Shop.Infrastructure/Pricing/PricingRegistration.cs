using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Infrastructure.Pricing;

public static class PricingRegistration
{
    /// <summary>
    /// The promotion engine, cart pricing and the tax table (docs/pricing.md). Settings:
    /// <c>Pricing:Strategy</c> (<c>BestForCustomer</c>, the default, or <c>InPriorityOrder</c>),
    /// <c>Pricing:PricesIncludeTax</c> (default true), <c>Tax:Rates</c> (a list of { Country, Region?, TaxClass, Rate }
    /// with the rate as a fraction; without it a demo table of a few countries is used) and
    /// <c>Tax:DefaultCountry</c> / <c>Tax:DefaultRegion</c> (where tax is reckoned before a cart has an address).
    /// The promotion catalog and the customers' pricing profiles (<see cref="IPromotionCatalog"/>,
    /// <see cref="ICustomerPricingProfiles"/>) are registered with the stores that hold them.
    /// </summary>
    public static IServiceCollection AddShopPricing(this IServiceCollection services, IConfiguration configuration)
    {
        var (rates, demoTable) = TaxRatesFrom(configuration);
        services.AddSingleton(SettingsFrom(configuration, demoTable));
        services.AddSingleton<ITaxRates>(new RateTableTaxRates(rates));
        services.AddSingleton<PromotionEngine>();
        services.AddSingleton<ICartPricing, PriceCart>();
        return services;
    }

    /// <summary>
    /// Standard and reduced VAT of a few EU countries, and the US at 0 (sales tax is left to a real tax service), so
    /// that the local shop shows tax. A real shop lists the rates of every place it is registered in (Tax:Rates).
    /// </summary>
    public static readonly IReadOnlyList<TaxRate> DemoRates =
    [
        new("DE", null, ProductRules.StandardTaxClass, 0.19m), new("DE", null, "reduced", 0.07m),
        new("FR", null, ProductRules.StandardTaxClass, 0.20m), new("FR", null, "reduced", 0.055m),
        new("NL", null, ProductRules.StandardTaxClass, 0.21m), new("NL", null, "reduced", 0.09m),
        new("AT", null, ProductRules.StandardTaxClass, 0.20m), new("AT", null, "reduced", 0.10m),
        new("IT", null, ProductRules.StandardTaxClass, 0.22m), new("IT", null, "reduced", 0.10m),
        new("ES", null, ProductRules.StandardTaxClass, 0.21m), new("ES", null, "reduced", 0.10m),
        new("US", null, ProductRules.StandardTaxClass, 0m),
    ];

    /// <summary>The demo table's home country, used for carts without an address when neither Tax:Rates nor Tax:DefaultCountry is set.</summary>
    public const string DemoHomeCountry = "DE";

    public static PricingSettings SettingsFrom(IConfiguration configuration, bool demoTaxTable = false)
    {
        var section = configuration.GetSection("Pricing");
        var strategyText = section["Strategy"];
        var strategy = StackingStrategy.BestForCustomer;
        if (!string.IsNullOrWhiteSpace(strategyText)
            && (!Enum.TryParse(strategyText.Trim(), ignoreCase: true, out strategy) || !Enum.IsDefined(strategy)))
            throw new InvalidOperationException($"Pricing:Strategy is '{strategyText}'; set InPriorityOrder or BestForCustomer. See docs/pricing.md.");

        var includeText = section["PricesIncludeTax"];
        var pricesIncludeTax = true;
        if (!string.IsNullOrWhiteSpace(includeText) && !bool.TryParse(includeText.Trim(), out pricesIncludeTax))
            throw new InvalidOperationException($"Pricing:PricesIncludeTax is '{includeText}'; set true or false.");

        var country = configuration["Tax:DefaultCountry"] ?? (demoTaxTable ? DemoHomeCountry : null);
        var region = configuration["Tax:DefaultRegion"];
        return new PricingSettings
        {
            Strategy = strategy,
            PricesIncludeTax = pricesIncludeTax,
            DefaultTaxLocation = string.IsNullOrWhiteSpace(country) ? null : new TaxLocation(country.Trim().ToUpperInvariant(), string.IsNullOrWhiteSpace(region) ? null : region.Trim()),
        };
    }

    /// <summary>Tax:Rates:0:Country, :Region, :TaxClass, :Rate ... (or the demo table when the section is absent).</summary>
    public static (IReadOnlyList<TaxRate> Rates, bool Demo) TaxRatesFrom(IConfiguration configuration)
    {
        var rows = configuration.GetSection("Tax:Rates").GetChildren().ToList();
        if (rows.Count == 0) return (DemoRates, true);
        var rates = new List<TaxRate>(rows.Count);
        foreach (var row in rows)
        {
            var where = $"Tax:Rates:{row.Key}";
            var country = row["Country"] ?? throw new InvalidOperationException($"{where}:Country is missing.");
            var taxClass = row["TaxClass"] ?? ProductRules.StandardTaxClass;
            if (!decimal.TryParse(row["Rate"], NumberStyles.Number, CultureInfo.InvariantCulture, out var rate))
                throw new InvalidOperationException($"{where}:Rate is '{row["Rate"]}'; set a fraction such as 0.19.");
            rates.Add(new TaxRate(country, string.IsNullOrWhiteSpace(row["Region"]) ? null : row["Region"], taxClass, rate));
        }
        // The table checks the rows (country codes, classes, rates from 0 to below 1, no duplicates) and says which is wrong.
        try { _ = new RateTableTaxRates(rates); }
        catch (ArgumentException e) { throw new InvalidOperationException($"Tax:Rates: {e.Message}", e); }
        return (rates, false);
    }
}
