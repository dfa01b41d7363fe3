using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Infrastructure.Pricing;

public static class PricingRegistration
{
    /// <summary>
    /// The promotion engine, cart pricing and the tax source (docs/pricing.md). Settings:
    /// <c>Pricing:Strategy</c> (<c>BestForCustomer</c>, the default, or <c>InPriorityOrder</c>),
    /// <c>Pricing:PricesIncludeTax</c> (default true), <c>Tax:Source</c> and its settings (<see cref="TaxRegistration.AddShopTax"/>),
    /// and <c>Tax:DefaultCountry</c> / <c>Tax:DefaultRegion</c> (where tax is reckoned before a cart has an address).
    /// The promotion catalog and the customers' pricing profiles (<see cref="IPromotionCatalog"/>,
    /// <see cref="ICustomerPricingProfiles"/>) are registered with the stores that hold them.
    /// </summary>
    public static IServiceCollection AddShopPricing(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = SettingsFrom(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(new PromotionEngine(settings));
        services.AddShopTax(configuration);
        services.AddSingleton<ICartPricing, PriceCart>();
        return services;
    }

    public static PricingSettings SettingsFrom(IConfiguration configuration)
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

        var country = configuration["Tax:DefaultCountry"]?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(country) && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            throw new InvalidOperationException($"Tax:DefaultCountry is '{country}'; set a two-letter ISO 3166-1 code such as DE.");
        var region = configuration["Tax:DefaultRegion"];
        return new PricingSettings
        {
            Strategy = strategy,
            PricesIncludeTax = pricesIncludeTax,
            DefaultTaxLocation = string.IsNullOrEmpty(country) ? null : new TaxLocation(country, string.IsNullOrWhiteSpace(region) ? null : region.Trim().ToUpperInvariant()),
        };
    }
}
