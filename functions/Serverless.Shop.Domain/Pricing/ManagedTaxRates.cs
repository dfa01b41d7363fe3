using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// A tax rate as admins manage it: goods of <see cref="TaxClass"/> delivered to <see cref="Country"/> (and
/// <see cref="Region"/>) are taxed at <see cref="Percent"/> %. The id names the place and class
/// (<c>DE_standard</c>, <c>US-NY_reduced</c>), so there is one rate per place and class.
/// </summary>
public sealed record ManagedTaxRate(string Id, string Country, string? Region, string TaxClass, decimal Percent, DateTimeOffset UpdatedAt)
{
    public TaxRate ToRate() => new(Country, Region, TaxClass, Percent / 100m);
}

/// <summary>A rate as a client sends it (JSON body or a CSV row). Percent: 19 for 19 %.</summary>
public sealed record TaxRateInput(string? Country, string? Region, string? TaxClass, decimal? Percent);

/// <summary>One row of an imported file, as text: its line number in the file (the header is line 1) and its cells.</summary>
public sealed record TaxRateImportRow(int Line, string? Country, string? Region, string? TaxClass, string? Percent);

public sealed record TaxRateImportResult(int Created, int Updated, int Unchanged);

/// <summary>
/// The managed rate table. It is small (a row per place and class the shop is registered in) and read whole by pricing,
/// so every change is applied to the whole table at once: a change either happens entirely or not at all, an import
/// included. Each rate has its own version (its ETag), so a change to one rate never makes another's ETag stale.
/// </summary>
public interface ITaxRateStore
{
    /// <summary>Every rate with its version.</summary>
    Task<IReadOnlyList<Versioned<ManagedTaxRate>>> ListAsync(CancellationToken ct);

    /// <summary>Adds the rate; <see cref="DuplicateResourceException"/> when its place and class have one already.</summary>
    Task<string> CreateAsync(ManagedTaxRate rate, CancellationToken ct);

    /// <summary>Replaces the rate when it is still at <paramref name="expectedVersion"/> (<see cref="StaleVersionException"/> otherwise; <see cref="ResourceNotFoundException"/> when gone).</summary>
    Task<string> ReplaceAsync(ManagedTaxRate rate, string expectedVersion, CancellationToken ct);

    /// <summary>Removes the rate when it is still at <paramref name="expectedVersion"/>.</summary>
    Task DeleteAsync(string id, string expectedVersion, CancellationToken ct);

    /// <summary>Adds or replaces every rate in one write: all of them or none.</summary>
    Task<TaxRateImportResult> UpsertAllAsync(IReadOnlyList<ManagedTaxRate> rates, CancellationToken ct);
}

public static partial class TaxRateRules
{
    public const int MaximumImportRows = 5000;

    /// <summary>The id of the rate for a place and class: <c>DE_standard</c>, <c>US-NY_reduced</c>.</summary>
    public static string IdFor(string country, string? region, string taxClass) =>
        region is null ? $"{country}_{taxClass}" : $"{country}-{region}_{taxClass}";

    public static bool IsWellFormedId(string? id) => id is { Length: <= 80 } && IdPattern().IsMatch(id);

    /// <summary>Checks a rate and builds it; every error is keyed by <paramref name="prefix"/> + the field ("" for a JSON body, "rows[3]." for line 3 of a file).</summary>
    public static ManagedTaxRate? Build(TaxRateInput? input, string prefix, DateTimeOffset now, Validator v)
    {
        if (!v.Check(input is not null, prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "is required.")) return null;
        var country = input!.Country?.Trim().ToUpperInvariant();
        var valid = v.Check(country is not null && CountryPattern().IsMatch(country), prefix + "country",
            $"must be a two-letter ISO 3166-1 country code such as DE (was '{input.Country}').");
        var region = string.IsNullOrWhiteSpace(input.Region) ? null : input.Region.Trim().ToUpperInvariant();
        valid &= v.Check(region is null || RegionPattern().IsMatch(region), prefix + "region",
            $"must be an ISO 3166-2 subdivision code without the country, 1 to 3 letters or digits such as NY or BY (was '{input.Region}').");
        var taxClass = string.IsNullOrWhiteSpace(input.TaxClass) ? ProductRules.StandardTaxClass : input.TaxClass.Trim();
        valid &= v.Check(ProductRules.IsValidTaxClass(taxClass), prefix + "taxClass",
            $"must be lower-case letters, digits or hyphens, as products name it, such as standard or reduced (was '{input.TaxClass}').");
        if (v.Required(input.Percent, prefix + "percent"))
        {
            var percent = input.Percent!.Value;
            valid &= v.Check(percent is >= 0 and <= 100, prefix + "percent", $"must be from 0 to 100 (19 for 19 %; was {percent.ToString(CultureInfo.InvariantCulture)}).");
            valid &= v.Check(decimal.Round(percent, 4) == percent, prefix + "percent", "may have at most 4 decimals (8.875 for 8.875 %).");
        }
        else valid = false;
        return valid ? new ManagedTaxRate(IdFor(country!, region, taxClass), country!, region, taxClass, input.Percent!.Value, now) : null;
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex("^[A-Z0-9]{1,3}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?_[a-z0-9][a-z0-9-]*$")]
    private static partial Regex IdPattern();
}
