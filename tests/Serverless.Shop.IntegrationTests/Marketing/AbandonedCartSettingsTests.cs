using Microsoft.Extensions.Configuration;
using Serverless.Shop.Infrastructure.Marketing.Flows;

namespace Serverless.Shop.IntegrationTests.Marketing;

/// <summary>How the abandoned-cart settings are read (docs/configuration.md): off by default; bad ones stop the app at startup, naming the setting.</summary>
public sealed class AbandonedCartSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_settings_the_flow_is_off_with_reminders_after_1_and_24_hours()
    {
        var settings = MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings());

        settings.Enabled.ShouldBeFalse();
        settings.FirstReminderAfter.ShouldBe(TimeSpan.FromHours(1));
        settings.SecondReminderAfter.ShouldBe(TimeSpan.FromHours(24));
        settings.LookBack.ShouldBe(TimeSpan.FromHours(48));
        settings.CartPageUrl.ShouldBeNull();
    }

    [Fact]
    public void The_merchant_switches_it_on_with_a_cart_page_and_their_own_delays()
    {
        var settings = MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings(
            ("Marketing:AbandonedCart:Enabled", "true"), ("Marketing:AbandonedCart:CartPageUrl", "https://shop.example/cart"),
            ("Marketing:AbandonedCart:FirstReminderHours", "0.5"), ("Marketing:AbandonedCart:SecondReminderHours", "0"),
            ("Marketing:AbandonedCart:LookBackHours", "12")));

        settings.Enabled.ShouldBeTrue();
        settings.CartPageUrl.ShouldBe(new Uri("https://shop.example/cart"));
        settings.FirstReminderAfter.ShouldBe(TimeSpan.FromMinutes(30));
        settings.SecondReminderAfter.ShouldBeNull("0: one reminder only");
        settings.Reminders.ShouldBe(1);
        settings.LookBack.ShouldBe(TimeSpan.FromHours(12));
    }

    [Theory]
    [InlineData("Marketing:AbandonedCart:Enabled", "yes")]
    [InlineData("Marketing:AbandonedCart:FirstReminderHours", "0.005")]
    [InlineData("Marketing:AbandonedCart:FirstReminderHours", "169")]
    [InlineData("Marketing:AbandonedCart:FirstReminderHours", "-1")]
    [InlineData("Marketing:AbandonedCart:SecondReminderHours", "337")]
    [InlineData("Marketing:AbandonedCart:SecondReminderHours", "1")]
    [InlineData("Marketing:AbandonedCart:LookBackHours", "0")]
    [InlineData("Marketing:AbandonedCart:CartPageUrl", "/cart")]
    [InlineData("Marketing:AbandonedCart:CartPageUrl", "ftp://shop.example/cart")]
    public void A_bad_value_stops_the_app_naming_the_setting(string key, string value)
    {
        (string, string)[] values = key.EndsWith("CartPageUrl", StringComparison.Ordinal)
            ? [(key, value)]
            : [("Marketing:AbandonedCart:CartPageUrl", "https://shop.example/cart"), (key, value)];
        var e = Should.Throw<InvalidOperationException>(() => MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings(values)));

        e.Message.ShouldContain(key.Contains("SecondReminderHours", StringComparison.Ordinal) && value == "1" ? "must come after" : key);
    }

    [Fact]
    public void Switched_on_without_a_cart_page_the_app_does_not_start()
    {
        var e = Should.Throw<InvalidOperationException>(() => MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings(("Marketing:AbandonedCart:Enabled", "true"))));

        e.Message.ShouldContain("Marketing:AbandonedCart:CartPageUrl is required");
    }
}
