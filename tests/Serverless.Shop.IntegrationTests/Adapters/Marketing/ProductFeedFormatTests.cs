using Serverless.Shop.Domain.Storefront;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using CsvHelper;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Infrastructure.Marketing.Feeds;

namespace Serverless.Shop.IntegrationTests.Adapters.Marketing;

/// <summary>
/// The two feed files as the platforms read them: Google's RSS 2.0 with the g: namespace and Meta's CSV, parsed back
/// with an XML reader and a CSV reader, so what is checked is what Merchant Center and Meta would see.
/// </summary>
public sealed class ProductFeedFormatTests
{
    private static readonly DateTimeOffset GeneratedAt = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly XNamespace G = GoogleMerchantFeedFormat.Namespace;

    private static FeedItem Item(string id = "MUG-RED", Money? sale = null, DateTimeOffset? saleEnds = null, string? gtin = "4006381333931", string title = "Mug - red") => new(
        id, "prod_mug", title, "A fine mug & saucer.", FeedAvailability.InStock, new Money(12.5m, "EUR"), sale, null, saleEnds,
        "Acme", gtin, null, "https://cdn.example/product-images/prod_mug/img_1/large.webp", ["https://cdn.example/2.webp", "https://cdn.example/3.webp"],
        "Kitchen > Mugs", "https://shop.example/products/mug");

    private static ProductFeed Feed(params FeedItem[] items) => new(GeneratedAt, items, []);

    [Fact]
    public void The_google_feed_is_rss_2_with_one_item_per_variant_in_the_g_namespace()
    {
        var xml = XDocument.Parse(Encoding.UTF8.GetString(new GoogleMerchantFeedFormat(new StorefrontSite(new StorefrontSettings(new Uri("https://shop.example/"), "Test Shop", new Uri("https://shop.example/api/")))).Render(
            Feed(Item(sale: new Money(10m, "EUR"), saleEnds: GeneratedAt.AddDays(2)), Item("MUG-BLUE", gtin: null)))));
        xml.Root!.Name.LocalName.ShouldBe("rss");
        xml.Root.Attribute("version")!.Value.ShouldBe("2.0");
        var items = xml.Root.Element("channel")!.Elements("item").ToList();
        items.Count.ShouldBe(2);

        var red = items[0];
        string G1(string name) => red.Element(G + name)!.Value;
        G1("id").ShouldBe("MUG-RED");
        G1("item_group_id").ShouldBe("prod_mug");
        G1("title").ShouldBe("Mug - red");
        G1("description").ShouldBe("A fine mug & saucer.");
        G1("link").ShouldBe("https://shop.example/products/mug");
        G1("image_link").ShouldBe("https://cdn.example/product-images/prod_mug/img_1/large.webp");
        red.Elements(G + "additional_image_link").Select(e => e.Value).ShouldBe(["https://cdn.example/2.webp", "https://cdn.example/3.webp"]);
        G1("availability").ShouldBe("in_stock");
        G1("price").ShouldBe("12.50 EUR");
        G1("sale_price").ShouldBe("10.00 EUR");
        // A sale with an end and no start began no later than the feed was made.
        G1("sale_price_effective_date").ShouldBe("2026-12-07T10:00:00Z/2026-12-09T10:00:00Z");
        G1("brand").ShouldBe("Acme");
        G1("gtin").ShouldBe("4006381333931");
        G1("condition").ShouldBe("new");
        G1("product_type").ShouldBe("Kitchen > Mugs");
        red.Element(G + "identifier_exists").ShouldBeNull();

        // No GTIN and no MPN: Google wants identifier_exists "no" rather than an empty gtin.
        var blue = items[1];
        blue.Element(G + "gtin").ShouldBeNull();
        blue.Element(G + "identifier_exists")!.Value.ShouldBe("no");
        blue.Element(G + "sale_price").ShouldBeNull();
    }

    [Fact]
    public void Text_that_looks_like_markup_is_escaped_in_the_google_feed()
    {
        var bytes = new GoogleMerchantFeedFormat(new StorefrontSite(new StorefrontSettings(new Uri("https://shop.example/"), "Shop", new Uri("https://shop.example/api/")))).Render(Feed(Item(title: "Mug <b>&</b> \"cup\"")));
        var xml = XDocument.Parse(Encoding.UTF8.GetString(bytes));
        xml.Root!.Element("channel")!.Element("item")!.Element(G + "title")!.Value.ShouldBe("Mug <b>&</b> \"cup\"");
    }

    [Fact]
    public void The_meta_feed_is_csv_with_metas_columns_and_one_row_per_variant()
    {
        var bytes = new MetaCatalogFeedFormat().Render(Feed(Item(sale: new Money(10m, "EUR"), saleEnds: GeneratedAt.AddDays(2), title: "Mug, red \"classic\""), Item("MUG-BLUE", gtin: null)));
        using var reader = CsvReader.Create(new StringReader(Encoding.UTF8.GetString(bytes)), new CsvReaderOptions { HasHeader = true }, false);
        reader.ReadHeader();
        reader.Headers.ToList().ShouldBe(MetaCatalogFeedFormat.Columns);
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
            rows.Add(MetaCatalogFeedFormat.Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => reader.GetString(x.i) ?? ""));
        rows.Count.ShouldBe(2);
        var red = rows[0];
        red["id"].ShouldBe("MUG-RED");
        red["item_group_id"].ShouldBe("prod_mug");
        // A comma and quotes in a title stay in their column.
        red["title"].ShouldBe("Mug, red \"classic\"");
        red["availability"].ShouldBe("in stock");
        red["condition"].ShouldBe("new");
        red["price"].ShouldBe("12.50 EUR");
        red["sale_price"].ShouldBe("10.00 EUR");
        red["sale_price_effective_date"].ShouldBe("2026-12-07T10:00:00Z/2026-12-09T10:00:00Z");
        red["additional_image_link"].ShouldBe("https://cdn.example/2.webp,https://cdn.example/3.webp");
        red["brand"].ShouldBe("Acme");
        red["gtin"].ShouldBe("4006381333931");
        red["product_type"].ShouldBe("Kitchen > Mugs");
        rows[1]["gtin"].ShouldBe("");
        rows[1]["sale_price"].ShouldBe("");
    }

    [Fact]
    public void Prices_use_the_currencys_decimals_with_a_point_in_any_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var bytes = new MetaCatalogFeedFormat().Render(Feed(Item() with { Price = new Money(1234.5m, "EUR") }));
            Encoding.UTF8.GetString(bytes).ShouldContain(",1234.50 EUR,");
        }
        finally { CultureInfo.CurrentCulture = before; }
    }
}
