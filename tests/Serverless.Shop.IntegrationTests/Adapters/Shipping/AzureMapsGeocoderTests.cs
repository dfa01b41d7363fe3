using System.Net;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Request = WireMock.RequestBuilders.Request;

namespace Serverless.Shop.IntegrationTests.Adapters.Shipping;

/// <summary>
/// Azure Maps' Get Geocoding API (api-version 2023-06-01) through a WireMock double whose answers have the shape of the
/// API's documented examples (a GeoJSON FeatureCollection; each feature with properties.type, confidence, matchCodes,
/// geocodePoints, and a Point geometry in [longitude, latitude]); errors in its documented { "error": { code, message } }.
/// </summary>
public sealed class AzureMapsGeocoderTests : IDisposable
{
    private const string MapsToken = "maps-access-token-for-the-test";
    private const string MapsClientId = "2bd8a2c4-0000-4000-8000-00000000c11d";

    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        // Generous: no test here is about timeouts, and the first request of a test process (WireMock and the adapter
        // still being compiled while the local shop starts beside it) took over 5 s on a busy machine and was retried,
        // which the tests that count requests then saw as a second call.
        AttemptTimeout = TimeSpan.FromSeconds(30),
        TotalTimeout = TimeSpan.FromSeconds(60),
    };

    private static readonly ShippingAddress Redmond = new("Ada", "15127 NE 24th Street", null, "Redmond", "98052", "WA", "US", null);

    private readonly WireMockServer _maps = WireMockServer.Start();
    private readonly StaticCredential _credential = new();

    public void Dispose() => _maps.Stop();

    private sealed class StaticCredential : TokenCredential
    {
        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Add(requestContext.Scopes);
            return new AccessToken(MapsToken, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private AzureMapsGeocoder Geocoder() => new(
        new HttpClient { BaseAddress = new Uri(_maps.Urls[0] + "/") }, _credential, MapsClientId,
        ThirdPartyResilience.Create(AzureMapsGeocoder.ServiceName, FastRetries, NullLogger.Instance));

    /// <summary>One feature as the documented examples have it.</summary>
    private static string Features(string type, string confidence, double longitude, double latitude) => $$"""
        {
          "type": "FeatureCollection",
          "features": [
            {
              "type": "Feature",
              "properties": {
                "address": {
                  "countryRegion": { "name": "United States" },
                  "adminDistricts": [ { "shortName": "WA" }, { "shortName": "King County" } ],
                  "formattedAddress": "15127 NE 24th St, Redmond, WA 98052",
                  "locality": "Redmond",
                  "postalCode": "98052",
                  "addressLine": "15127 NE 24th St"
                },
                "type": "{{type}}",
                "confidence": "{{confidence}}",
                "matchCodes": [ "Good" ],
                "geocodePoints": [
                  { "geometry": { "type": "Point", "coordinates": [ {{longitude}}, {{latitude}} ] }, "calculationMethod": "Rooftop", "usageTypes": [ "Display" ] }
                ]
              },
              "geometry": { "type": "Point", "coordinates": [ {{longitude}}, {{latitude}} ] },
              "bbox": [ -122.14632282407, 47.626495282429325, -122.13103917593001, 47.63422071757068 ]
            }
          ]
        }
        """;

    private void Answer(int status, string body) =>
        _maps.Given(Request.Create().WithPath("/geocode").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", status == 200 ? "application/geo+json" : "application/json").WithBody(body));

    [Fact]
    public async Task An_address_is_located_at_postcode_precision_with_a_maps_token_and_the_account_s_client_id()
    {
        Answer(200, Features("Address", "High", -122.138681, 47.630358));

        var result = await Geocoder().GeocodeAsync(Redmond, CancellationToken.None);

        result.ShouldBe(new GeocodeResult(new GeoPoint(47.630358, -122.138681), GeocodePrecision.Postcode));
        var request = _maps.LogEntries.Single().RequestMessage;
        request.Headers!["Authorization"].ToString().ShouldBe($"Bearer {MapsToken}");
        request.Headers["x-ms-client-id"].ToString().ShouldBe(MapsClientId);
        request.Query!["api-version"].ToString().ShouldBe("2023-06-01");
        request.Query["addressLine"].ToString().ShouldBe("15127 NE 24th Street");
        request.Query["locality"].ToString().ShouldBe("Redmond");
        request.Query["postalCode"].ToString().ShouldBe("98052");
        request.Query["adminDistrict"].ToString().ShouldBe("WA");
        request.Query["countryRegion"].ToString().ShouldBe("US");
        _credential.Scopes.ShouldAllBe(s => s.Single() == "https://atlas.microsoft.com/.default");
    }

    [Fact]
    public async Task A_populated_place_is_city_precision()
    {
        Answer(200, Features("PopulatedPlace", "Medium", -122.12, 47.67));

        (await Geocoder().GeocodeAsync(Redmond, CancellationToken.None)).ShouldBe(new GeocodeResult(new GeoPoint(47.67, -122.12), GeocodePrecision.City));
    }

    [Theory]
    [InlineData("AdminDivision1", "High")]
    [InlineData("CountryRegion", "High")]
    [InlineData("Address", "Low")]
    public async Task A_region_a_country_or_a_low_confidence_match_is_not_located(string type, string confidence)
    {
        Answer(200, Features(type, confidence, -120.5, 47.4));

        (await Geocoder().GeocodeAsync(Redmond, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task No_feature_is_not_located()
    {
        Answer(200, """{ "type": "FeatureCollection", "features": [] }""");

        (await Geocoder().GeocodeAsync(Redmond with { City = "Nowhere-upon-Nothing" }, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task A_refused_token_fails_with_the_service_s_code_and_is_not_retried()
    {
        Answer(401, """{ "error": { "code": "401 Unauthorized", "message": "The request is not authorized." } }""");

        var e = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Geocoder().GeocodeAsync(Redmond, CancellationToken.None));

        e.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        e.Message.ShouldContain("401 Unauthorized");
        _maps.LogEntries.Count().ShouldBe(1, "a 401 fails the same way again");
    }

    [Fact]
    public async Task Throttling_is_retried_and_then_the_address_is_located()
    {
        _maps.Given(Request.Create().WithPath("/geocode").UsingGet()).InScenario("throttled").WillSetStateTo("ready")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        _maps.Given(Request.Create().WithPath("/geocode").UsingGet()).InScenario("throttled").WhenStateIs("ready")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Features("Postcode1", "High", -122.13, 47.63)));

        (await Geocoder().GeocodeAsync(Redmond, CancellationToken.None))!.Precision.ShouldBe(GeocodePrecision.Postcode);
        _maps.LogEntries.Count().ShouldBe(2);
    }
}
