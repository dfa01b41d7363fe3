namespace Serverless.Shop.Domain.Shipping;

/// <summary>
/// A place on the earth in WGS 84 degrees: a warehouse, or where an address was geocoded to. Shipping fees by distance
/// and the choice of the nearest warehouse both measure with <see cref="DistanceKmTo"/>.
/// </summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>A method, not a property, so it is not written into every JSON document and response that holds a point.</summary>
    public bool IsOnTheGlobe() => Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180 && double.IsFinite(Latitude) && double.IsFinite(Longitude);

    /// <summary>
    /// The great-circle distance (haversine, on the mean earth radius): what a parcel's journey is priced by. Roads are
    /// longer, but a rate table's distance bands are set in these kilometres, so the difference is in the bands.
    /// </summary>
    public double DistanceKmTo(GeoPoint other)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(other.Latitude - Latitude);
        var dLon = Radians(other.Longitude - Longitude);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(Latitude)) * Math.Cos(Radians(other.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
