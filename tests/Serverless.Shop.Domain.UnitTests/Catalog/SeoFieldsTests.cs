using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class SeoFieldsTests
{
    [Fact]
    public void Focus_keywords_are_kept_trimmed_lower_case_and_once_each()
    {
        var product = Build(MugInput() with { Seo = new SeoFields("Enamel mug", null) { FocusKeywords = ["  Enamel   Mug ", "enamel mug", "camp cup"] } });

        product.Seo.FocusKeywords.ShouldBe(["enamel mug", "camp cup"]);
    }

    [Fact]
    public void Too_many_or_blank_or_overlong_keywords_are_refused_naming_each()
    {
        var eleven = Enumerable.Range(1, 11).Select(i => $"keyword {i}").ToList();
        Refuse(MugInput() with { Seo = new SeoFields(null, null) { FocusKeywords = eleven } }).ShouldReport("seo.focusKeywords");

        var bad = Refuse(MugInput() with { Seo = new SeoFields(null, null) { FocusKeywords = ["ok", " ", new string('k', 61)] } });
        bad.ShouldReport("seo.focusKeywords[1]");
        bad.ShouldReport("seo.focusKeywords[2]");
        bad.ShouldNotReport("seo.focusKeywords[0]");
    }

    [Fact]
    public void Title_and_meta_description_over_the_limits_are_refused()
    {
        var refused = Refuse(MugInput() with { Seo = new SeoFields(new string('t', 71), new string('d', 161)) });

        refused.ShouldReport("seo.title");
        refused.ShouldReport("seo.metaDescription");
    }

    [Fact]
    public void A_product_whose_slug_changes_keeps_the_old_one_as_a_former_slug()
    {
        var mug = ExistingMug();

        var renamed = Build(MugInput() with { Slug = "enamel-camp-mug" }, mug);

        renamed.Slug.ShouldBe("enamel-camp-mug");
        renamed.FormerSlugs.ShouldBe([mug.Slug]);
    }

    [Fact]
    public void Moving_back_to_a_former_slug_takes_it_off_the_former_slugs()
    {
        var mug = ExistingMug();
        var renamed = Build(MugInput() with { Slug = "enamel-camp-mug" }, mug);

        var back = Build(MugInput() with { Slug = mug.Slug }, renamed);

        back.Slug.ShouldBe(mug.Slug);
        back.FormerSlugs.ShouldBe(["enamel-camp-mug"]);
    }

    [Fact]
    public void Former_slugs_keep_only_the_newest_twenty()
    {
        var former = Enumerable.Range(1, SeoRules.MaximumFormerSlugs).Select(i => $"old-{i}").ToList();

        var after = SeoRules.FormerSlugsAfter("current", former, "next");

        after.Count.ShouldBe(SeoRules.MaximumFormerSlugs);
        after[^1].ShouldBe("current");
        after.ShouldNotContain("old-1");
    }

    [Fact]
    public void A_category_keeps_its_seo_fields_and_former_slug_and_no_other_category_may_take_that_slug()
    {
        var renamed = TaxonomyRules.BuildCategory(new CategoryInput("Mugs", "cups", "cat_kitchen", null, null)
            { Seo = new SeoFields("Mugs and cups", "Enamel mugs.") { FocusKeywords = ["Enamel Mugs"] } }, Mugs.Id, Categories, Mugs);

        renamed.FormerSlugs.ShouldBe(["mugs"]);
        renamed.Seo.FocusKeywords.ShouldBe(["enamel mugs"]);

        var all = new Dictionary<string, Category>(Categories) { [Mugs.Id] = renamed };
        var taken = Should.Throw<ValidationFailedException>(() =>
            TaxonomyRules.BuildCategory(new CategoryInput("Other mugs", "mugs", null, null, null), "cat_other", all, null));
        taken.ShouldReport("slug");
    }

    [Fact]
    public void A_collection_keeps_its_former_slug_when_its_slug_changes()
    {
        var collections = new Dictionary<string, Collection> { [StaffPicks.Id] = StaffPicks };

        var renamed = TaxonomyRules.BuildCollection(new CollectionInput("Staff picks", "our-picks", CollectionType.Manual, null, null, null),
            StaffPicks.Id, collections, Categories);

        renamed.Slug.ShouldBe("our-picks");
        renamed.FormerSlugs.ShouldBe(["staff-picks"]);
    }
}
