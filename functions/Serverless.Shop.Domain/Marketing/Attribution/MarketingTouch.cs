using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Marketing.Attribution;

/// <summary>
/// How a shopper came to the shop on one visit: the UTM parameters of the link, the ad click ids (Google's gclid, Meta's
/// fbclid), the page they landed on and when. The storefront captures it from the landing page's URL and sends it with
/// the cart (docs/marketing.md, "Ads feeds and attribution").
/// </summary>
public sealed record MarketingTouch(
    string? UtmSource, string? UtmMedium, string? UtmCampaign, string? UtmTerm, string? UtmContent,
    string? Gclid, string? Fbclid, string? LandingPage, DateTimeOffset CapturedAt);

/// <summary>A touch as a client sends it; every field optional, checked by <see cref="AttributionRules.Validate"/>.</summary>
public sealed record AttributionInput(
    string? UtmSource, string? UtmMedium, string? UtmCampaign, string? UtmTerm, string? UtmContent,
    string? Gclid, string? Fbclid, string? LandingPage, DateTimeOffset? CapturedAt);

/// <summary>
/// What a cart, and then its order, keeps of the visits that led to it: the first touch (the visit that brought the
/// shopper, never replaced) and the last touch (the most recent visit with campaign data). Both, as Shopify keeps a
/// customer journey's first and last visit: the first credits the campaign that found the shopper, the last the one that
/// closed the sale, and the ad platforms want the latest click id (a click expires; a later one is the one they match).
/// </summary>
public sealed record CartAttribution(MarketingTouch FirstTouch, MarketingTouch LastTouch)
{
    public static CartAttribution Start(MarketingTouch touch) => new(touch, touch);

    /// <summary>
    /// Adds a visit: it becomes the last touch unless a later one is already kept, and the first touch if it came before
    /// the kept first (a touch captured earlier but sent late, say from another tab). Returns this instance when nothing changes.
    /// </summary>
    public CartAttribution With(MarketingTouch touch)
    {
        var first = touch.CapturedAt < FirstTouch.CapturedAt ? touch : FirstTouch;
        var last = touch.CapturedAt >= LastTouch.CapturedAt ? touch : LastTouch;
        return first == FirstTouch && last == LastTouch ? this : new CartAttribution(first, last);
    }

    /// <summary>Both carts' journeys as one (a guest cart merged at sign-in): the earlier first touch, the later last touch.</summary>
    public static CartAttribution? Combine(CartAttribution? kept, CartAttribution? incoming) => (kept, incoming) switch
    {
        (null, _) => incoming,
        (_, null) => kept,
        _ => kept.With(incoming.FirstTouch).With(incoming.LastTouch),
    };

    /// <summary>The most recent Google click id of the journey (the last touch's, else the first's), for conversion uploads.</summary>
    public string? LatestGclid => LastTouch.Gclid ?? FirstTouch.Gclid;

    /// <summary>The most recent Meta click id of the journey, for the Conversions API's fbc.</summary>
    public string? LatestFbclid => LastTouch.Fbclid ?? FirstTouch.Fbclid;

    /// <summary>
    /// The journey without what can point at a person: the ad click ids (the platforms tie them to the clicker) and the
    /// landing page (its query may carry anything). The campaign's UTM parameters and the times stay: they describe the
    /// campaign, not the shopper, and the sales figures by channel keep them. Used by erasure (ErasePersonalDataTests).
    /// </summary>
    public CartAttribution WithoutPersonalData() =>
        new(FirstTouch with { Gclid = null, Fbclid = null, LandingPage = null }, LastTouch with { Gclid = null, Fbclid = null, LandingPage = null });

    /// <summary>When the click behind <see cref="LatestFbclid"/> was captured (Meta's fbc carries it).</summary>
    public DateTimeOffset? FbclidCapturedAt => LastTouch.Fbclid is not null ? LastTouch.CapturedAt : FirstTouch.Fbclid is not null ? FirstTouch.CapturedAt : null;
}

/// <summary>The rules a touch must keep: short printable text, click ids of the characters the platforms use, an http(s) landing page, a sensible time.</summary>
public static partial class AttributionRules
{
    public const int MaximumUtmLength = 200;
    public const int MaximumClickIdLength = 500;
    public const int MaximumLandingPageLength = 2000;

    /// <summary>How far in the future a capture time may be (the shopper's clock runs ahead a little).</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>How old a touch may be: Google Ads' longest click-through conversion window.</summary>
    public static readonly TimeSpan MaximumAge = TimeSpan.FromDays(90);

    /// <summary>Checks a touch; null (with the errors in <paramref name="v"/>) when it breaks a rule. A missing capture time is now.</summary>
    /// <param name="prefix">The field path of the touch in the request, e.g. "attribution".</param>
    public static MarketingTouch? Validate(AttributionInput input, string prefix, DateTimeOffset now, Validator v)
    {
        var ok = true;
        string Field(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
        string? Text(string? value, string name)
        {
            var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            if (text is null) return null;
            ok &= v.Check(text.Length <= MaximumUtmLength && PrintableText().IsMatch(text), Field(name),
                $"must be at most {MaximumUtmLength} printable characters (no control characters, no < or >).");
            return text;
        }
        string? ClickId(string? value, string name)
        {
            var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            if (text is null) return null;
            ok &= v.Check(text.Length <= MaximumClickIdLength && ClickIdPattern().IsMatch(text), Field(name),
                $"must be at most {MaximumClickIdLength} letters, digits, '-', '_' or '.', as the ad platform put it in the link.");
            return text;
        }

        var touch = new MarketingTouch(
            Text(input.UtmSource, "utmSource"), Text(input.UtmMedium, "utmMedium"), Text(input.UtmCampaign, "utmCampaign"),
            Text(input.UtmTerm, "utmTerm"), Text(input.UtmContent, "utmContent"),
            ClickId(input.Gclid, "gclid"), ClickId(input.Fbclid, "fbclid"),
            string.IsNullOrWhiteSpace(input.LandingPage) ? null : input.LandingPage.Trim(),
            input.CapturedAt ?? now);
        if (touch.LandingPage is { } page)
            ok &= v.Check(page.Length <= MaximumLandingPageLength && Uri.TryCreate(page, UriKind.Absolute, out var url) && url.Scheme is "https" or "http",
                Field("landingPage"), $"must be the absolute http(s) URL of the page the shopper landed on, at most {MaximumLandingPageLength} characters.");
        if (input.CapturedAt is { } at)
        {
            ok &= v.Check(at <= now + AllowedClockSkew, Field("capturedAt"), "must not be in the future.");
            ok &= v.Check(at >= now - MaximumAge, Field("capturedAt"), $"must be within the last {MaximumAge.TotalDays:0} days.");
        }
        ok &= v.Check(touch with { CapturedAt = default } != Empty, prefix.Length == 0 ? "attribution" : prefix,
            "must carry at least one of utmSource, utmMedium, utmCampaign, utmTerm, utmContent, gclid, fbclid or landingPage.");
        return ok ? touch : null;
    }

    private static readonly MarketingTouch Empty = new(null, null, null, null, null, null, null, null, default);

    // Printable text without the angle brackets: these values end up in staff pages and CSV exports.
    [GeneratedRegex(@"^[^\p{C}<>]+$")]
    private static partial Regex PrintableText();

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex ClickIdPattern();
}
