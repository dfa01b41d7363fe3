using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.LocalHost.Shipping;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>
/// Which geocoder a deployment gets (Azure Maps, or none: startup and /api/health fail), and the local host's geocoder
/// on the bundled GeoNames places.
/// </summary>
public sealed class GeocodingTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<Azure.Core.TokenCredential>(new Azure.Identity.DefaultAzureCredential());
        services.AddShopGeocoding(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReport> HealthAsync(ServiceProvider services) =>
        await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None);

    [Fact]
    public async Task Without_the_maps_client_id_the_app_refuses_to_start_health_is_unhealthy_and_a_geocode_is_not_configured()
    {
        using var services = Services();

        Should.Throw<InvalidOperationException>(() => GeocodingRegistration.ThrowIfNotConfigured(services)).Message.ShouldContain(GeocodingSettings.ClientIdSetting);
        var health = await HealthAsync(services);
        health.Entries["geocoding"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["geocoding"].Description!.ShouldContain(GeocodingSettings.ClientIdSetting);
        await Should.ThrowAsync<NotConfiguredException>(() => services.GetRequiredService<IGeocoder>()
            .GeocodeAsync(new ShippingAddress("A", "Street 1", null, "Utrecht", "3511 AA", null, "NL", null), CancellationToken.None));
    }

    [Fact]
    public async Task With_the_maps_client_id_azure_maps_geocodes_and_health_is_healthy()
    {
        using var services = Services((GeocodingSettings.ClientIdSetting, "2bd8a2c4-0000-4000-8000-00000000c11d"));

        GeocodingRegistration.ThrowIfNotConfigured(services);
        services.GetRequiredService<IGeocoder>().ShouldBeOfType<AzureMapsGeocoder>();
        (await HealthAsync(services)).Entries["geocoding"].Status.ShouldBe(HealthStatus.Healthy);
    }

    [Fact]
    public void An_endpoint_that_is_not_https_is_refused()
    {
        using var services = Services((GeocodingSettings.ClientIdSetting, "2bd8a2c4-0000-4000-8000-00000000c11d"), (GeocodingSettings.EndpointSetting, "http://atlas.example"));

        Should.Throw<InvalidOperationException>(() => GeocodingRegistration.ThrowIfNotConfigured(services)).Message.ShouldContain(GeocodingSettings.EndpointSetting);
    }

    [Fact]
    public void The_bundled_places_cover_every_country_the_default_zones_ship_to()
    {
        var geocoder = LocalGeodataGeocoder.Shared;
        var shipped = ShippingSettings.DefaultZones(ShippingSettings.DefaultShopCountry).SelectMany(z => z.Countries).ToHashSet();

        shipped.Except(geocoder.Countries).ShouldBeEmpty();
        geocoder.PlaceCount.ShouldBeGreaterThan(80_000);
    }

    [Theory]
    [InlineData("NL", "Utrecht", null, 52.091, 5.122)]
    [InlineData("DE", "Köln", null, 50.933, 6.95)]
    [InlineData("DE", "KÖLN", null, 50.933, 6.95)]
    [InlineData("FR", "Saint-Étienne", null, 45.434, 4.390)]
    [InlineData("US", "Springfield", "IL", 39.802, -89.644)]
    [InlineData("JP", "Osaka", null, 34.694, 135.502)]
    public void A_city_is_located_whatever_its_case_accents_and_punctuation(string country, string city, string? region, double latitude, double longitude)
    {
        var result = LocalGeodataGeocoder.Shared.Geocode(new ShippingAddress("A", "Street 1", null, city, "1000", region, country, null));

        result.ShouldNotBeNull();
        result.Precision.ShouldBe(GeocodePrecision.City);
        result.Point.Latitude.ShouldBe(latitude, 0.02);
        result.Point.Longitude.ShouldBe(longitude, 0.02);
    }

    [Theory]
    [InlineData("NL", "Atlantis", null)]
    [InlineData("US", "Springfield", null)]
    [InlineData("US", "Springfield", "ZZ")]
    [InlineData("BR", "São Paulo", null)]
    [InlineData("NL", "", null)]
    [InlineData("N", "Utrecht", null)]
    public void An_unknown_place_a_name_shared_by_places_far_apart_or_an_uncovered_country_is_not_located(string country, string city, string? region) =>
        LocalGeodataGeocoder.Shared.Geocode(new ShippingAddress("A", "Street 1", null, city, "1000", region, country, null)).ShouldBeNull();
}
