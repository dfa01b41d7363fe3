using Microsoft.Extensions.Configuration;
using Serverless.Shop.Infrastructure.Marketing.Campaigns;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>The Campaigns settings: defaults, the link base's fallback to the app's own address, and settings the app refuses to start with.</summary>
public sealed class CampaignSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void Defaults_to_batches_of_1000_ten_a_minute_and_no_link_base()
    {
        var settings = CampaignsRegistration.ReadSettings(Config());
        (settings.BatchSize, settings.BatchesPerMinute, settings.LinkBaseUrl).ShouldBe((1000, 10, (Uri?)null));
        settings.BatchInterval.ShouldBe(TimeSpan.FromSeconds(6));
    }

    [Fact]
    public void Links_point_at_the_apps_own_address_unless_a_storefront_address_is_set()
    {
        CampaignsRegistration.ReadSettings(Config(("WEBSITE_HOSTNAME", "shop.azurewebsites.net"))).LinkBaseUrl.ShouldBe(new Uri("https://shop.azurewebsites.net/"));
        CampaignsRegistration.ReadSettings(Config(("WEBSITE_HOSTNAME", "shop.azurewebsites.net"), ("Campaigns:LinkBaseUrl", "https://www.shop.example/")))
            .LinkBaseUrl.ShouldBe(new Uri("https://www.shop.example/"));
    }

    [Theory]
    [InlineData("Campaigns:BatchSize", "1001")]
    [InlineData("Campaigns:BatchSize", "0")]
    [InlineData("Campaigns:BatchesPerMinute", "ten")]
    [InlineData("Campaigns:LinkBaseUrl", "shop.example")]
    [InlineData("Campaigns:LinkBaseUrl", "ftp://shop.example/")]
    public void A_setting_it_does_not_understand_stops_the_app_naming_it(string key, string value)
    {
        Should.Throw<InvalidOperationException>(() => CampaignsRegistration.ReadSettings(Config((key, value)))).Message.ShouldContain(key);
    }
}
