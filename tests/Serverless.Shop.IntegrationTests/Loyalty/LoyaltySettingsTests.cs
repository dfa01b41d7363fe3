using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Loyalty;
using Serverless.Shop.Infrastructure.Loyalty;

namespace Serverless.Shop.IntegrationTests.Loyalty;

/// <summary>How the tiers, segments and offer settings are read (docs/configuration.md#loyalty): bad ones stop the app at startup, naming the setting.</summary>
public sealed class LoyaltySettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_settings_the_default_tiers_apply_with_no_segments_and_thirty_day_offers()
    {
        var settings = LoyaltyRegistration.ReadSettings(Settings());

        settings.Tiers.Select(t => (t.Name, t.Threshold, t.PointsMultiplier, t.OfferPercent))
            .ShouldBe([("Bronze", 0m, 1m, 5m), ("Silver", 500m, 1.25m, 10m), ("Gold", 2000m, 1.5m, 15m)]);
        settings.Segments.ShouldBeEmpty();
        settings.OfferDays.ShouldBe(30);
    }

    [Fact]
    public void Tiers_segments_and_offer_days_are_read_from_their_settings()
    {
        var settings = LoyaltyRegistration.ReadSettings(Settings(
            ("Loyalty:Tiers", " Member:0:1:0 , VIP:1000.50:2:12.5 "),
            ("Loyalty:Segments", "lamps=boughtCategory:cat_lamps, big=spentOver:250.5, loyal=ordersAtLeast:3, lapsed=InactiveDays:90, dutch=language:nl, news=marketingConsent:email"),
            ("Loyalty:OfferDays", "14")));

        settings.Tiers.ShouldBe([new MembershipTier("Member", 0m, 1m, 0m), new MembershipTier("VIP", 1000.50m, 2m, 12.5m)]);
        settings.Segments.ShouldBe(
        [
            new SegmentRule("lamps", SegmentRuleKind.BoughtCategory, "cat_lamps"),
            new SegmentRule("big", SegmentRuleKind.SpentOver, "250.5"),
            new SegmentRule("loyal", SegmentRuleKind.OrdersAtLeast, "3"),
            new SegmentRule("lapsed", SegmentRuleKind.InactiveDays, "90"),
            new SegmentRule("dutch", SegmentRuleKind.Language, "nl"),
            new SegmentRule("news", SegmentRuleKind.MarketingConsent, "email"),
        ]);
        settings.OfferDays.ShouldBe(14);
        LoyaltyRegistration.ReadSettings(Settings(("Loyalty:Tiers", "none"))).Tiers.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Loyalty:Tiers", "Gold")]
    [InlineData("Loyalty:Tiers", "Gold:2000:1.5")]
    [InlineData("Loyalty:Tiers", "Gold:-1:1.5:10")]
    [InlineData("Loyalty:Tiers", "Gold:2000:0:10")]
    [InlineData("Loyalty:Tiers", "Gold:2000:11:10")]
    [InlineData("Loyalty:Tiers", "Gold:2000:1.5:101")]
    [InlineData("Loyalty:Tiers", "Gold Card:2000:1.5:10")]
    [InlineData("Loyalty:Tiers", "Silver:500:1:5, Gold:500:2:10")]
    [InlineData("Loyalty:Tiers", "Gold:2000:2:10, Silver:500:1:5")]
    [InlineData("Loyalty:Tiers", "Gold:0:1:5, gold:500:2:10")]
    [InlineData("Loyalty:Segments", "lapsed")]
    [InlineData("Loyalty:Segments", "lapsed=inactiveDays")]
    [InlineData("Loyalty:Segments", "lapsed=inactiveDays:0")]
    [InlineData("Loyalty:Segments", "lapsed=inactiveDays:ninety")]
    [InlineData("Loyalty:Segments", "lapsed=sleeping:90")]
    [InlineData("Loyalty:Segments", "lapsed=2:90")]
    [InlineData("Loyalty:Segments", "big=spentOver:-5")]
    [InlineData("Loyalty:Segments", "lamps=boughtCategory:")]
    [InlineData("Loyalty:Segments", "dutch=language:dutch-language")]
    [InlineData("Loyalty:Segments", "news=marketingConsent:post")]
    [InlineData("Loyalty:Segments", "a=ordersAtLeast:2, A=ordersAtLeast:3")]
    [InlineData("Loyalty:OfferDays", "0")]
    [InlineData("Loyalty:OfferDays", "a month")]
    public void A_bad_tier_segment_or_offer_setting_stops_the_app_at_startup_naming_the_setting(string key, string value) =>
        Should.Throw<InvalidOperationException>(() => new ServiceCollection().AddShopLoyalty(Settings((key, value)))).Message.ShouldContain(key);
}
