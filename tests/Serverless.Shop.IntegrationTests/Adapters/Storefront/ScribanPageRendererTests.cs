using System.Text.Json;
using AngleSharp.Html.Parser;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Infrastructure.Storefront;

namespace Serverless.Shop.IntegrationTests.Adapters.Storefront;

/// <summary>The page templates: what a merchant types is text in the page, never markup or script.</summary>
public sealed class ScribanPageRendererTests
{
    private static readonly StorefrontSettings Site = new(new Uri("https://shop.test/"), "Test <Shop>", new Uri("https://shop.test/api/"));
    private const string Hostile = "Mug </script><script>alert(1)</script> \"quoted\"";

    private static ProductPage Page()
    {
        var product = new Product
        {
            Id = "prod_1", Name = Hostile, Slug = "mug", Status = ProductStatus.Active, Description = RichText.From(RichTextFormat.Markdown, "Nice <img src=x onerror=alert(1)> **mug**"),
            Attributes = [], Variants = [new ProductVariant("MUG-1", null, new Dictionary<string, string>(), new Money(9.5m, "EUR"), null)],
            Seo = new SeoFields(null, null), CategoryIds = [], CategoryPath = [], Tags = [], CollectionIds = [], Images = [],
            PriceRange = new PriceRange(9.5m, 9.5m, "EUR"), Facets = [], CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
        };
        var url = Site.UrlOf("/products/mug");
        var head = new PageHead(Hostile, Hostile, url, "product", null, null, [StructuredData.Product(product, url, [], Hostile, DateTimeOffset.UtcNow)]);
        return new ProductPage(head, [new PageLink("Kitchen & <Home>", Site.UrlOf("/categories/kitchen"))], [new PageLink("Home", Site.UrlOf("/"))], Site,
            product, product.Description.Html, [new VariantChoice("MUG-1", Hostile, "9.50 EUR", null)], [], null);
    }

    [Fact]
    public void Names_and_descriptions_are_escaped_and_only_the_shops_own_scripts_run()
    {
        var html = new ScribanPageRenderer().Render(Page());
        var document = new HtmlParser().ParseDocument(html);

        document.Title.ShouldBe(Hostile);
        document.QuerySelector("h1")!.TextContent.ShouldBe(Hostile);
        document.QuerySelector("meta[name=description]")!.GetAttribute("content").ShouldBe(Hostile);
        document.QuerySelectorAll("script").Where(s => s.GetAttribute("type") != "application/ld+json").Select(s => s.TextContent)
            .ShouldAllBe(script => !script.Contains("alert(1)"));
        document.QuerySelectorAll("[onerror]").ShouldBeEmpty();
        document.QuerySelector("header nav a")!.TextContent.ShouldBe("Kitchen & <Home>");
    }

    [Fact]
    public void The_json_ld_cannot_close_its_script_element_and_parses_to_the_product()
    {
        var document = new HtmlParser().ParseDocument(new ScribanPageRenderer().Render(Page()));

        var blocks = document.QuerySelectorAll("script[type='application/ld+json']").ToList();
        blocks.Count.ShouldBe(1);
        var product = JsonDocument.Parse(blocks[0].TextContent).RootElement;
        product.GetProperty("name").GetString().ShouldBe(Hostile);
        product.GetProperty("offers")[0].GetProperty("price").GetString().ShouldBe("9.50");
    }

    [Fact]
    public void Every_kind_of_page_renders_with_its_head()
    {
        var renderer = new ScribanPageRenderer();
        var head = new PageHead("A title", "A description", Site.UrlOf("/"), "website", null, null, [StructuredData.Organization(Site)]);
        StorefrontPage[] pages =
        [
            new HomePage(head, [], Site, [new PageLink("Staff picks", Site.UrlOf("/collections/staff-picks"))], []),
            new ListingPage(head, [], [new PageLink("Home", Site.UrlOf("/"))], Site, "Mugs", "All our mugs.", [new ProductCard("Mug", Site.UrlOf("/products/mug"), "9.50 EUR", null, "Mug")]),
            new CartPage(head, [], Site),
        ];

        foreach (var page in pages)
        {
            var document = new HtmlParser().ParseDocument(renderer.Render(page));
            document.Title.ShouldBe("A title", page.GetType().Name);
            document.QuerySelector("link[rel=canonical]")!.GetAttribute("href").ShouldBe("https://shop.test/");
            document.Body!.GetAttribute("data-api").ShouldBe("https://shop.test/api");
        }
    }
}
