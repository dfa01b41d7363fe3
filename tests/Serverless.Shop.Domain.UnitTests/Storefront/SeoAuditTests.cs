using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using static Serverless.Shop.Domain.Storefront.SeoAudit;
using static Serverless.Shop.Domain.UnitTests.Storefront.StorefrontExamples;

namespace Serverless.Shop.Domain.UnitTests.Storefront;

public sealed class SeoAuditTests
{
    private static readonly string LongDescription = string.Join(' ', Enumerable.Repeat("A sturdy enamel camp mug for coffee by the fire.", 8));

    /// <summary>A product page that passes every check: tests break one thing about it.</summary>
    private static Product GoodMug() => CatalogExamples.ExistingMug() with
    {
        Name = "Enamel Camp Mug",
        Slug = "enamel-camp-mug",
        Description = RichText.From(RichTextFormat.Text, LongDescription),
        Seo = new SeoFields("Enamel Camp Mug for coffee outdoors | Test Shop", "An enamel camp mug that keeps coffee hot by the fire, chips less than ceramic and packs flat in any rucksack.")
            { FocusKeywords = ["enamel camp mug"] },
        Images = [new ProductImage("img_1", "image/png", "A white enamel mug", ImageStatus.Ready, "https://cdn.test/1.png", [])],
    };

    private static List<SeoFinding> Audit(params Product[] products) => Run(products, [], [], Site).Findings.ToList();

    [Fact]
    public void A_page_that_follows_every_rule_has_no_findings() => Audit(GoodMug()).ShouldBeEmpty();

    [Fact]
    public void Titles_too_long_or_too_short_are_reported()
    {
        Audit(GoodMug() with { Seo = GoodMug().Seo with { Title = "Enamel camp mug " + new string('x', 60) } }).ShouldContain(f => f.Check == Checks.TitleTooLong);
        Audit(GoodMug() with { Seo = GoodMug().Seo with { Title = "Enamel camp mug" } }).ShouldContain(f => f.Check == Checks.TitleTooShort);
    }

    [Fact]
    public void Meta_descriptions_too_long_or_too_short_are_reported()
    {
        Audit(GoodMug() with { Seo = GoodMug().Seo with { MetaDescription = "enamel camp mug " + new string('x', 150) } }).ShouldContain(f => f.Check == Checks.DescriptionTooLong);
        Audit(GoodMug() with { Seo = GoodMug().Seo with { MetaDescription = "An enamel camp mug." } }).ShouldContain(f => f.Check == Checks.DescriptionTooShort);
    }

    [Fact]
    public void A_keyword_missing_from_title_description_slug_or_heading_is_reported_for_each_place()
    {
        var mug = GoodMug() with { Seo = GoodMug().Seo with { FocusKeywords = ["titanium cup"] } };

        var checks = Audit(mug).Where(f => f.Detail.Contains("titanium cup", StringComparison.Ordinal)).Select(f => f.Check).ToList();

        checks.ShouldBe([Checks.KeywordMissingFromTitle, Checks.KeywordMissingFromDescription, Checks.KeywordMissingFromSlug, Checks.KeywordMissingFromHeading], ignoreOrder: true);
    }

    [Fact]
    public void A_page_without_focus_keywords_is_reported()
    {
        Audit(GoodMug() with { Seo = GoodMug().Seo with { FocusKeywords = [] } }).ShouldContain(f => f.Check == Checks.NoFocusKeywords);
    }

    [Fact]
    public void An_image_without_alt_text_is_reported_with_its_id()
    {
        var mug = GoodMug() with { Images = [.. GoodMug().Images, new ProductImage("img_2", "image/png", " ", ImageStatus.Ready, "https://cdn.test/2.png", [])] };

        Audit(mug).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            f => f.Check.ShouldBe(Checks.ImageWithoutAltText),
            f => f.Detail.ShouldContain("img_2"));
    }

    [Fact]
    public void Two_pages_with_one_title_are_both_reported()
    {
        var other = GoodMug() with { Id = "prod_other", Slug = "enamel-camp-mug-blue" };

        var duplicates = Audit(GoodMug(), other).Where(f => f.Check == Checks.DuplicateTitle).ToList();

        duplicates.Select(f => f.ResourceId).ShouldBe(["prod_mug", "prod_other"], ignoreOrder: true);
    }

    [Fact]
    public void A_description_under_fifty_words_is_thin()
    {
        var thin = GoodMug() with { Description = RichText.From(RichTextFormat.Text, "An enamel camp mug.") };

        Audit(thin).ShouldContain(f => f.Check == Checks.ThinDescription && f.Detail.StartsWith("the description has 4 words", StringComparison.Ordinal));
    }

    [Fact]
    public void Categories_are_checked_on_the_title_their_page_falls_back_to()
    {
        var category = new Category("cat_mugs", "Mugs", "mugs", null, ["cat_mugs"], null, 0);

        var findings = Run([], [category], [], Site).Findings;

        // "Mugs | Test Shop" is what the page shows without an SEO title: 16 characters.
        findings.ShouldContain(f => f.ResourceType == "category" && f.Check == Checks.TitleTooShort && f.Detail.StartsWith("16 characters", StringComparison.Ordinal));
        findings.ShouldContain(f => f.ResourceType == "category" && f.Check == Checks.NoFocusKeywords);
    }
}
