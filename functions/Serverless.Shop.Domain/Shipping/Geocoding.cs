namespace Serverless.Shop.Domain.Shipping;

/// <summary>How closely a geocoded point stands for the address: a postcode's area or a whole city (town, village).</summary>
public enum GeocodePrecision { Postcode, City }

/// <summary>Where an address was found: a point, and how precise it is.</summary>
public sealed record GeocodeResult(GeoPoint Point, GeocodePrecision Precision);

/// <summary>
/// Finds an address on the map, for fees by distance and the nearest warehouse. Null when the address cannot be located
/// at postcode or city level (an unknown place, a name shared by places far apart): the caller falls back to the
/// address's zone and says so. Throws <see cref="Common.NotConfiguredException"/> when no geocoder is configured.
/// Azure Maps in Azure; the local host's bundled GeoNames places locally (docs/shipping.md, "Rates and geocoding").
/// </summary>
public interface IGeocoder
{
    Task<GeocodeResult?> GeocodeAsync(ShippingAddress address, CancellationToken ct);
}
