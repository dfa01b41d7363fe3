using Microsoft.Extensions.Configuration;
using Serverless.Shop.Infrastructure.Marketing.Campaigns;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>The Campaigns settings: defaults, and settings the app refuses to start with.</summary>
public sealed class CampaignSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void Defaults_to_batches_of_1000_ten_a_minute()
    {
        var settings = CampaignsRegistration.ReadSettings(Config());
        (settings.BatchSize, settings.BatchesPerMinute).ShouldBe((1000, 10));
        settings.BatchInterval.ShouldBe(TimeSpan.FromSeconds(6));
    }

    [Theory]
    [InlineData("Campaigns:BatchSize", "1001")]
    [InlineData("Campaigns:BatchSize", "0")]
    [InlineData("Campaigns:BatchesPerMinute", "ten")]
    public void A_setting_it_does_not_understand_stops_the_app_naming_it(string key, string value)
    {
        Should.Throw<InvalidOperationException>(() => CampaignsRegistration.ReadSettings(Config((key, value)))).Message.ShouldContain(key);
    }
}
