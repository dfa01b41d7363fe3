using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>GTIN and MPN on variants, for the ads feeds: checked when the product is saved, not when a feed is made.</summary>
public sealed class ProductIdentifierTests
{
    [Theory]
    [InlineData("4006381333931")]   // EAN-13
    [InlineData("036000291452")]    // UPC-A
    [InlineData("96385074")]        // EAN-8
    [InlineData("10012345678902")]  // GTIN-14
    [InlineData("9780306406157")]   // ISBN-13
    public void Gtins_with_a_valid_check_digit_are_accepted(string gtin) => ProductRules.IsValidGtin(gtin).ShouldBeTrue();

    [Theory]
    [InlineData("4006381333932")]   // wrong check digit
    [InlineData("400638133393")]    // 12 digits, wrong check digit
    [InlineData("4006381333")]      // 10 digits: no GTIN has that length
    [InlineData("40063813339X1")]
    public void Other_gtins_are_refused(string gtin) => ProductRules.IsValidGtin(gtin).ShouldBeFalse();

    [Fact]
    public void A_variant_keeps_its_gtin_and_mpn()
    {
        var product = CatalogExamples.Build(CatalogExamples.MugInput() with { Variants = [CatalogExamples.Variant() with { Gtin = " 4006381333931 ", Mpn = "MUG-2024-R" }] });
        product.Variants[0].Gtin.ShouldBe("4006381333931");
        product.Variants[0].Mpn.ShouldBe("MUG-2024-R");
    }

    [Fact]
    public void A_bad_gtin_or_mpn_is_refused_on_the_variants_field()
    {
        var e = CatalogExamples.Refuse(CatalogExamples.MugInput() with { Variants = [CatalogExamples.Variant() with { Gtin = "12345", Mpn = new string('m', 71) }] });
        e.Errors.Keys.Order().ShouldBe(["variants[0].gtin", "variants[0].mpn"]);
    }
}
