using System.Globalization;
using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>The tax rate for goods of a tax class delivered to a place. Rates are fractions: 0.19 is 19 %.</summary>
public interface ITaxRates
{
    /// <param name="location">Where the goods go.</param>
    /// <param name="taxClass">The product's tax class; shipping is taxed as <see cref="ProductRules.StandardTaxClass"/>.</param>
    /// <returns>The rate, or null when the shop has no rate for the place: it must not sell there (see <see cref="RateTableTaxRates"/>).</returns>
    decimal? RateFor(TaxLocation location, string taxClass);
}

/// <summary>One row of a rate table: goods of <see cref="TaxClass"/> delivered to <see cref="Country"/> (and <see cref="Region"/>, when set) are taxed at <see cref="Rate"/>.</summary>
public sealed record TaxRate(string Country, string? Region, string TaxClass, decimal Rate);

/// <summary>
/// A tax table by country, optional region and tax class. The rate for a place and class is the first row found of:
/// <list type="number">
/// <item>the region's row for the class (a region overrides its country);</item>
/// <item>the country's row for the class;</item>
/// <item>the region's, then the country's <c>standard</c> row (a class the table does not know is taxed at the standard rate, never at 0, so a typo costs the shop no tax);</item>
/// <item>none (null) otherwise: a place the table does not cover has <b>no rate</b>, and checkout refuses it rather than
/// tax it at 0. A rate of 0 set on purpose (exports, a zero-rated class) is a rate.</item>
/// </list>
/// </summary>
public sealed class RateTableTaxRates : ITaxRates
{
    private readonly Dictionary<(string Country, string Region, string TaxClass), decimal> _rates = [];

    public RateTableTaxRates(IEnumerable<TaxRate> rates)
    {
        foreach (var rate in rates)
        {
            var country = rate.Country?.Trim().ToUpperInvariant() ?? "";
            if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
                throw new ArgumentException($"Tax rate country '{rate.Country}' is not an ISO 3166-1 alpha-2 code such as DE.", nameof(rates));
            if (!ProductRules.IsValidTaxClass(rate.TaxClass))
                throw new ArgumentException($"Tax class '{rate.TaxClass}' (country {country}) must be lower-case letters, digits or hyphens.", nameof(rates));
            if (rate.Rate is < 0 or > 1)
                throw new ArgumentException($"Tax rate {rate.Rate.ToString(CultureInfo.InvariantCulture)} for {country}/{rate.TaxClass} must be a fraction from 0 to 1 (0.19 for 19 %).", nameof(rates));
            var key = (country, Normalise(rate.Region), rate.TaxClass);
            if (!_rates.TryAdd(key, rate.Rate))
                throw new ArgumentException($"The tax table has two rates for {country}{(key.Item2.Length > 0 ? "/" + key.Item2 : "")}, class {rate.TaxClass}.", nameof(rates));
        }
    }

    public int Count => _rates.Count;

    public decimal? RateFor(TaxLocation location, string taxClass)
    {
        ArgumentNullException.ThrowIfNull(location);
        var country = location.Country.Trim().ToUpperInvariant();
        var region = Normalise(location.Region);
        if (region.Length > 0 && _rates.TryGetValue((country, region, taxClass), out var rate)) return rate;
        if (_rates.TryGetValue((country, "", taxClass), out rate)) return rate;
        if (region.Length > 0 && _rates.TryGetValue((country, region, ProductRules.StandardTaxClass), out rate)) return rate;
        if (_rates.TryGetValue((country, "", ProductRules.StandardTaxClass), out rate)) return rate;
        return null;
    }

    private static string Normalise(string? region) => region?.Trim().ToUpperInvariant() ?? "";
}

/// <summary>
/// The rates a tax service gives only at checkout, as the engine sees them before: nothing yet (0 everywhere), with the
/// priced cart marked <see cref="PricedCart.TaxCalculatedAtCheckout"/> so that nobody reads the 0 as a rate.
/// </summary>
internal sealed class NotYetCalculatedTaxRates : ITaxRates
{
    public static readonly NotYetCalculatedTaxRates Instance = new();

    public decimal? RateFor(TaxLocation location, string taxClass) => 0m;
}
