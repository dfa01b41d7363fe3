using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>Shipping:Origin:*, the default dispatch origin: what is read, and what is refused (startup, /api/health, 503).</summary>
public sealed class ShippingOriginSettingsTests
{
    private static ShippingOriginSettings Read(params (string Key, string Value)[] values) =>
        ShippingOriginSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build());

    [Fact]
    public void A_point_with_its_calendar_is_read_and_the_calendar_has_defaults()
    {
        var settings = Read(("Shipping:Origin:Latitude", "52.0908"), ("Shipping:Origin:Longitude", "5.1222"), ("Shipping:Origin:Holidays", "2026-12-25, 2026-12-26"));

        settings.Problem.ShouldBeNull();
        var origin = settings.Origin.ShouldNotBeNull();
        origin.Location.Latitude.ShouldBe(52.0908);
        origin.Location.Longitude.ShouldBe(5.1222);
        origin.Calendar.CutOff.ShouldBe(new TimeOnly(15, 0));
        origin.Calendar.TimeZone.ShouldBe("Europe/Amsterdam");
        origin.Calendar.Holidays.ShouldBe([new DateOnly(2026, 12, 25), new DateOnly(2026, 12, 26)], ignoreOrder: true);
    }

    [Fact]
    public async Task Without_a_point_there_is_no_origin_and_health_says_which_setting_is_missing()
    {
        var settings = Read(("Shipping:Origin:Longitude", "5.1222"));

        settings.Origin.ShouldBeNull();
        settings.Problem!.ShouldContain("Shipping:Origin:Latitude is not set");
        var health = await new ShippingOriginHealthCheck(settings).CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("shipping-origin", _ => null!, HealthStatus.Unhealthy, null) });
        health.Status.ShouldBe(HealthStatus.Unhealthy);
        health.Description!.ShouldContain("Shipping:Origin:Latitude");
    }

    [Theory]
    [InlineData("Shipping:Origin:Latitude", "north", "not a number of degrees")]
    [InlineData("Shipping:Origin:Latitude", "91", "not a place on earth")]
    [InlineData("Shipping:Origin:CutOff", "3pm", "not a time such as 15:00")]
    [InlineData("Shipping:Origin:TimeZone", "Middle/Earth", "not a time zone")]
    [InlineData("Shipping:Origin:Holidays", "2026-12-25,Christmas", "'Christmas' is not a date")]
    public void A_malformed_field_is_refused_naming_it(string key, string value, string problem)
    {
        var values = new Dictionary<string, string> { ["Shipping:Origin:Latitude"] = "52.0908", ["Shipping:Origin:Longitude"] = "5.1222", [key] = value };

        var settings = Read(values.Select(v => (v.Key, v.Value)).ToArray());

        settings.Origin.ShouldBeNull();
        settings.Problem!.ShouldContain(problem);
    }
}
