using System.Text;
using System.Xml.Linq;
using Serverless.Shop.Domain.Storefront;
using static Serverless.Shop.Domain.UnitTests.Storefront.StorefrontExamples;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

public sealed class SitemapsTests
{
    private static readonly XNamespace Ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static List<SitemapEntry> Entries(int count, Func<int, DateTimeOffset?>? modified = null) =>
        Enumerable.Range(1, count).Select(i => new SitemapEntry(new Uri($"https://shop.test/products/p-{i}"), modified?.Invoke(i))).ToList();

    [Fact]
    public void A_catalog_over_fifty_thousand_urls_is_split_into_parts_listed_by_the_index()
    {
        var files = Sitemaps.Build(Entries(Sitemaps.MaximumUrlsPerFile + 1), Site);

        files.Select(f => f.Name).ShouldBe(["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        XDocument.Parse(files[1].Content).Root!.Elements(Ns + "url").Count().ShouldBe(Sitemaps.MaximumUrlsPerFile);
        XDocument.Parse(files[2].Content).Root!.Elements(Ns + "url").Count().ShouldBe(1);
        var index = XDocument.Parse(files[0].Content).Root!;
        index.Name.ShouldBe(Ns + "sitemapindex");
        index.Elements(Ns + "sitemap").Select(s => s.Element(Ns + "loc")!.Value)
            .ShouldBe(["https://shop.test/sitemaps/sitemap-1.xml", "https://shop.test/sitemaps/sitemap-2.xml"]);
    }

    [Fact]
    public void Exactly_fifty_thousand_urls_fit_in_one_part()
    {
        Sitemaps.Build(Entries(Sitemaps.MaximumUrlsPerFile), Site).Count.ShouldBe(2);
    }

    [Fact]
    public void A_part_is_closed_before_it_would_pass_the_byte_limit()
    {
        var entries = Entries(10);
        var oneFile = Sitemaps.Build(entries, Site)[1].Content;
        var limit = Encoding.UTF8.GetByteCount(oneFile) - 1; // one byte short of holding all ten

        var files = Sitemaps.Build(entries, Site, maximumBytes: limit);

        files.Count.ShouldBe(3);
        files.Skip(1).ShouldAllBe(f => Encoding.UTF8.GetByteCount(f.Content) <= limit);
        files.Skip(1).Sum(f => XDocument.Parse(f.Content).Root!.Elements(Ns + "url").Count()).ShouldBe(10);
    }

    [Fact]
    public void Each_url_has_its_lastmod_and_each_index_entry_the_latest_of_its_part()
    {
        var files = Sitemaps.Build(Entries(3, i => Monday.AddDays(i)), Site, maximumUrls: 2);

        var firstPart = XDocument.Parse(files[1].Content).Root!;
        firstPart.Elements(Ns + "url").Select(u => u.Element(Ns + "lastmod")!.Value).ShouldBe(["2026-12-08T09:00:00Z", "2026-12-09T09:00:00Z"]);
        var index = XDocument.Parse(files[0].Content).Root!.Elements(Ns + "sitemap").Select(s => s.Element(Ns + "lastmod")!.Value).ToList();
        index.ShouldBe(["2026-12-09T09:00:00Z", "2026-12-10T09:00:00Z"]);
    }

    [Fact]
    public void Urls_are_entity_escaped()
    {
        var files = Sitemaps.Build([new SitemapEntry(new Uri("https://shop.test/products/a?x=1&y=2"), null)], Site);

        files[1].Content.ShouldContain("a?x=1&amp;y=2");
        XDocument.Parse(files[1].Content).Root!.Element(Ns + "url")!.Element(Ns + "loc")!.Value.ShouldBe("https://shop.test/products/a?x=1&y=2");
    }

    [Fact]
    public void An_empty_catalog_still_publishes_an_index_and_one_part()
    {
        var files = Sitemaps.Build([], Site);

        files.Select(f => f.Name).ShouldBe(["sitemap.xml", "sitemap-1.xml"]);
    }

    [Fact]
    public void Robots_names_the_sitemap_index_and_keeps_crawlers_out_of_the_cart()
    {
        var robots = Sitemaps.Robots(Site);

        robots.ShouldContain("Sitemap: https://shop.test/sitemap.xml");
        robots.ShouldContain("Disallow: /cart");
    }

    [Theory]
    [InlineData("sitemap-1.xml", true)]
    [InlineData("sitemap-12.xml", true)]
    [InlineData("sitemap-0.xml", false)]
    [InlineData("sitemap.xml", false)]
    [InlineData("sitemap-x.xml", false)]
    [InlineData("../sitemap-1.xml", false)]
    public void Only_part_names_are_served_as_parts(string name, bool isPart) => Sitemaps.IsPartName(name).ShouldBe(isPart);
}
