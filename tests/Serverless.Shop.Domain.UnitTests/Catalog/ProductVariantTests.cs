using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ProductVariantTests
{
    private static List<VariantInput> NumberedVariants(int count) =>
        Enumerable.Range(1, count).Select(i => Variant($"MUG-{i}", options: Options(("number", i.ToString())))).ToList();

    [Fact]
    public void A_product_without_variants_is_refused()
    {
        Refuse(MugInput() with { Variants = null }).ShouldReport("variants", "at least one variant");
    }

    [Fact]
    public void A_product_with_an_empty_list_of_variants_is_refused()
    {
        Refuse(MugInput() with { Variants = [] }).ShouldReport("variants", "at least one variant");
    }

    [Fact]
    public void A_product_with_100_variants_is_accepted()
    {
        Build(MugInput() with { Variants = NumberedVariants(100) }).Variants.Count.ShouldBe(100);
    }

    [Fact]
    public void A_product_with_101_variants_is_refused()
    {
        Refuse(MugInput() with { Variants = NumberedVariants(101) }).ShouldReport("variants", "at most 100 variants");
    }

    [Fact]
    public void A_missing_variant_in_the_list_is_refused_at_its_position()
    {
        Refuse(MugInput() with { Variants = [Variant(), null!] }).ShouldReport("variants[1]", "must not be null");
    }

    [Fact]
    public void A_sku_is_kept_trimmed_and_upper_case()
    {
        Build(MugInput() with { Variants = [Variant(" mug-red.xl_2 ")] }).Variants[0].Sku.ShouldBe("MUG-RED.XL_2");
    }

    [Theory]
    [InlineData("A")]
    [InlineData("9-LIVES")]
    [InlineData("MUG_RED.XL-2")]
    public void Letters_digits_dots_underscores_and_hyphens_make_a_valid_sku(string sku)
    {
        Build(MugInput() with { Variants = [Variant(sku)] }).Variants[0].Sku.ShouldBe(sku);
    }

    [Fact]
    public void A_sku_of_64_characters_is_accepted()
    {
        Build(MugInput() with { Variants = [Variant(new string('S', 64))] }).Variants[0].Sku.Length.ShouldBe(64);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MUG RED")]
    [InlineData("MUG/RED")]
    [InlineData("MUG#1")]
    [InlineData("-MUG")]
    [InlineData(".MUG")]
    [InlineData("ÄPFEL-1")]
    public void A_sku_with_characters_other_than_letters_digits_dots_underscores_and_hyphens_is_refused(string? sku)
    {
        Refuse(MugInput() with { Variants = [Variant(sku)] }).ShouldReport("variants[0].sku");
    }

    [Fact]
    public void A_sku_of_65_characters_is_refused()
    {
        Refuse(MugInput() with { Variants = [Variant(new string('S', 65))] }).ShouldReport("variants[0].sku");
    }

    [Fact]
    public void Two_variants_with_the_same_sku_are_refused_at_the_second()
    {
        var failure = Refuse(MugInput() with
        {
            Variants = [Variant("MUG-1", options: Options(("size", "S"))), Variant("MUG-1", options: Options(("size", "L")))],
        });

        failure.ShouldReport("variants[1].sku", "'MUG-1' is used by another variant");
        failure.ShouldNotReport("variants[0].sku");
    }

    [Fact]
    public void Skus_that_differ_only_in_case_are_the_same_sku()
    {
        Refuse(MugInput() with
        {
            Variants = [Variant("mug-1", options: Options(("size", "S"))), Variant("MUG-1", options: Options(("size", "L")))],
        }).ShouldReport("variants[1].sku");
    }

    [Fact]
    public void Variants_with_different_options_are_accepted()
    {
        var product = Build(MugInput() with
        {
            Variants = [Variant("MUG-S", options: Options(("size", "S"))), Variant("MUG-L", options: Options(("size", "L")))],
        });

        product.Variants.Select(x => x.Options["size"]).ShouldBe(["S", "L"]);
    }

    [Fact]
    public void Two_variants_with_the_same_combination_of_options_are_refused()
    {
        Refuse(MugInput() with
        {
            Variants =
            [
                Variant("MUG-1", options: Options(("size", "L"), ("colour", "red"))),
                Variant("MUG-2", options: Options(("colour", "red"), ("size", "L"))),
            ],
        }).ShouldReport("variants", "same options");
    }

    [Fact]
    public void Option_combinations_are_compared_ignoring_case_and_surrounding_spaces()
    {
        Refuse(MugInput() with
        {
            Variants = [Variant("MUG-1", options: Options(("Colour", "Red"))), Variant("MUG-2", options: Options(("colour", " red ")))],
        }).ShouldReport("variants", "same options");
    }

    [Fact]
    public void Two_variants_without_options_are_the_same_combination()
    {
        Refuse(MugInput() with { Variants = [Variant("MUG-1"), Variant("MUG-2")] }).ShouldReport("variants", "same options");
    }

    [Fact]
    public void A_variant_with_more_than_10_options_is_refused()
    {
        var options = Enumerable.Range(1, 11).Select(i => ($"option{i}", "x")).ToArray();

        Refuse(MugInput() with { Variants = [Variant(options: Options(options))] }).ShouldReport("variants[0].options", "at most 10 options");
    }

    [Fact]
    public void A_blank_option_value_is_refused_under_the_options_name()
    {
        Refuse(MugInput() with { Variants = [Variant(options: Options(("size", " ")))] }).ShouldReport("variants[0].options.size");
    }

    [Fact]
    public void An_option_value_of_101_characters_is_refused()
    {
        Refuse(MugInput() with { Variants = [Variant(options: Options(("size", new string('x', 101))))] })
            .ShouldReport("variants[0].options.size");
    }

    [Fact]
    public void Option_names_and_values_are_kept_trimmed()
    {
        var variant = Build(MugInput() with { Variants = [Variant(options: Options((" size ", " XL ")))] }).Variants[0];

        variant.Options.ShouldContainKeyAndValue("size", "XL");
    }

    // JSON such as {"size": null} arrives as a null value: it must be a 400 naming the option, not a crash.
    [Fact]
    public void An_option_sent_without_a_value_is_refused_under_the_options_name()
    {
        var options = new Dictionary<string, string> { ["size"] = null! };

        Refuse(MugInput() with { Variants = [Variant(options: options)] }).ShouldReport("variants[0].options.size");
    }

    // {"size": "S", "size ": "L"} are two JSON keys that become one option once trimmed.
    [Fact]
    public void Two_option_names_that_are_the_same_once_trimmed_are_refused()
    {
        var options = new Dictionary<string, string> { ["size"] = "S", ["size "] = "L" };

        Refuse(MugInput() with { Variants = [Variant(options: options)] }).Errors.Keys.ShouldContain(k => k.StartsWith("variants[0].options"));
    }
}
