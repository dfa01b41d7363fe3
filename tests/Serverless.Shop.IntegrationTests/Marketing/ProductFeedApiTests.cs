using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Marketing.Feeds;
using Serverless.Shop.IntegrationTests.Http;

namespace Serverless.Shop.IntegrationTests.Marketing;

/// <summary>
/// The ads feeds over HTTP through the local shop: a marketer regenerates them, reads the run's report (items, and what
/// was left out and why), and downloads both files from their stable URLs in Blob Storage (Azurite), as Merchant Center
/// and Meta fetch them.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ProductFeedApiTests(LocalShopFixture fixture)
{
    private static readonly XNamespace G = GoogleMerchantFeedFormat.Namespace;
    private readonly TestCatalog _catalog = new(fixture);
    private readonly HttpClient _marketer = fixture.Client(ShopRoles.Marketer);

    private async Task<(string Id, string Sku)> ProductAsync(bool withBrand = true, bool withImage = true, string[]? categoryIds = null, string? gtin = null)
    {
        var sku = TestCatalog.Unique("FEED").ToUpperInvariant();
        var body = new
        {
            name = TestCatalog.Unique("Feed Mug"),
            status = "active",
            description = new { format = "markdown", content = "A **fine** mug." },
            attributes = withBrand ? new object[] { new { name = "brand", type = "text", value = "Acme" } } : [],
            variants = new[] { new { sku, price = new { amount = 19.90m, currency = "EUR" }, gtin } },
            categoryIds = categoryIds ?? [],
        };
        var (id, _, _) = await _catalog.CreateProductAsync(body);
        if (withImage)
        {
            var content = new ByteArrayContent(ImageFiles.Png(64, 64));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var uploaded = await _catalog.Merchandiser.PostAsync($"api/products/{id}/images", content);
            uploaded.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await uploaded.JsonAsync()).ToString());
            var product = await HttpTestExtensions.EventuallyAsync(async () => await (await _catalog.Merchandiser.GetAsync($"api/products/{id}")).JsonAsync(),
                p => p.GetProperty("images").EnumerateArray().All(i => i.GetProperty("status").GetString() == "ready"), TimeSpan.FromSeconds(60));
            product.GetProperty("images")[0].GetProperty("status").GetString().ShouldBe("ready");
        }
        return (id, sku);
    }

    private async Task<JsonElement> RunAsync()
    {
        var response = await _marketer.PostAsync("api/marketing/feeds/runs", null);
        var report = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, report.ToString());
        return report;
    }

    private static string FeedUrl(JsonElement report, string format) =>
        report.GetProperty("feeds").EnumerateArray().Single(f => f.GetProperty("format").GetString() == format).GetProperty("url").GetString()!;

    [Fact]
    public async Task A_marketer_regenerates_the_feeds_and_both_files_list_the_product_at_their_stable_urls()
    {
        var kitchen = await _catalog.CreateCategoryAsync("Kitchen");
        var (id, sku) = await ProductAsync(categoryIds: [kitchen], gtin: "4006381333931");
        (await _catalog.Merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = 3, reason = "count" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var report = await RunAsync();
        report.GetProperty("trigger").GetString().ShouldBe("staff");
        var googleUrl = FeedUrl(report, "google");
        var metaUrl = FeedUrl(report, "meta");
        googleUrl.ShouldEndWith("/feeds/google.xml");
        metaUrl.ShouldEndWith("/feeds/meta.csv");

        using var http = new HttpClient();
        var google = await http.GetAsync(googleUrl);
        google.StatusCode.ShouldBe(HttpStatusCode.OK);
        google.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        google.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromMinutes(15));
        var xml = XDocument.Parse(await google.Content.ReadAsStringAsync());
        var item = xml.Root!.Element("channel")!.Elements("item").Single(i => i.Element(G + "id")!.Value == sku);
        item.Element(G + "item_group_id")!.Value.ShouldBe(id);
        item.Element(G + "availability")!.Value.ShouldBe("in_stock");
        item.Element(G + "price")!.Value.ShouldBe("19.90 EUR");
        item.Element(G + "brand")!.Value.ShouldBe("Acme");
        item.Element(G + "gtin")!.Value.ShouldBe("4006381333931");
        item.Element(G + "image_link")!.Value.ShouldStartWith("http");
        item.Element(G + "product_type")!.Value.ShouldStartWith("Kitchen-");
        item.Element(G + "link")!.Value.ShouldContain("/products/feed-mug-");

        var meta = await http.GetStringAsync(metaUrl);
        meta.Split('\n')[0].ShouldBe(string.Join(",", MetaCatalogFeedFormat.Columns));
        meta.Split('\n').ShouldContain(l => l.StartsWith(sku + "," + id + ",", StringComparison.Ordinal));

        // The last run is the one just made, for the marketer to look at later.
        var last = await (await _marketer.GetAsync("api/marketing/feeds/runs/last")).JsonAsync();
        last.GetProperty("generatedAt").GetDateTimeOffset().ShouldBe(report.GetProperty("generatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_live_flash_sale_is_the_items_sale_price_until_the_sale_ends()
    {
        var (id, sku) = await ProductAsync();
        (await _catalog.Merchandiser.PostJsonAsync($"api/inventory/{sku}/adjustments", new { quantity = 5, reason = "count" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Other tests of this shared shop may run an automatic promotion for everyone, which the feed applies on top of
        // any sale price (ProductFeedBuilderTests has the exact figures): the item is compared with itself before the sale.
        static decimal PaidBy(XElement item) => decimal.Parse((item.Element(G + "sale_price") ?? item.Element(G + "price")!).Value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var before = await ItemAsync(sku);
        var endsAt = DateTimeOffset.UtcNow.AddHours(2);
        var sale = await _marketer.PostJsonAsync("api/flash-sales", new
        {
            name = "Feed rush", endsAt, perCustomerLimit = 1,
            items = new[] { new { productId = id, sku, salePrice = new { amount = 12.00m, currency = "EUR" }, cap = 3 } },
        });
        sale.StatusCode.ShouldBe(HttpStatusCode.Created, (await sale.JsonAsync()).ToString());

        var item = await ItemAsync(sku);

        item.Element(G + "price")!.Value.ShouldBe("19.90 EUR");
        var salePrice = PaidBy(item);
        salePrice.ShouldBeLessThanOrEqualTo(12.00m);
        salePrice.ShouldBeLessThan(PaidBy(before), "the flash sale lowered what a guest pays");
        var window = item.Element(G + "sale_price_effective_date")!.Value.Split('/');
        DateTimeOffset.Parse(window[1], System.Globalization.CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(endsAt.AddSeconds(1));
    }

    private async Task<XElement> ItemAsync(string sku) =>
        XDocument.Parse(await new HttpClient().GetStringAsync(FeedUrl(await RunAsync(), "google")))
            .Root!.Element("channel")!.Elements("item").Single(i => i.Element(G + "id")!.Value == sku);

    [Fact]
    public async Task Products_missing_a_required_field_are_left_out_and_reported_with_the_reasons()
    {
        var (noBrand, _) = await ProductAsync(withBrand: false, withImage: false);
        // A price of zero, as a product stored before prices were checked could hold: nothing the API would accept today.
        var products = fixture.Shop.Services.GetRequiredService<IProductStore>();
        var (priced, pricedSku) = await ProductAsync(withImage: true);
        var current = (await products.FindByIdAsync(priced, CancellationToken.None))!;
        await products.ReplaceAsync(current.Value with { Variants = [current.Value.Variants[0] with { Price = new Money(0m, "EUR") }] }, current, CancellationToken.None);

        var report = await RunAsync();
        var skipped = report.GetProperty("skipped").EnumerateArray().ToList();
        var bare = skipped.Single(s => s.GetProperty("productId").GetString() == noBrand);
        var reasons = bare.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        reasons.ShouldContain(r => r.Contains("brand"));
        reasons.ShouldContain(r => r.Contains("image"));
        var unpriced = skipped.Single(s => s.GetProperty("productId").GetString() == priced);
        unpriced.GetProperty("sku").GetString().ShouldBe(pricedSku);
        unpriced.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["no price."]);

        var google = await new HttpClient().GetStringAsync(FeedUrl(report, "google"));
        google.ShouldNotContain(pricedSku);
        google.ShouldNotContain(noBrand);
    }

    [Fact]
    public async Task The_timer_regenerates_only_when_a_product_changed_since_the_last_run()
    {
        var first = await RunAsync();
        var feeds = fixture.Shop.Services.GetRequiredService<Serverless.Shop.Domain.Marketing.Feeds.GenerateProductFeeds>();
        (await feeds.RunIfDueAsync(CancellationToken.None)).ShouldBeNull();

        await ProductAsync(withImage: false);
        var run = await feeds.RunIfDueAsync(CancellationToken.None);
        run.ShouldNotBeNull();
        run.Trigger.ShouldBe("timer");
        run.GeneratedAt.ShouldBeGreaterThan(first.GetProperty("generatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Only_marketers_and_admins_run_the_feeds_or_read_their_report()
    {
        (await fixture.Client().PostAsync("api/marketing/feeds/runs", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.Client(ShopRoles.Support).PostAsync("api/marketing/feeds/runs", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Customer).GetAsync("api/marketing/feeds/runs/last")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Client(ShopRoles.Admin).PostAsync("api/marketing/feeds/runs", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
