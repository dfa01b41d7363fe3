using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ProductTaxClassTests
{
    [Fact]
    public void A_new_product_without_a_tax_class_is_standard() =>
        Build(MugInput()).TaxClass.ShouldBe("standard");

    [Fact]
    public void A_tax_class_is_kept_in_lower_case_without_surrounding_spaces() =>
        Build(MugInput() with { TaxClass = " Reduced-2 " }).TaxClass.ShouldBe("reduced-2");

    [Fact]
    public void A_replacement_without_a_tax_class_keeps_the_products_class()
    {
        var existing = Build(MugInput() with { TaxClass = "books" });

        Build(MugInput(), existing).TaxClass.ShouldBe("books");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("reduced rate")]
    [InlineData("-reduced")]
    [InlineData("zero_rated")]
    [InlineData("livres-réduits")]
    [InlineData("a23456789012345678901234567890123")]
    public void A_malformed_tax_class_is_refused(string taxClass) =>
        Refuse(MugInput() with { TaxClass = taxClass }).ShouldReport("taxClass", "lower-case letters, digits or hyphens");

    [Fact]
    public void A_tax_class_of_32_characters_is_accepted() =>
        Build(MugInput() with { TaxClass = new string('a', 32) }).TaxClass.Length.ShouldBe(32);

    [Fact]
    public void A_product_stored_before_tax_classes_existed_reads_as_standard()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(ExistingMug(), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var withoutTaxClass = json.Replace("\"taxClass\":\"standard\",", "", StringComparison.Ordinal).Replace(",\"taxClass\":\"standard\"", "", StringComparison.Ordinal);
        withoutTaxClass.ShouldNotContain("taxClass");

        var product = System.Text.Json.JsonSerializer.Deserialize<Product>(withoutTaxClass, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

        product!.TaxClass.ShouldBe(ProductRules.StandardTaxClass);
    }
}
