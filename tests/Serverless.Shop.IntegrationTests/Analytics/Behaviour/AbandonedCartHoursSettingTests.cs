using Microsoft.Extensions.Configuration;
using Serverless.Shop.Infrastructure.Analytics.Behaviour;

namespace Serverless.Shop.IntegrationTests.Analytics.Behaviour;

/// <summary><c>Analytics:AbandonedCartHours</c> (docs/configuration.md): 24 hours without it; a bad value stops the app at startup, naming the setting.</summary>
public sealed class AbandonedCartHoursSettingTests
{
    private static IConfiguration Settings(string? hours) =>
        new ConfigurationBuilder().AddInMemoryCollection(hours is null ? [] : [new KeyValuePair<string, string?>(BehaviourRegistration.AbandonedCartHoursSetting, hours)]).Build();

    [Fact]
    public void Without_the_setting_a_cart_is_abandoned_after_24_hours() =>
        BehaviourRegistration.ReadAbandonedCartSettings(Settings(null)).IdleAfter.ShouldBe(TimeSpan.FromHours(24));

    [Theory]
    [InlineData("0.5", 30)]
    [InlineData("720", 720 * 60)]
    public void A_number_of_hours_in_range_is_taken(string hours, int minutes) =>
        BehaviourRegistration.ReadAbandonedCartSettings(Settings(hours)).IdleAfter.ShouldBe(TimeSpan.FromMinutes(minutes));

    [Theory]
    [InlineData("0")]
    [InlineData("721")]
    [InlineData("-3")]
    [InlineData("a day")]
    public void Anything_else_stops_the_app_naming_the_setting(string hours) =>
        Should.Throw<InvalidOperationException>(() => BehaviourRegistration.ReadAbandonedCartSettings(Settings(hours))).Message.ShouldContain(BehaviourRegistration.AbandonedCartHoursSetting);
}
