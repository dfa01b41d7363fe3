using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class CategoryRulesTests
{
    private const string NewId = "cat_new";

    /// <summary>A chain of categories, level 1 to <paramref name="levels"/>, each the child of the one before.</summary>
    private static Dictionary<string, Category> Chain(int levels)
    {
        var all = new Dictionary<string, Category>();
        var path = new List<string>();
        for (var level = 1; level <= levels; level++)
        {
            var id = $"cat_level{level}";
            path.Add(id);
            all[id] = new Category(id, $"Level {level}", $"level-{level}", level == 1 ? null : $"cat_level{level - 1}", path.ToList(), null, 0);
        }
        return all;
    }

    private static Category Create(CategoryInput input, IReadOnlyDictionary<string, Category>? all = null) =>
        TaxonomyRules.BuildCategory(input, NewId, all ?? Categories, null);

    private static ValidationFailedException Refuse(CategoryInput input, IReadOnlyDictionary<string, Category>? all = null, Category? existing = null) =>
        Should.Throw<ValidationFailedException>(() => TaxonomyRules.BuildCategory(input, existing?.Id ?? NewId, all ?? Categories, existing));

    [Fact]
    public void A_top_level_category_is_its_own_path()
    {
        var category = Create(new CategoryInput("Garden", null, null, null, null));

        category.ParentId.ShouldBeNull();
        category.Path.ShouldBe([NewId]);
    }

    [Fact]
    public void A_subcategorys_path_runs_from_the_root_down_to_it()
    {
        Create(new CategoryInput("Espresso cups", null, Mugs.Id, null, 3)).Path.ShouldBe([Kitchen.Id, Mugs.Id, NewId]);
    }

    [Fact]
    public void Without_a_slug_the_slug_is_made_from_the_name()
    {
        Create(new CategoryInput("Cafés & Thés", null, null, null, null)).Slug.ShouldBe("cafes-thes");
    }

    [Fact]
    public void A_category_needs_a_name_of_at_most_100_characters()
    {
        Refuse(new CategoryInput(null, "garden", null, null, null)).ShouldReport("name", "is required.");
        Refuse(new CategoryInput(new string('n', 101), "garden", null, null, null)).ShouldReport("name", "at most 100");
    }

    [Fact]
    public void A_slug_that_is_not_lower_case_words_joined_by_hyphens_is_refused()
    {
        Refuse(new CategoryInput("Garden", "Garden Tools", null, null, null)).ShouldReport("slug");
    }

    [Fact]
    public void A_slug_another_category_uses_is_refused()
    {
        Refuse(new CategoryInput("Mugs again", Mugs.Slug, null, null, null)).ShouldReport("slug", "another category already uses 'mugs'");
    }

    [Fact]
    public void A_category_may_keep_its_own_slug_when_replaced()
    {
        var replaced = TaxonomyRules.BuildCategory(new CategoryInput("Mugs & cups", Mugs.Slug, null, null, null), Mugs.Id, Categories, Mugs);

        replaced.Slug.ShouldBe(Mugs.Slug);
    }

    [Fact]
    public void An_unknown_parent_is_refused()
    {
        Refuse(new CategoryInput("Orphans", null, "cat_nowhere", null, null)).ShouldReport("parentId", "no category 'cat_nowhere'");
    }

    [Fact]
    public void A_category_may_be_the_fifth_level()
    {
        var fifth = Create(new CategoryInput("Fifth", null, "cat_level4", null, null), Chain(4));

        fifth.Path.Count.ShouldBe(TaxonomyRules.MaximumDepth);
    }

    [Fact]
    public void A_sixth_level_is_refused()
    {
        Refuse(new CategoryInput("Sixth", null, "cat_level5", null, null), Chain(5)).ShouldReport("parentId", "at most 5 levels");
    }

    [Fact]
    public void A_category_cannot_be_moved_to_another_parent()
    {
        Refuse(new CategoryInput("Mugs", "mugs", "cat_other", null, null), Categories, existing: Mugs).ShouldReport("parentId", "cannot be moved");
    }

    [Fact]
    public void A_top_level_category_cannot_be_moved_under_another()
    {
        Refuse(new CategoryInput("Kitchen", "kitchen", Mugs.Id, null, null), Categories, existing: Kitchen).ShouldReport("parentId", "cannot be moved");
    }

    [Fact]
    public void A_replaced_category_that_names_its_parent_again_or_not_at_all_keeps_its_place()
    {
        var sameParent = TaxonomyRules.BuildCategory(new CategoryInput("Mugs", "mugs", Kitchen.Id, null, null), Mugs.Id, Categories, Mugs);
        var noParent = TaxonomyRules.BuildCategory(new CategoryInput("Mugs", "mugs", null, null, null), Mugs.Id, Categories, Mugs);

        sameParent.Path.ShouldBe(Mugs.Path);
        noParent.ParentId.ShouldBe(Kitchen.Id);
        noParent.Path.ShouldBe(Mugs.Path);
    }

    [Fact]
    public void Every_broken_category_rule_is_reported_at_once()
    {
        var failure = Refuse(new CategoryInput(null, "Bad Slug", "cat_nowhere", new string('d', 2001), null));

        failure.Errors.Keys.ShouldBe(["name", "slug", "parentId", "description"], ignoreOrder: true);
    }
}
