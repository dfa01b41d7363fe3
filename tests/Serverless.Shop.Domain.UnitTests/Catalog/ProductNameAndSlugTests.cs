using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ProductNameAndSlugTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_product_without_a_name_is_refused(string? name)
    {
        Refuse(MugInput() with { Name = name }).ShouldReport("name", "is required.");
    }

    [Fact]
    public void A_name_of_200_characters_is_accepted()
    {
        var name = new string('m', 200);

        Build(MugInput() with { Name = name, Slug = "long-mug" }).Name.ShouldBe(name);
    }

    [Fact]
    public void A_name_of_201_characters_is_refused()
    {
        Refuse(MugInput() with { Name = new string('m', 201), Slug = "long-mug" }).ShouldReport("name", "at most 200 characters");
    }

    [Fact]
    public void The_name_is_kept_without_surrounding_spaces()
    {
        Build(MugInput() with { Name = "  Espresso Cup  " }).Name.ShouldBe("Espresso Cup");
    }

    [Fact]
    public void Without_a_slug_the_slug_is_made_from_the_name_with_accents_removed()
    {
        Build(MugInput() with { Name = "Crème Brûlée Mug!", Slug = null }).Slug.ShouldBe("creme-brulee-mug");
    }

    [Fact]
    public void A_slug_the_merchandiser_chose_is_kept()
    {
        Build(MugInput() with { Slug = "dessert-mug-2" }).Slug.ShouldBe("dessert-mug-2");
    }

    [Theory]
    [InlineData("Dessert-Mug")]
    [InlineData("dessert mug")]
    [InlineData("dessert--mug")]
    [InlineData("-dessert-mug")]
    [InlineData("dessert-mug-")]
    [InlineData("crème-mug")]
    [InlineData("dessert_mug")]
    public void A_slug_that_is_not_lower_case_words_joined_by_single_hyphens_is_refused(string slug)
    {
        Refuse(MugInput() with { Slug = slug }).ShouldReport("slug");
    }

    [Fact]
    public void A_slug_of_101_characters_is_refused()
    {
        Refuse(MugInput() with { Slug = new string('a', 101) }).ShouldReport("slug");
    }

    [Fact]
    public void A_name_with_no_letters_or_digits_gives_no_slug_so_one_must_be_chosen()
    {
        Refuse(MugInput() with { Name = "!!!", Slug = null }).ShouldReport("slug");
    }
}
