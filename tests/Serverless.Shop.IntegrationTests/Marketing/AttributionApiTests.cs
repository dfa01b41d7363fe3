using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.LocalHost.Simulators;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Marketing;

/// <summary>
/// Attribution over HTTP through the local shop: carts take the visit's UTM parameters and click ids (first and last
/// touch), refuse bad ones, and hand them to the order; a paid order from a Meta click is reported once (to the local
/// recorder that stands in for the Conversions API), and one from a Google click is in the Google Ads export.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class AttributionApiTests(LocalShopFixture fixture)
{
    private readonly CheckoutShopper _shopper = new(fixture);
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private static object Touch(string source, string? gclid = null, string? fbclid = null, DateTimeOffset? at = null) => new
    {
        utmSource = source, utmMedium = "cpc", utmCampaign = "winter-sale", gclid, fbclid,
        landingPage = $"https://shop.example/products/mug?utm_source={source}", capturedAt = at ?? DateTimeOffset.UtcNow.AddMinutes(-30),
    };

    private async Task<(string Id, string Token, JsonElement Body)> NewCartAsync(object attribution)
    {
        var response = await _shopper.Guest.PostJsonAsync("api/carts", new { attribution });
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("cartToken").GetString()!, body);
    }

    [Fact]
    public async Task A_cart_keeps_its_first_touch_and_takes_a_later_visit_as_its_last()
    {
        var (id, token, created) = await NewCartAsync(Touch("facebook", fbclid: "IwAR-first_1", at: DateTimeOffset.UtcNow.AddHours(-2)));
        created.GetProperty("attribution").GetProperty("firstTouch").GetProperty("utmSource").GetString().ShouldBe("facebook");

        var later = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/attribution", token, Touch("google", gclid: "EAIaIQ-later"));
        var body = await later.JsonAsync();
        later.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        var attribution = body.GetProperty("attribution");
        attribution.GetProperty("firstTouch").GetProperty("fbclid").GetString().ShouldBe("IwAR-first_1");
        attribution.GetProperty("lastTouch").GetProperty("utmSource").GetString().ShouldBe("google");
        attribution.GetProperty("lastTouch").GetProperty("gclid").GetString().ShouldBe("EAIaIQ-later");

        // Without the cart's token the visit is not the caller's to record.
        var stranger = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/attribution", "not-the-token", Touch("spam"));
        stranger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_attribution_is_refused_on_each_field_and_changes_nothing()
    {
        var refused = await _shopper.Guest.PostJsonAsync("api/carts", new { attribution = new { utmSource = "news<script>", gclid = "has spaces", landingPage = "javascript:alert(1)", capturedAt = DateTimeOffset.UtcNow.AddDays(2) } });
        var problem = await ShouldBeProblem(refused, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ShouldBe(
            ["attribution.capturedAt", "attribution.gclid", "attribution.landingPage", "attribution.utmSource"]);

        var (id, token, _) = await NewCartAsync(Touch("newsletter"));
        var bad = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/attribution", token, new { fbclid = new string('x', 501) });
        await ShouldBeProblem(bad, HttpStatusCode.BadRequest, "fbclid");
        var empty = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/attribution", token, new { utmSource = " " });
        await ShouldBeProblem(empty, HttpStatusCode.BadRequest);

        var cart = await (await _shopper.SendAsync(HttpMethod.Get, $"api/carts/{id}", token)).JsonAsync();
        var last = cart.GetProperty("attribution").GetProperty("lastTouch");
        last.GetProperty("utmSource").GetString().ShouldBe("newsletter");
        (last.TryGetProperty("fbclid", out var fbclid) ? fbclid.ValueKind : JsonValueKind.Null).ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_paid_order_keeps_the_carts_journey_goes_to_meta_once_and_is_in_the_google_ads_export()
    {
        var variant = await _shopper.ProductInStockAsync(5, 30.00m);
        var gclid = "EAIaIQob-" + Guid.NewGuid().ToString("N");
        var fbclid = "IwAR-" + Guid.NewGuid().ToString("N");
        var (id, token, _) = await NewCartAsync(Touch("facebook", fbclid: fbclid, at: DateTimeOffset.UtcNow.AddHours(-3)));
        (await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/attribution", token, Touch("google", gclid: gclid))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var added = await _shopper.SendAsync(HttpMethod.Post, $"api/carts/{id}/lines", token, new { productId = variant.ProductId, sku = variant.Sku, quantity = 1 });
        added.StatusCode.ShouldBe(HttpStatusCode.OK, (await added.JsonAsync()).ToString());

        var placed = await _shopper.PlaceAsync(new CheckoutShopper.Cart(id, token));
        await _shopper.CompletedAsync(placed.Number);

        var orders = fixture.Shop.Services.GetRequiredService<OrderQueries>();
        var order = (await orders.GetAsync(placed.Number, CancellationToken.None)).Value;
        order.Attribution.ShouldNotBeNull();
        order.Attribution.FirstTouch.Fbclid.ShouldBe(fbclid);
        order.Attribution.LastTouch.Gclid.ShouldBe(gclid);

        // Meta hears of it once the order-events queue has run the paid reaction.
        var recorder = fixture.Shop.Services.GetRequiredService<LocalMetaConversionsRecorder>();
        var sent = await HttpTestExtensions.EventuallyAsync(
            () => Task.FromResult(recorder.Recorded.Where(e => (string?)e["event_id"] == placed.Number).ToList()), e => e.Count > 0);
        var evt = sent.ShouldHaveSingleItem();
        ((string?)evt["event_name"]).ShouldBe("Purchase");
        ((string?)evt["user_data"]!["fbc"])!.ShouldEndWith("." + fbclid);
        ((decimal?)evt["custom_data"]!["value"]).ShouldBe(order.Pricing.Total.Amount);

        // A redelivered paid event sends nothing again.
        var paid = order.History.Last(h => h.Change == OrderChange.Paid);
        await fixture.Shop.Services.GetRequiredService<SendPurchaseConversions>().ReactAsync(order, paid, CancellationToken.None);
        recorder.Recorded.Count(e => (string?)e["event_id"] == placed.Number).ShouldBe(1);

        var from = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var export = await _marketer.GetAsync($"api/marketing/conversions/google-ads?from={from}");
        var csv = await export.Content.ReadAsStringAsync();
        export.StatusCode.ShouldBe(HttpStatusCode.OK, csv);
        export.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("Parameters:TimeZone=+0000");
        lines[1].ShouldBe("Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency");
        var row = lines.Single(l => l.StartsWith(gclid + ",", StringComparison.Ordinal)).Split(',');
        row[1].ShouldBe("Purchase");
        DateTime.ParseExact(row[2], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).ShouldBe(order.PaidAt!.Value.UtcDateTime, TimeSpan.FromSeconds(1));
        decimal.Parse(row[3], CultureInfo.InvariantCulture).ShouldBe(order.Pricing.Total.Amount);
        row[4].ShouldBe("EUR");
        // The export names no one: no email, no order number.
        csv.ShouldNotContain(order.Email);
    }

    [Fact]
    public async Task The_google_ads_export_refuses_a_bad_period_and_is_for_marketers_and_admins_only()
    {
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await ShouldBeProblem(await _marketer.GetAsync("api/marketing/conversions/google-ads"), HttpStatusCode.BadRequest, "from");
        await ShouldBeProblem(await _marketer.GetAsync("api/marketing/conversions/google-ads?from=last-week"), HttpStatusCode.BadRequest, "from");
        await ShouldBeProblem(await _marketer.GetAsync("api/marketing/conversions/google-ads?from=2026-12-01T08:00:00"), HttpStatusCode.BadRequest, "from");
        await ShouldBeProblem(await _marketer.GetAsync($"api/marketing/conversions/google-ads?from={today}&to={today}"), HttpStatusCode.BadRequest, "to");
        var longAgo = DateTimeOffset.UtcNow.AddDays(-120).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await ShouldBeProblem(await _marketer.GetAsync($"api/marketing/conversions/google-ads?from={longAgo}"), HttpStatusCode.BadRequest, "from");

        (await fixture.Client().GetAsync($"api/marketing/conversions/google-ads?from={today}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.Client(ShopRoles.Support).GetAsync($"api/marketing/conversions/google-ads?from={today}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Admin).GetAsync($"api/marketing/conversions/google-ads?from={today}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
