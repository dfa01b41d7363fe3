using Microsoft.Extensions.Configuration;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Infrastructure.Orders;

namespace Serverless.Shop.IntegrationTests.Orders;

/// <summary>How the returns settings are read (docs/configuration.md#returns): bad ones stop the app at startup, naming the setting.</summary>
public sealed class ReturnSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_settings_returns_within_14_days_are_approved_unless_damaged_defective_or_other_and_shipping_comes_back_with_the_last_unit()
    {
        var settings = OrdersRegistration.ReadReturnSettings(Settings());

        settings.AutoApproveWithinDays.ShouldBe(14);
        settings.ReviewReasons.ShouldBe([ReturnReason.Damaged, ReturnReason.Defective, ReturnReason.Other]);
        settings.RefundShipping.ShouldBe(ShippingRefundPolicy.WhenAllReturned);
        settings.ShipBackWithinDays.ShouldBe(14);
    }

    [Fact]
    public void The_settings_are_read_whatever_their_case()
    {
        var settings = OrdersRegistration.ReadReturnSettings(Settings(
            ("Returns:AutoApproveWithinDays", "0"), ("Returns:ReviewReasons", " wrongSize , NotAsDescribed "), ("Returns:RefundShipping", "never"),
            ("Returns:ShipBackWithinDays", "30")));

        settings.AutoApproveWithinDays.ShouldBe(0);
        settings.ReviewReasons.ShouldBe([ReturnReason.WrongSize, ReturnReason.NotAsDescribed]);
        settings.RefundShipping.ShouldBe(ShippingRefundPolicy.Never);
        settings.ShipBackWithinDays.ShouldBe(30);
        OrdersRegistration.ReadReturnSettings(Settings(("Returns:ReviewReasons", "none"))).ReviewReasons.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Returns:AutoApproveWithinDays", "-1")]
    [InlineData("Returns:AutoApproveWithinDays", "366")]
    [InlineData("Returns:AutoApproveWithinDays", "two weeks")]
    [InlineData("Returns:ReviewReasons", "damaged, scratched")]
    [InlineData("Returns:ReviewReasons", "4")]
    [InlineData("Returns:RefundShipping", "sometimes")]
    [InlineData("Returns:RefundShipping", "1")]
    [InlineData("Returns:ShipBackWithinDays", "0")]
    [InlineData("Returns:ShipBackWithinDays", "-3")]
    [InlineData("Returns:ShipBackWithinDays", "366")]
    [InlineData("Returns:ShipBackWithinDays", "a fortnight")]
    public void A_malformed_setting_stops_the_app_naming_it(string key, string value)
    {
        var failure = Should.Throw<InvalidOperationException>(() => OrdersRegistration.ReadReturnSettings(Settings((key, value))));

        failure.Message.ShouldContain(key);
    }
}
