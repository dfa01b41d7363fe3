using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.IntegrationTests.Storefront;
using Serverless.Shop.LocalHost;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// The shop a newcomer gets from `dotnet run`: its demo catalog, seeded on a shop of its own as the README's run
/// command seeds it, is complete enough for what docs/marketing.http shows, so the ads feeds are not empty.
/// </summary>
public sealed class DemoShopTests : IAsyncLifetime
{
    private LocalShop _shop = null!;

    public async Task InitializeAsync() =>
        _shop = await LocalShop.StartAsync(new LocalShopOptions(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory))
        {
            Port = 0,
            DataDirectory = null,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
            RunTimersOnSchedule = false,
        }, NullLogger.Instance, CancellationToken.None);

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task Every_demo_product_is_in_both_ads_feeds_and_its_page_names_its_brand()
    {
        var anonymous = _shop.CreateClient();
        // The seed uploads one image per product; the feeds need it processed.
        var products = await HttpTestExtensions.EventuallyAsync(
            async () => (await (await anonymous.GetAsync("api/products?pageSize=50")).JsonAsync()).GetProperty("items").EnumerateArray().ToList(),
            items => items.Count > 0 && items.All(p => p.GetProperty("images").EnumerateArray().Any(i => i.GetProperty("status").GetString() == "ready")),
            TimeSpan.FromSeconds(90));
        var variants = products.Sum(p => p.GetProperty("variants").GetArrayLength());

        var run = await _shop.CreateClient(ShopRoles.Marketer).PostAsync("api/marketing/feeds/runs", null);
        var report = await run.JsonAsync();

        run.StatusCode.ShouldBe(HttpStatusCode.OK, report.ToString());
        report.GetProperty("skipped").GetArrayLength().ShouldBe(0, report.ToString());
        report.GetProperty("items").GetInt32().ShouldBe(variants);
        var feeds = report.GetProperty("feeds").EnumerateArray().ToDictionary(f => f.GetProperty("format").GetString()!, f => f.GetProperty("url").GetString()!);
        using var download = new HttpClient();
        XNamespace g = "http://base.google.com/ns/1.0";
        var google = XDocument.Parse(await download.GetStringAsync(feeds["google"]));
        google.Descendants("item").Select(i => i.Element(g + "brand")?.Value).ShouldAllBe(brand => !string.IsNullOrEmpty(brand));
        google.Descendants("item").Count().ShouldBe(variants);
        var meta = (await download.GetStringAsync(feeds["meta"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        meta.Length.ShouldBe(variants + 1, "a header and one row per variant");

        var mug = products.Single(p => p.GetProperty("slug").GetString() == "ceramic-mug");
        var page = await StorefrontPage.GetAsync(anonymous, "api/storefront/products/ceramic-mug");
        var brandOnPage = page.StructuredDataOf("Product").GetProperty("brand");
        brandOnPage.GetProperty("name").GetString().ShouldBe(
            mug.GetProperty("attributes").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "brand").GetProperty("value").GetString());
    }
}
