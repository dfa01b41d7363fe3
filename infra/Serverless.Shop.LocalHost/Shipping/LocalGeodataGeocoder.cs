using System.Collections.Frozen;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.LocalHost.Shipping;

/// <summary>
/// The local host's geocoder: an address's city looked up among the GeoNames places bundled in
/// Shipping/Geodata/cities.tsv.gz (CC BY 4.0, see NOTICE.md there), for the countries the shop ships to by default.
/// City precision only: the data has no postcodes. Names match without regard to case, accents or punctuation
/// ("Sankt Pölten" is "sankt polten"); a name that several places of one country share is told apart by the address's
/// region when it is the place's first-level code (US states: "IL"), else not located, since guessing could put the
/// parcel hundreds of kilometres off. The data is read once per process (<see cref="Shared"/>), on first use.
/// Tests: LocalGeodataGeocoderTests.
/// </summary>
public sealed class LocalGeodataGeocoder : IGeocoder
{
    public const string ResourceName = "Serverless.Shop.LocalHost.Shipping.Geodata.cities.tsv.gz";

    private static readonly Lazy<LocalGeodataGeocoder> SharedInstance = new(() => Load(OpenBundledData()));

    private readonly FrozenDictionary<string, Place[]> _placesByCountryAndName;

    private LocalGeodataGeocoder(FrozenDictionary<string, Place[]> places) => _placesByCountryAndName = places;

    /// <summary>One per process: every local shop in a test run shares the parsed data.</summary>
    public static LocalGeodataGeocoder Shared => SharedInstance.Value;

    /// <summary>How many places were loaded (for a test that the bundle is complete).</summary>
    public int PlaceCount => _placesByCountryAndName.Values.Sum(p => p.Length);

    /// <summary>The countries the data covers.</summary>
    public IReadOnlySet<string> Countries => _placesByCountryAndName.Keys.Select(k => k[..2]).ToHashSet(StringComparer.Ordinal);

    public Task<GeocodeResult?> GeocodeAsync(ShippingAddress address, CancellationToken ct) => Task.FromResult(Geocode(address));

    public GeocodeResult? Geocode(ShippingAddress address)
    {
        var country = address.Country?.Trim().ToUpperInvariant();
        var city = Normalise(address.City);
        if (country is not { Length: 2 } || city.Length == 0) return null;
        if (!_placesByCountryAndName.TryGetValue(country + "|" + city, out var places)) return null;
        if (places.Length == 1) return new GeocodeResult(places[0].Point, GeocodePrecision.City);

        var region = address.Region?.Trim();
        var inRegion = string.IsNullOrEmpty(region) ? [] : places.Where(p => string.Equals(p.Region, region, StringComparison.OrdinalIgnoreCase)).ToArray();
        return inRegion.Length == 1 ? new GeocodeResult(inRegion[0].Point, GeocodePrecision.City) : null;
    }

    /// <summary>Reads the tab-separated lines build-geodata.mjs writes: country, name, latitude, longitude, region code.</summary>
    public static LocalGeodataGeocoder Load(Stream gzipped)
    {
        var places = new Dictionary<string, List<Place>>(StringComparer.Ordinal);
        using var reader = new StreamReader(new GZipStream(gzipped, CompressionMode.Decompress), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            if (fields.Length < 4) continue;
            var point = new GeoPoint(double.Parse(fields[2], CultureInfo.InvariantCulture), double.Parse(fields[3], CultureInfo.InvariantCulture));
            var key = fields[0] + "|" + Normalise(fields[1]);
            if (!places.TryGetValue(key, out var list)) places[key] = list = [];
            list.Add(new Place(point, fields.Length > 4 ? fields[4] : ""));
        }
        return new LocalGeodataGeocoder(places.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }

    private static Stream OpenBundledData() =>
        typeof(LocalGeodataGeocoder).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"The local geocoder's data ({ResourceName}) is not in the local host's assembly.");

    /// <summary>Lower case, no accents, letters and digits separated by single spaces: "Saint-Étienne" is "saint etienne".</summary>
    public static string Normalise(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "";
        var text = new StringBuilder(name.Length);
        var space = false;
        foreach (var c in name.Trim().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c))
            {
                if (space && text.Length > 0) text.Append(' ');
                space = false;
                if (c == 'ß') text.Append("ss");
                else text.Append(char.ToLowerInvariant(c));
            }
            else space = true;
        }
        return text.ToString();
    }

    private sealed record Place(GeoPoint Point, string Region);
}
