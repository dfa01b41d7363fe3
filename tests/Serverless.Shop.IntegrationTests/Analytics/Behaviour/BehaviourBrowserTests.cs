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
/// The whole clickstream in a real browser (headless Chromium): plain pages on the shop's origin that load the beacon
/// from <c>/api/analytics/beacon.js</c> (the storefront pages do not carry it yet), with analytics consent; the shopper
/// stays on a product page, adds it to the cart and moves on. The beacon's batches go through the ingestion endpoint, the
/// local sink and the local capture into Azurite's capture files; ProcessClickstream folds them, and the behaviour API
/// shows the page views, the time on the product page and the funnel steps.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class BehaviourBrowserTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private static string Page(string title, string pageType, string? productId, string body) => $$"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>{{title}}</title></head>
        <body data-page-type="{{pageType}}" {{(productId is null ? "" : $"data-product-id=\"{productId}\"")}} data-consent="granted">
        {{body}}
        <script src="/api/analytics/beacon.js"></script>
        </body></html>
        """;

    [Fact]
    public async Task A_shopper_who_stays_on_a_product_adds_it_to_the_cart_and_moves_on_is_seen_in_the_page_views_time_on_page_and_funnel()
    {
        var variant = await new CheckoutShopper(fixture).ProductInStockAsync(units: 3);
        var site = $"{fixture.Shop.BaseAddress}behaviour-test/{Guid.NewGuid():N}";
        var sessionsBefore = await GetAsync("api/analytics/behaviour/sessions");

        await using var context = await chromium.Browser.NewContextAsync();
        await context.RouteAsync(site + "/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = new Uri(route.Request.Url).AbsolutePath.Split('/')[^1] switch
            {
                "product" => Page("Mug", "product", variant.ProductId,
                    $"""<button id="add" onclick="shopAnalytics.addToCart('{variant.ProductId}', '{variant.Sku}', 1)">Add to cart</button> <a id="cart" href="{site}/cart">Cart</a>"""),
                "cart" => Page("Cart", "cart", null, $"""<a id="home" href="{site}/home">Home</a>"""),
                // A page of no known type: the paths name it by its path, which is this test's own.
                _ => Page("About", "other", null, "<p>About us</p>"),
            },
        }));
        // What the ingestion endpoint answered the batches the test sees (those sent on pagehide leave with their page).
        var answers = new System.Collections.Concurrent.ConcurrentQueue<string>();
        context.Response += (_, r) => { if (r.Url.Contains("analytics/events", StringComparison.Ordinal)) answers.Enqueue($"{r.Status} {r.Request.PostData}"); };
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);

        await page.GotoAsync(site + "/product");
        await page.WaitForFunctionAsync("() => !!window.shopAnalytics");
        await page.WaitForTimeoutAsync(1_500);
        await page.ClickAsync("#add");
        await FollowAsync(page, "#cart", site + "/cart");
        await FollowAsync(page, "#home", site + "/home");
        await page.EvaluateAsync("() => shopAnalytics.flush()");
        scriptErrors.ShouldBeEmpty();
        var session = (await context.CookiesAsync()).Single(c => c.Name == "shop_sid").Value;
        session.ShouldNotBeNullOrEmpty("with consent the session id lives in the first-party cookie");

        // The capture writes the queued batches to Azurite every second; fold them until the product shows up.
        // The capture writes the queued batches to Azurite every second; fold them until the last page's view is in.
        var capture = fixture.Shop.Services.GetRequiredService<CaptureClickstreamLocally>();
        var last = new Uri(site + "/home").AbsolutePath;
        var paths = await HttpTestExtensions.EventuallyAsync(async () =>
        {
            await capture.CaptureNowAsync(CancellationToken.None);
            await fixture.Shop.RunTimerAsync("ProcessClickstream");
            return await GetAsync("api/analytics/behaviour/paths?top=100");
        }, p => p.GetProperty("paths").EnumerateArray().Any(s => s.GetProperty("to").GetString() == last), TimeSpan.FromSeconds(60));
        answers.ShouldAllBe(a => a.StartsWith("202 ", StringComparison.Ordinal));
        paths.GetProperty("paths").EnumerateArray().ShouldContain(p => p.GetProperty("from").GetString() == "product" && p.GetProperty("to").GetString() == "cart", string.Join("\n", answers));
        paths.GetProperty("paths").EnumerateArray().ShouldContain(p => p.GetProperty("from").GetString() == "cart" && p.GetProperty("to").GetString() == last && p.GetProperty("count").GetInt64() == 1);

        var funnel = await GetAsync($"api/analytics/behaviour/funnel?productId={variant.ProductId}");
        funnel.GetProperty("viewed").GetInt64().ShouldBe(1, funnel.ToString());
        funnel.GetProperty("addedToCart").GetInt64().ShouldBe(1, funnel.ToString());
        funnel.GetProperty("cartRate").GetDecimal().ShouldBe(1m);

        var pages = await GetAsync("api/analytics/behaviour/pages?top=100");
        var time = pages.GetProperty("timeByProduct").EnumerateArray().Single(t => t.GetProperty("key").GetString() == variant.ProductId);
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
