using Microsoft.Extensions.Configuration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>Shipping:* settings: the default zones for local development, configured zones, and what is refused at startup.</summary>
public sealed class ShippingSettingsTests
{
    private static ShippingSettings Read(params (string Key, string Value)[] values) =>
        ShippingSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build());

    private static string Problems(params (string Key, string Value)[] values) =>
        Should.Throw<InvalidOperationException>(() => Read(values)).Message;

    [Fact]
    public void Without_zones_the_shop_ships_at_home_across_the_eu_and_to_a_few_other_countries()
    {
        var settings = Read();
        var rates = new Domain.Shipping.ZoneShippingRates(settings.Zones, new ShopSettings("EUR"));

        settings.ShopCountry.ShouldBe("NL");
        rates.ZoneFor("NL")!.Name.ShouldBe("domestic");
        rates.ZoneFor("DE")!.Name.ShouldBe("eu");
        rates.ZoneFor("US")!.Name.ShouldBe("rest-of-world");
        rates.ZoneFor("BR").ShouldBeNull();
        rates.ZoneFor("AQ").ShouldBeNull();
    }

    [Fact]
    public void The_shop_s_country_is_the_domestic_zone_and_leaves_the_eu_zone()
    {
        var settings = Read(("Shipping:ShopCountry", "DE"));

        settings.Zones.Single(z => z.Name == "domestic").Countries.ShouldBe(["DE"]);
        settings.Zones.Single(z => z.Name == "eu").Countries.ShouldContain("NL");
        settings.Zones.Single(z => z.Name == "eu").Countries.ShouldNotContain("DE");
    }

    [Fact]
    public void Zones_are_read_from_configuration_with_countries_as_a_list_or_one_comma_separated_value()
    {
        var settings = Read(
            ("Shipping:Zones:0:Name", "benelux"), ("Shipping:Zones:0:Countries", "NL, BE,LU"), ("Shipping:Zones:0:Service", "standard"),
            ("Shipping:Zones:0:BaseFee", "3.50"), ("Shipping:Zones:0:FeePerAdditionalItem", "0.25"), ("Shipping:Zones:0:FreeShippingThreshold", "40"),
            ("Shipping:Zones:0:EstimatedDaysMin", "1"), ("Shipping:Zones:0:EstimatedDaysMax", "2"),
            ("Shipping:Zones:1:Name", "nordics"), ("Shipping:Zones:1:Countries:0", "SE"), ("Shipping:Zones:1:Countries:1", "DK"), ("Shipping:Zones:1:Carrier", "other-carrier"),
            ("Shipping:Zones:1:Service", "economy"), ("Shipping:Zones:1:BaseFee", "12"), ("Shipping:Zones:1:EstimatedDaysMin", "3"), ("Shipping:Zones:1:EstimatedDaysMax", "6"));

        settings.Zones.Select(Describe).ShouldBe([
            "benelux: NL BE LU by local-carrier standard, 3.50 + 0.25, free from 40, 1-2 days",
            "nordics: SE DK by other-carrier economy, 12 + 0, free from -, 3-6 days",
        ]);
    }

    [Fact]
    public void Bad_zones_stop_the_app_at_startup_with_every_problem_named()
    {
        var message = Problems(
            ("Shipping:Zones:0:Name", "home"), ("Shipping:Zones:0:Countries", "NL"), ("Shipping:Zones:0:Service", "standard"),
            ("Shipping:Zones:0:BaseFee", "4,95"), ("Shipping:Zones:0:EstimatedDaysMin", "one"), ("Shipping:Zones:0:EstimatedDaysMax", "2"),
            ("Shipping:Zones:1:Name", "away"), ("Shipping:Zones:1:Countries", "NL,xx"), ("Shipping:Zones:1:Service", "standard"),
            ("Shipping:Zones:1:EstimatedDaysMin", "1"), ("Shipping:Zones:1:EstimatedDaysMax", "2"));

        message.ShouldContain("Shipping:Zones:0:BaseFee is not an amount such as 4.95: '4,95'.");
        message.ShouldContain("Shipping:Zones:0:EstimatedDaysMin must be a whole number of days.");
        message.ShouldContain("Shipping:Zones:1:BaseFee is required.");
        message.ShouldContain("NL is in zones home and away");
        message.ShouldContain("'xx' is not an ISO 3166-1 alpha-2 code");
    }

    [Fact]
    public void Default_fees_must_fit_the_shop_s_currency()
    {
        Problems(("Shop:Currency", "JPY")).ShouldContain("more decimals than JPY allows");
    }

    [Theory]
    [InlineData("Shipping:ShopCountry", "nl", "Shipping:ShopCountry")]
    [InlineData("Shipping:Carrier:WebhookSecret", "short", "at least 16 characters")]
    [InlineData("Shipping:Carrier:Provider", "carrier-pigeon", "Shipping:Carrier:Provider")]
    public void Bad_carrier_and_shop_settings_are_refused(string key, string value, string expected)
    {
        Problems((key, value)).ShouldContain(expected);
    }

    [Fact]
    public void Without_a_webhook_secret_there_is_no_default_and_the_carrier_webhook_is_refused_with_503()
    {
        var settings = Read();

        settings.WebhookSecret.State.ShouldBe(SecretState.Missing);
        var reader = new HmacTrackingWebhookReader("local-carrier", settings.WebhookSecret, TimeProvider.System);
        // Signed with the empty text the simulator would be left with: refused as not configured, not verified.
        var body = "{}";
        var headers = new Dictionary<string, string> { [HmacTrackingWebhookReader.SignatureHeader] = HmacWebhookSignature.Sign(body, "", DateTimeOffset.UtcNow) };
        Should.Throw<NotConfiguredException>(() => reader.ReadAsync(headers, body, CancellationToken.None));
        Read(("Shipping:Carrier:WebhookSecret", "a-configured-secret-of-some-length")).WebhookSecret.Value.ShouldBe("a-configured-secret-of-some-length");
    }

    [Fact]
    public void The_settings_never_print_the_secret()
    {
        var settings = Read(("Shipping:Carrier:WebhookSecret", "a-configured-secret-of-some-length"));

        settings.ToString().ShouldNotContain("a-configured-secret");
        new LocalHost.Simulators.LocalCarrierOptions("a-configured-secret-of-some-length", "http://localhost").ToString().ShouldNotContain("a-configured-secret");
    }

    [Fact]
    public void Without_a_provider_no_carrier_is_configured_and_the_zones_name_the_local_carrier()
    {
        var settings = Read();

        settings.CarrierProvider.ShouldBeNull();
        settings.Zones.ShouldAllBe(z => z.Carrier == ShippingSettings.LocalCarrierName);
    }

    private static string Describe(Domain.Shipping.ShippingZone z) =>
        FormattableString.Invariant($"{z.Name}: {string.Join(' ', z.Countries)} by {z.Carrier} {z.Service}, {z.BaseFee} + {z.FeePerAdditionalItem}, free from {z.FreeShippingThreshold?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {z.EstimatedDaysMin}-{z.EstimatedDaysMax} days");
}
