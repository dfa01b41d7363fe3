using Microsoft.Extensions.Configuration;
using Serverless.Shop.Infrastructure.Marketing.Flows;

namespace Serverless.Shop.IntegrationTests.Marketing.Flows;

/// <summary>
/// The abandoned-cart flow's deployment settings (docs/configuration.md): the look-back and an optional cart page of the
/// merchant's own storefront; bad ones stop the app at startup, naming the setting. Whether the flow is on, and its
/// delays, are flow settings (FlowApiTests).
/// </summary>
public sealed class AbandonedCartSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_settings_the_look_back_is_48_hours_and_the_link_goes_to_the_storefronts_own_cart_page()
    {
        var settings = MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings());

        settings.LookBack.ShouldBe(TimeSpan.FromHours(48));
        settings.CartPageUrl.ShouldBeNull("null: the storefront's cart page (Storefront:PublicBaseUrl + cart)");
    }

    [Fact]
    public void A_merchant_with_a_storefront_of_their_own_names_its_cart_page()
    {
        var settings = MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings(
            ("Marketing:AbandonedCart:CartPageUrl", "https://shop.example/cart"), ("Marketing:AbandonedCart:LookBackHours", "12")));

        settings.CartPageUrl.ShouldBe(new Uri("https://shop.example/cart"));
        settings.LookBack.ShouldBe(TimeSpan.FromHours(12));
    }

    [Theory]
    [InlineData("Marketing:AbandonedCart:LookBackHours", "0")]
    [InlineData("Marketing:AbandonedCart:LookBackHours", "337")]
    [InlineData("Marketing:AbandonedCart:LookBackHours", "two days")]
    [InlineData("Marketing:AbandonedCart:CartPageUrl", "/cart")]
    [InlineData("Marketing:AbandonedCart:CartPageUrl", "ftp://shop.example/cart")]
    public void A_bad_value_stops_the_app_naming_the_setting(string key, string value)
    {
        var e = Should.Throw<InvalidOperationException>(() => MarketingFlowsRegistration.ReadAbandonedCartSettings(Settings((key, value))));

        e.Message.ShouldContain(key);
        e.Message.ShouldContain(value);
    }
}
