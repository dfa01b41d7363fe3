using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.IntegrationTests.Storefront;

namespace Serverless.Shop.IntegrationTests.Analytics.Clickstream;

/// <summary>
/// The beacon in headless Chromium, on plain pages that include the shop's /api/analytics/beacon.js (served by
/// Playwright under the shop's address, /beacon-test/..., since Chromium keeps pages of a public origin from loading
/// scripts from loopback): what it sends, when, and what it keeps in the browser with and without consent. The events
/// are read back from the capture files.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class BeaconBrowserTests(LocalShopFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private string Storefront => fixture.Shop.BaseAddress + "beacon-test";

    [Fact]
    public async Task With_consent_a_page_view_an_add_to_cart_and_the_visible_time_go_in_one_session_kept_in_the_cookie()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var started = DateTimeOffset.UtcNow.AddSeconds(-2);
        await using var context = await chromium.Browser.NewContextAsync();
        await ServePagesAsync(context, consent: true);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync($"{Storefront}/{run}/products/mug?utm_source=mail&utm_medium=email&email=someone@example.com");
        await page.WaitForFunctionAsync("() => window.shopAnalytics !== undefined");
        await page.EvaluateAsync("() => shopAnalytics.addToCart('prod_mug', 'MUG-1', 2)");
        await page.WaitForTimeoutAsync(400);
        // Leaving the page sends what is queued and the time it was visible (pagehide).
        await page.GotoAsync($"{Storefront}/{run}/cart");
        await page.WaitForFunctionAsync("() => window.shopAnalytics !== undefined");
        await page.EvaluateAsync("() => shopAnalytics.flush()");

        var cookie = (await context.CookiesAsync([fixture.Shop.BaseAddress.ToString()])).SingleOrDefault(c => c.Name == "shop_sid").ShouldNotBeNull();
        cookie.SameSite.ShouldBe(SameSiteAttribute.Lax);
        cookie.Expires.ShouldBeInRange((float)DateTimeOffset.UtcNow.AddMinutes(29).ToUnixTimeSeconds(), (float)DateTimeOffset.UtcNow.AddMinutes(31).ToUnixTimeSeconds());

        var events = await WaitForEventsAsync(run, started, e => e.Any(x => x.Path.EndsWith("/cart", StringComparison.Ordinal)) && e.Any(x => x.Type == ClickstreamEventType.PageTime));
        events.Select(e => e.SessionId).Distinct().ShouldBe([cookie.Value]);
        var first = events.Where(e => e.Path == $"/beacon-test/{run}/products/mug").ToList();
        first.Single(e => e.Type == ClickstreamEventType.PageView).ShouldSatisfyAllConditions(
            e => e.PageType.ShouldBe("product"),
            e => e.ProductId.ShouldBe("prod_mug"),
            e => e.UtmSource.ShouldBe("mail"),
            e => e.UtmMedium.ShouldBe("email"));
        first.Single(e => e.Type == ClickstreamEventType.AddToCart).ShouldSatisfyAllConditions(e => e.Sku.ShouldBe("MUG-1"), e => e.Quantity.ShouldBe(2));
        // Sent once as the page went away (pagehide and visibilitychange both fire: the time is counted once).
        first.Single(e => e.Type == ClickstreamEventType.PageTime).VisibleMs!.Value.ShouldBeGreaterThanOrEqualTo(300);
        events.Single(e => e.Path == $"/beacon-test/{run}/cart" && e.Type == ClickstreamEventType.PageView).PageType.ShouldBe("cart");
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_consent_nothing_is_stored_and_each_page_load_is_a_session_of_its_own()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var started = DateTimeOffset.UtcNow.AddSeconds(-2);
        await using var context = await chromium.Browser.NewContextAsync();
        await ServePagesAsync(context, consent: false);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{Storefront}/{run}/products/mug");
        await page.WaitForFunctionAsync("() => window.shopAnalytics !== undefined");
        await page.GotoAsync($"{Storefront}/{run}/cart");
        await page.WaitForFunctionAsync("() => window.shopAnalytics !== undefined");
        await page.EvaluateAsync("() => shopAnalytics.flush()");

        (await context.CookiesAsync([fixture.Shop.BaseAddress.ToString()])).ShouldNotContain(c => c.Name == "shop_sid");
        (await page.EvaluateAsync<int>("() => sessionStorage.length")).ShouldBe(0);
        var views = (await WaitForEventsAsync(run, started, e => e.Count(x => x.Type == ClickstreamEventType.PageView) >= 2))
            .Where(e => e.Type == ClickstreamEventType.PageView).ToList();
        views.Select(v => v.SessionId).Distinct().Count().ShouldBe(2);
    }

    // Two plain pages on the storefront's origin; the beacon comes from the shop, on another origin, as in production.
    private Task ServePagesAsync(IBrowserContext context, bool consent) =>
        context.RouteAsync($"{Storefront}/**", route =>
        {
            var path = new Uri(route.Request.Url).AbsolutePath;
            var (type, product) = path.EndsWith("/cart", StringComparison.Ordinal) ? ("cart", "") : ("product", " data-product-id=\"prod_mug\"");
            var html = $"""
                <!doctype html><html><head><title>Shop</title></head>
                <body data-page-type="{type}"{product}><h1>{type}</h1>
                <script src="{fixture.Shop.BaseAddress}api/analytics/beacon.js"{(consent ? " data-consent=\"granted\"" : "")}></script>
                </body></html>
                """;
            return route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = html });
        });

    private async Task<List<ClickstreamEvent>> WaitForEventsAsync(string run, DateTimeOffset writtenAfter, Func<List<ClickstreamEvent>, bool> complete)
    {
        var archive = fixture.Shop.Services.GetRequiredService<IClickstreamArchive>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = new List<ClickstreamEvent>();
            await foreach (var file in archive.ListAsync(writtenAfter.AddSeconds(-2), CancellationToken.None))
                found.AddRange((await archive.ReadAsync(file, CancellationToken.None)).Where(e => e.Path.StartsWith($"/beacon-test/{run}/", StringComparison.Ordinal)));
            if (complete(found)) return found;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"The beacon's events of run {run} did not all arrive: {string.Join(", ", found.Select(e => $"{e.Type} {e.Path}"))}");
            await Task.Delay(250);
        }
    }
}
