using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.IntegrationTests.Storefront;
using Serverless.Shop.LocalHost.Analytics;

namespace Serverless.Shop.IntegrationTests.Analytics.Behaviour;

/// <summary>
/// The whole clickstream in a real browser (headless Chromium) on the storefront's own pages, which load the beacon: the
/// shopper lands on the home page, allows analytics in the consent box, opens a product from its card, stays on it, adds
/// it to the cart and goes to the cart. The beacon's batches go through the ingestion endpoint, the local sink and the
/// local capture into Azurite's capture files; ProcessClickstream folds them, and the behaviour API shows the page views,
/// the time on the product page and the funnel steps.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class BehaviourBrowserTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    [Fact]
    public async Task A_shopper_who_stays_on_a_product_adds_it_to_the_cart_and_moves_on_is_seen_in_the_page_views_time_on_page_and_funnel()
    {
        var variant = await new CheckoutShopper(fixture).ProductInStockAsync(units: 3);
        var slug = (await (await fixture.Client().GetAsync($"api/products/{variant.ProductId}")).JsonAsync()).GetProperty("slug").GetString()!;
        var pages = fixture.Shop.BaseAddress + "api/storefront";
        var sessionsBefore = await GetAsync("api/analytics/behaviour/sessions");

        await using var context = await chromium.Browser.NewContextAsync();
        // What the ingestion endpoint answered the batches the test sees (those sent on pagehide leave with their page).
        var answers = new System.Collections.Concurrent.ConcurrentQueue<string>();
        context.Response += (_, r) => { if (r.Url.Contains("analytics/events", StringComparison.Ordinal)) answers.Enqueue($"{r.Status} {r.Request.PostData}"); };
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);

        await page.GotoAsync(pages);
        await page.WaitForFunctionAsync("() => !!window.shopAnalytics");
        (await page.IsVisibleAsync("#analytics-consent")).ShouldBeTrue("the shopper is asked before any cookie is set");
        (await context.CookiesAsync()).ShouldNotContain(c => c.Name == "shop_sid");
        await page.ClickAsync("#analytics-allow");
        (await page.IsVisibleAsync("#analytics-consent")).ShouldBeFalse();

        await FollowAsync(page, $"a.product-link[href='{pages}/products/{slug}']", $"{pages}/products/{slug}");
        (await page.IsVisibleAsync("#analytics-consent")).ShouldBeFalse("the choice is remembered");
        await page.WaitForTimeoutAsync(1_500);
        await page.ClickAsync("#add-to-cart");
        await FollowAsync(page, "#go-to-cart", $"{pages}/cart");
        await page.EvaluateAsync("() => shopAnalytics.flush()");
        scriptErrors.ShouldBeEmpty();
        var session = (await context.CookiesAsync()).Single(c => c.Name == "shop_sid").Value;
        session.ShouldNotBeNullOrEmpty("with consent the session id lives in the first-party cookie");

        // The capture writes the queued batches to Azurite every second; fold them until the cart page's view is in.
        var capture = fixture.Shop.Services.GetRequiredService<CaptureClickstreamLocally>();
        var paths = await HttpTestExtensions.EventuallyAsync(async () =>
        {
            await capture.CaptureNowAsync(CancellationToken.None);
            await fixture.Shop.RunTimerAsync("ProcessClickstream");
            return await GetAsync("api/analytics/behaviour/paths?top=100");
        }, p => p.GetProperty("paths").EnumerateArray().Any(s => s.GetProperty("from").GetString() == "product" && s.GetProperty("to").GetString() == "cart"), TimeSpan.FromSeconds(60));
        answers.ShouldAllBe(a => a.StartsWith("202 ", StringComparison.Ordinal));
        paths.GetProperty("paths").EnumerateArray().ShouldContain(p => p.GetProperty("from").GetString() == "home" && p.GetProperty("to").GetString() == "product", string.Join("\n", answers));

        var funnel = await GetAsync($"api/analytics/behaviour/funnel?productId={variant.ProductId}");
        funnel.GetProperty("viewed").GetInt64().ShouldBe(1, funnel.ToString());
        funnel.GetProperty("addedToCart").GetInt64().ShouldBe(1, funnel.ToString());
        funnel.GetProperty("cartRate").GetDecimal().ShouldBe(1m);

        var time = (await GetAsync("api/analytics/behaviour/pages?top=100")).GetProperty("timeByProduct").EnumerateArray()
            .Single(t => t.GetProperty("key").GetString() == variant.ProductId);
        time.GetProperty("pageViews").GetInt64().ShouldBe(1);
        time.GetProperty("averageMs").GetInt64().ShouldBeGreaterThanOrEqualTo(1_500, "the shopper stayed a second and a half before moving on");

        var sessionsAfter = await GetAsync("api/analytics/behaviour/sessions");
        (sessionsAfter.GetProperty("sessions").GetInt64() - sessionsBefore.GetProperty("sessions").GetInt64()).ShouldBeGreaterThanOrEqualTo(1);
        (sessionsAfter.GetProperty("pageViews").GetInt64() - sessionsBefore.GetProperty("pageViews").GetInt64()).ShouldBeGreaterThanOrEqualTo(3);
    }

    /// <summary>Follows a link and waits until the next page's beacon is loaded (waiting is set up before the click, so a fast page is not missed).</summary>
    private static async Task FollowAsync(IPage page, string link, string url)
    {
        await Task.WhenAll(page.WaitForURLAsync(url, new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded }), page.ClickAsync(link));
        await page.WaitForFunctionAsync("() => !!window.shopAnalytics");
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        using var response = await _marketer.GetAsync(url);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }
}
