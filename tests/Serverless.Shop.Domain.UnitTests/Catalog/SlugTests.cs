using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class SlugTests
{
    [Theory]
    [InlineData("Crème Brûlée Mug!", "creme-brulee-mug")]
    [InlineData("Ångström Über Café", "angstrom-uber-cafe")]
    [InlineData("  Tea   &   Coffee  ", "tea-coffee")]
    [InlineData("Mug -- 350 ml", "mug-350-ml")]
    [InlineData("ALL CAPS", "all-caps")]
    public void A_slug_made_from_a_name_is_lower_case_ascii_words_joined_by_single_hyphens(string name, string slug)
    {
        Slug.FromName(name).ShouldBe(slug);
        Slug.IsValid(slug).ShouldBeTrue();
    }

    [Fact]
    public void A_slug_made_from_a_very_long_name_is_cut_to_100_characters_without_a_trailing_hyphen()
    {
        var name = string.Join(' ', Enumerable.Repeat("abcdefghi", 15)); // 10-character words: a cut at 100 lands on a hyphen

        var slug = Slug.FromName(name);

        slug.Length.ShouldBe(99);
        slug.ShouldEndWith("i");
        Slug.IsValid(slug).ShouldBeTrue();
    }

    [Theory]
    [InlineData("mug")]
    [InlineData("mug-350")]
    [InlineData("2025-summer-sale")]
    public void Lower_case_letters_and_digits_joined_by_single_hyphens_make_a_valid_slug(string slug)
    {
        Slug.IsValid(slug).ShouldBeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mug")]
    [InlineData("mug 350")]
    [InlineData("mug--350")]
    [InlineData("-mug")]
    [InlineData("mug-")]
    [InlineData("café")]
    public void Anything_else_is_not_a_slug(string? slug)
    {
        Slug.IsValid(slug).ShouldBeFalse();
    }

    [Fact]
    public void A_slug_may_have_100_characters_but_not_101()
    {
        Slug.IsValid(new string('a', 100)).ShouldBeTrue();
        Slug.IsValid(new string('a', 101)).ShouldBeFalse();
    }
}
