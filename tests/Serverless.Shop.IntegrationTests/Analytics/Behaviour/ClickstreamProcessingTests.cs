using System.Net;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Analytics.Clickstream;
using static Serverless.Shop.IntegrationTests.Analytics.Behaviour.Shopper;

namespace Serverless.Shop.IntegrationTests.Analytics.Behaviour;

/// <summary>
/// Capture files through ProcessClickstream into the behaviour documents (Cosmos DB emulator), read over HTTP: the
/// funnel, time on page, paths and sessions, each event counted once however often it is read.
/// </summary>
[Collection(BehaviourShopCollection.Name)]
public sealed class ClickstreamProcessingTests(BehaviourShopFixture fixture)
{
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private async Task<JsonElement> GetAsync(string url)
    {
        using var response = await _marketer.GetAsync(url);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static (long Viewed, long Carted, long Checkout, long Purchased) Steps(JsonElement funnel) =>
        (funnel.GetProperty("viewed").GetInt64(), funnel.GetProperty("addedToCart").GetInt64(), funnel.GetProperty("startedCheckout").GetInt64(), funnel.GetProperty("purchased").GetInt64());

    [Fact]
    public async Task A_products_funnel_time_on_page_and_paths_come_from_the_sessions_that_saw_it()
    {
        var product = NewProduct();
        string buyer = NewSession(), browser = NewSession();
        var path = $"/t-{Guid.NewGuid():N}";
        fixture.Archive.Write(
            Event(buyer, ClickstreamEventType.PageView, "other", path, secondsAgo: 60),
            Event(buyer, ClickstreamEventType.PageView, "product", $"{path}/p", product, secondsAgo: 50),
            Event(buyer, ClickstreamEventType.AddToCart, "product", $"{path}/p", product, secondsAgo: 40));
        // The same shopper's later events, and another shopper's, in a second file.
        fixture.Archive.Write(
            Event(buyer, ClickstreamEventType.PageTime, "product", $"{path}/p", product, visibleMs: 12_000, secondsAgo: 30),
            Event(buyer, ClickstreamEventType.CheckoutStart, "checkout", "/checkout", secondsAgo: 20),
            Event(browser, ClickstreamEventType.ProductView, "category", "/c/mugs", product, secondsAgo: 25),
            Event(browser, ClickstreamEventType.PageTime, "product", $"{path}/p", product, visibleMs: 8_000, secondsAgo: 10));

        await fixture.ProcessAsync();

        Steps(await GetAsync($"api/analytics/behaviour/funnel?productId={product}")).ShouldBe((2, 1, 1, 0));
        var pages = await GetAsync("api/analytics/behaviour/pages?top=100");
        var time = pages.GetProperty("timeByProduct").EnumerateArray().Single(t => t.GetProperty("key").GetString() == product);
        time.GetProperty("averageMs").GetInt64().ShouldBe(10_000);
        time.GetProperty("pageViews").GetInt64().ShouldBe(2);
        var paths = await GetAsync("api/analytics/behaviour/paths?top=100");
        paths.GetProperty("paths").EnumerateArray().ShouldContain(p => p.GetProperty("from").GetString() == path && p.GetProperty("to").GetString() == "product" && p.GetProperty("count").GetInt64() == 1);
    }

    [Fact]
    public async Task A_weeks_funnel_costs_a_query_for_the_folded_days_one_for_the_purchases_and_one_per_day_not_folded_yet()
    {
        fixture.Archive.Write(Event(NewSession(), ClickstreamEventType.PageView, "home", "/"));
        await fixture.ProcessAsync();

        using var response = await _marketer.GetAsync("api/analytics/behaviour/funnel");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Days close two hours after midnight (UTC): before that, yesterday is read from its sessions too.
        var open = DateTime.UtcNow.TimeOfDay < TimeSpan.FromHours(2) ? 2 : 1;
        response.CosmosCalls().ShouldBe(2 + open);
    }

    [Fact]
    public async Task Sessions_count_page_views_bounces_and_duration()
    {
        var before = await GetAsync("api/analytics/behaviour/sessions");
        string bouncer = NewSession(), reader = NewSession();
        fixture.Archive.Write(
            Event(bouncer, ClickstreamEventType.PageView, "home", "/", secondsAgo: 5),
            Event(reader, ClickstreamEventType.PageView, "home", "/", secondsAgo: 120),
            Event(reader, ClickstreamEventType.PageView, "category", "/c/mugs", secondsAgo: 60),
            Event(reader, ClickstreamEventType.PageView, "cart", "/cart", secondsAgo: 0));

        await fixture.ProcessAsync();

        var after = await GetAsync("api/analytics/behaviour/sessions");
        (after.GetProperty("sessions").GetInt64() - before.GetProperty("sessions").GetInt64()).ShouldBe(2);
        (after.GetProperty("pageViews").GetInt64() - before.GetProperty("pageViews").GetInt64()).ShouldBe(4);
        (after.GetProperty("bounces").GetInt64() - before.GetProperty("bounces").GetInt64()).ShouldBe(1);
        after.GetProperty("days").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Events_sent_twice_in_two_capture_files_are_counted_once()
    {
        var product = NewProduct();
        var session = NewSession();
        var view = Event(session, ClickstreamEventType.ProductView, "product", "/p/x", product);
        var cart = Event(session, ClickstreamEventType.AddToCart, "product", "/p/x", product);
        fixture.Archive.Write(view, cart);
        fixture.Archive.Write(view, cart);

        await fixture.ProcessAsync();
        await fixture.ProcessAsync();

        Steps(await GetAsync($"api/analytics/behaviour/funnel?productId={product}")).ShouldBe((1, 1, 0, 0));
    }

    [Fact]
    public async Task A_run_killed_between_its_writes_and_its_checkpoint_counts_nothing_twice_when_run_again()
    {
        var product = NewProduct();
        string first = NewSession(), second = NewSession();
        fixture.Archive.Write(
            Event(first, ClickstreamEventType.ProductView, "product", "/p/y", product),
            Event(second, ClickstreamEventType.ProductView, "product", "/p/y", product),
            Event(second, ClickstreamEventType.AddToCart, "product", "/p/y", product));
        fixture.Crash.Armed = true;

        await Should.ThrowAsync<InvalidOperationException>(fixture.ProcessAsync);
        Steps(await GetAsync($"api/analytics/behaviour/funnel?productId={product}")).ShouldBe((2, 1, 0, 0), "the run wrote the sessions before it died");
        await fixture.ProcessAsync();

        Steps(await GetAsync($"api/analytics/behaviour/funnel?productId={product}")).ShouldBe((2, 1, 0, 0));
    }
}
