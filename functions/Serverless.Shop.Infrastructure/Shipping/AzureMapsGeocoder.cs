using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Polly;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// Geocoding through Azure Maps' Get Geocoding API (<c>GET /geocode?api-version=2023-06-01</c>, structured input:
/// addressLine, locality, postalCode, adminDistrict, countryRegion). Keyless: a Microsoft Entra token for
/// <c>https://atlas.microsoft.com/.default</c> from the app's managed identity (which holds the Azure Maps Data Reader
/// role on the account, Bicep) and the account's client id in <c>x-ms-client-id</c>. The answer is a GeoJSON
/// FeatureCollection; the first feature's point counts when its type is an address, street or postcode
/// (<see cref="GeocodePrecision.Postcode"/>) or a populated place or neighbourhood (<see cref="GeocodePrecision.City"/>),
/// and its confidence is not Low. Anything coarser (a region, a country), no feature, or low confidence: not located.
/// Calls go through the third-party resilience pipeline. Tests: AzureMapsGeocoderTests, against a WireMock double built
/// from the API's documented request and response examples.
/// </summary>
public sealed class AzureMapsGeocoder(HttpClient http, TokenCredential credential, string mapsClientId, ResiliencePipeline resilience) : IGeocoder
{
    public const string ServiceName = "Azure Maps";
    public const string ApiVersion = "2023-06-01";
    public const string ClientIdHeader = "x-ms-client-id";
    public static readonly Uri DefaultEndpoint = new("https://atlas.microsoft.com/");
    private static readonly string[] Scopes = ["https://atlas.microsoft.com/.default"];

    public async Task<GeocodeResult?> GeocodeAsync(ShippingAddress address, CancellationToken ct)
    {
        var query = new List<string> { "api-version=" + ApiVersion, "top=1" };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) query.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
        }
        Add("addressLine", string.Join(" ", new[] { address.Line1, address.Line2 }.Where(l => !string.IsNullOrWhiteSpace(l))));
        Add("locality", address.City);
        Add("postalCode", address.PostalCode);
        Add("adminDistrict", address.Region);
        Add("countryRegion", address.Country);

        var body = await resilience.ExecuteAsync(async token =>
        {
            var access = await credential.GetTokenAsync(new TokenRequestContext(Scopes), token);
            using var request = new HttpRequestMessage(HttpMethod.Get, "geocode?" + string.Join("&", query));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.Token);
            request.Headers.Add(ClientIdHeader, mapsClientId);
            using var response = await http.SendAsync(request, token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode)
                throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, Describe(text), response.Headers.RetryAfter?.Delta);
            return text;
        }, ct);
        return Read(body);
    }

    /// <summary>The first feature of a Get Geocoding answer, when it is precise and confident enough.</summary>
    public static GeocodeResult? Read(string body)
    {
        using var json = JsonDocument.Parse(body);
        if (!json.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array || features.GetArrayLength() == 0)
            return null;
        var feature = features[0];
        if (!feature.TryGetProperty("properties", out var properties) || !feature.TryGetProperty("geometry", out var geometry)) return null;
        var precision = (properties.TryGetProperty("type", out var type) ? type.GetString() : null) switch
        {
            "Address" or "RoadBlock" or "RoadIntersection" or "Postcode1" => GeocodePrecision.Postcode,
            "PopulatedPlace" or "Neighborhood" => GeocodePrecision.City,
            _ => (GeocodePrecision?)null,
        };
        if (precision is null) return null;
        if (properties.TryGetProperty("confidence", out var confidence) && confidence.GetString() == "Low") return null;
        // GeoJSON: [longitude, latitude].
        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.GetArrayLength() < 2) return null;
        var point = new GeoPoint(coordinates[1].GetDouble(), coordinates[0].GetDouble());
        return point.IsOnTheGlobe() ? new GeocodeResult(point, precision.Value) : null;
    }

    // Azure Maps' error body: { "error": { "code": "BadRequest", "message": "..." } }.
    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                return string.Create(CultureInfo.InvariantCulture,
                    $"{(error.TryGetProperty("code", out var code) ? code.GetString() : "error")}: {(error.TryGetProperty("message", out var message) ? message.GetString() : "")}");
        }
        catch (JsonException)
        {
        }
        return body.Length > 300 ? body[..300] : body;
    }
}
