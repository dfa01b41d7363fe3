using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Attribution;

/// <summary>What a cart keeps of the visits that led to it: which touches are valid, and which one is first and last.</summary>
public sealed class AttributionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static AttributionInput Input(string? source = "newsletter", string? gclid = null, string? fbclid = null, string? landingPage = null, DateTimeOffset? at = null) =>
        new(source, "email", "winter-sale", null, null, gclid, fbclid, landingPage, at);

    private static (MarketingTouch? Touch, IReadOnlyDictionary<string, string[]> Errors) Check(AttributionInput input)
    {
        var v = new Validator();
        var touch = AttributionRules.Validate(input, "attribution", Now, v);
        try { v.ThrowIfInvalid(); return (touch, new Dictionary<string, string[]>()); }
        catch (ValidationFailedException e) { return (touch, e.Errors); }
    }

    [Fact]
    public void A_valid_touch_is_kept_trimmed_with_its_capture_time()
    {
        var at = Now.AddHours(-2);
        var (touch, errors) = Check(Input(source: "  google ", gclid: "EAIaIQobChMI-abc_1.2", landingPage: "https://shop.example/products/mug?utm_source=google", at: at));
        errors.ShouldBeEmpty();
        touch.ShouldNotBeNull();
        touch.UtmSource.ShouldBe("google");
        touch.Gclid.ShouldBe("EAIaIQobChMI-abc_1.2");
        touch.CapturedAt.ShouldBe(at);
    }

    [Fact]
    public void A_touch_without_a_capture_time_is_captured_now()
    {
        var (touch, _) = Check(Input());
        touch!.CapturedAt.ShouldBe(Now);
    }

    [Theory]
    [InlineData("gclid", "abc def")]
    [InlineData("gclid", "abc<script>")]
    [InlineData("fbclid", "IwAR'; DROP")]
    public void A_click_id_with_other_characters_is_refused_on_its_field(string field, string value)
    {
        var (touch, errors) = Check(field == "gclid" ? Input(gclid: value) : Input(fbclid: value));
        touch.ShouldBeNull();
        errors.Keys.ShouldBe([$"attribution.{field}"]);
    }

    [Fact]
    public void Too_long_values_are_refused_each_on_its_field()
    {
        var (_, errors) = Check(Input(source: new string('a', AttributionRules.MaximumUtmLength + 1), gclid: new string('b', AttributionRules.MaximumClickIdLength + 1)));
        errors.Keys.Order().ShouldBe(["attribution.gclid", "attribution.utmSource"]);
    }

    [Fact]
    public void Control_characters_and_angle_brackets_in_utm_values_are_refused()
    {
        var (_, errors) = Check(Input(source: "news\u0001letter") with { UtmCampaign = "<b>sale</b>" });
        errors.Keys.Order().ShouldBe(["attribution.utmCampaign", "attribution.utmSource"]);
    }

    [Theory]
    [InlineData("/products/mug")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://shop.example/")]
    public void A_landing_page_must_be_an_absolute_http_url(string page)
    {
        var (_, errors) = Check(Input(landingPage: page));
        errors.Keys.ShouldBe(["attribution.landingPage"]);
    }

    [Fact]
    public void A_capture_time_in_the_future_or_older_than_90_days_is_refused()
    {
        Check(Input(at: Now.AddHours(1))).Errors.Keys.ShouldBe(["attribution.capturedAt"]);
        Check(Input(at: Now.AddDays(-91))).Errors.Keys.ShouldBe(["attribution.capturedAt"]);
        Check(Input(at: Now.AddMinutes(2))).Errors.ShouldBeEmpty();
    }

    [Fact]
    public void A_touch_that_says_nothing_is_refused()
    {
        var (_, errors) = Check(new AttributionInput(null, " ", null, null, null, null, null, null, Now));
        errors.Keys.ShouldBe(["attribution"]);
    }

    private static MarketingTouch Touch(string source, DateTimeOffset at, string? gclid = null, string? fbclid = null) =>
        new(source, null, null, null, null, gclid, fbclid, null, at);

    [Fact]
    public void The_first_touch_stays_and_a_later_visit_becomes_the_last_touch()
    {
        var first = Touch("google", Now.AddDays(-3), gclid: "G1");
        var second = Touch("newsletter", Now.AddDays(-1));
        var journey = CartAttribution.Start(first).With(second);
        journey.FirstTouch.ShouldBe(first);
        journey.LastTouch.ShouldBe(second);
        // The latest click id of the journey is still the first visit's: the newsletter visit had none.
        journey.LatestGclid.ShouldBe("G1");
    }

    [Fact]
    public void A_touch_captured_earlier_but_sent_late_becomes_the_first_and_not_the_last()
    {
        var journey = CartAttribution.Start(Touch("newsletter", Now.AddDays(-1)));
        var earlier = Touch("facebook", Now.AddDays(-2), fbclid: "F1");
        var after = journey.With(earlier);
        after.FirstTouch.ShouldBe(earlier);
        after.LastTouch.UtmSource.ShouldBe("newsletter");
        after.FbclidCapturedAt.ShouldBe(Now.AddDays(-2));
    }

    [Fact]
    public void The_same_touch_again_changes_nothing()
    {
        var touch = Touch("google", Now);
        var journey = CartAttribution.Start(touch);
        journey.With(touch).ShouldBeSameAs(journey);
    }

    [Fact]
    public void Merged_journeys_keep_the_earliest_first_and_the_latest_last_touch()
    {
        var guest = CartAttribution.Start(Touch("facebook", Now.AddDays(-5))).With(Touch("google", Now.AddDays(-1)));
        var customer = CartAttribution.Start(Touch("newsletter", Now.AddDays(-3)));
        var merged = CartAttribution.Combine(customer, guest)!;
        merged.FirstTouch.UtmSource.ShouldBe("facebook");
        merged.LastTouch.UtmSource.ShouldBe("google");
        CartAttribution.Combine(null, guest).ShouldBe(guest);
        CartAttribution.Combine(customer, null).ShouldBe(customer);
    }
}
