using System.Globalization;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>
/// A set of countries shipped to alike: one carrier service, one fee schedule (in the shop's currency), one delivery
/// estimate. The fee is <see cref="BaseFee"/> for the first unit plus <see cref="FeePerAdditionalItem"/> for every
/// further unit, and nothing when the order's subtotal reaches <see cref="FreeShippingThreshold"/>.
/// </summary>
public sealed record ShippingZone(
    string Name, IReadOnlyList<string> Countries, string Carrier, string Service,
    decimal BaseFee, decimal FeePerAdditionalItem, decimal? FreeShippingThreshold,
    int EstimatedDaysMin, int EstimatedDaysMax);

/// <summary>
/// The shop's shipping zones (<c>Shipping:Zones</c>): the address's country picks the zone, and a country in no zone is
/// not shipped to. The zones' fees are the defaults of the rate table (<see cref="RateTable.FromZones"/>), which
/// <see cref="DistanceShippingRates"/> prices by.
/// </summary>
public sealed class ZoneShippingRates
{
    private readonly Dictionary<string, ShippingZone> _zoneByCountry;

    /// <exception cref="ArgumentException">The zones are inconsistent (see <see cref="Problems"/>).</exception>
    public ZoneShippingRates(IReadOnlyList<ShippingZone> zones, ShopSettings settings)
    {
        var problems = Problems(zones, settings.Currency);
        if (problems.Count > 0) throw new ArgumentException("The shipping zones are not valid: " + string.Join(" ", problems), nameof(zones));
        Zones = zones;
        _zoneByCountry = zones.SelectMany(z => z.Countries.Select(c => (Country: c, Zone: z))).ToDictionary(x => x.Country, x => x.Zone, StringComparer.Ordinal);
    }

    public IReadOnlyList<ShippingZone> Zones { get; }

    public ShippingZone? ZoneFor(string? country) => country is null ? null : _zoneByCountry.GetValueOrDefault(country.Trim());

    /// <summary>Everything wrong with a zone configuration, so a deployment learns all of it at once.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<ShippingZone> zones, string currency)
    {
        var problems = new List<string>();
        if (zones.Count == 0) problems.Add("There must be at least one zone.");
        var digits = Currencies.MinorDigits(currency);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var zone in zones)
        {
            var name = string.IsNullOrWhiteSpace(zone.Name) ? "(unnamed)" : zone.Name;
            if (string.IsNullOrWhiteSpace(zone.Name)) problems.Add("Every zone needs a name.");
            if (string.IsNullOrWhiteSpace(zone.Carrier)) problems.Add($"Zone {name} needs a carrier.");
            if (string.IsNullOrWhiteSpace(zone.Service)) problems.Add($"Zone {name} needs a service.");
            if (zone.Countries.Count == 0) problems.Add($"Zone {name} has no countries.");
            foreach (var country in zone.Countries)
            {
                if (country is not { Length: 2 } || !country.All(char.IsAsciiLetterUpper)) problems.Add($"Zone {name}: '{country}' is not an ISO 3166-1 alpha-2 code in capitals.");
                else if (!seen.TryAdd(country, name)) problems.Add($"{country} is in zones {seen[country]} and {name}; a country belongs to one zone.");
            }
            foreach (var (label, amount) in new[] { ("base fee", (decimal?)zone.BaseFee), ("fee per additional item", zone.FeePerAdditionalItem), ("free-shipping threshold", zone.FreeShippingThreshold) })
            {
                if (amount is not { } a) continue;
                if (a < 0 || a > Money.MaximumAmount) problems.Add($"Zone {name}: the {label} must be from 0 to {Money.MaximumAmount.ToString(CultureInfo.InvariantCulture)}.");
                if (decimal.Round(a, digits) != a) problems.Add($"Zone {name}: the {label} has more decimals than {currency} allows ({digits}).");
            }
            if (zone.EstimatedDaysMin < 0 || zone.EstimatedDaysMax < zone.EstimatedDaysMin)
                problems.Add($"Zone {name}: the estimated days must be a range from 0 up (min {zone.EstimatedDaysMin}, max {zone.EstimatedDaysMax}).");
        }
        return problems;
    }
}
