using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ProductAttributeTests
{
    private static ProductInput With(params AttributeInput[] attributes) => MugInput() with { Attributes = attributes };

    [Theory]
    [InlineData(AttributeType.Number, "350")]
    [InlineData(AttributeType.Number, "12.5")]
    [InlineData(AttributeType.Number, "-4")]
    [InlineData(AttributeType.Boolean, "true")]
    [InlineData(AttributeType.Boolean, "false")]
    [InlineData(AttributeType.Colour, "#1a2b3c")]
    [InlineData(AttributeType.Colour, "#FFFFFF")]
    [InlineData(AttributeType.Colour, "navy blue")]
    [InlineData(AttributeType.Text, "Stoneware, glazed")]
    [InlineData(AttributeType.Size, "XL")]
    public void A_value_that_fits_its_attribute_type_is_accepted(AttributeType type, string value)
    {
        var attribute = Build(With(new AttributeInput("fact", type, value, null))).Attributes.ShouldHaveSingleItem();

        attribute.ShouldBe(new ProductAttribute("fact", type, value, null));
    }

    [Theory]
    [InlineData("twelve")]
    [InlineData("12.5 ml")]
    public void A_number_attribute_with_a_value_that_is_not_a_number_is_refused(string value)
    {
        Refuse(With(new AttributeInput("capacity", AttributeType.Number, value, "ml"))).ShouldReport("attributes[0].value", "must be a number");
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("True")]
    public void A_boolean_attribute_must_be_true_or_false(string value)
    {
        Refuse(With(new AttributeInput("dishwasher safe", AttributeType.Boolean, value, null))).ShouldReport("attributes[0].value", "true or false");
    }

    [Theory]
    [InlineData("#12345")]
    [InlineData("#gggggg")]
    [InlineData("red!")]
    [InlineData("1a2b3c")]
    public void A_colour_attribute_must_be_a_colour_name_or_a_six_digit_hex_code(string value)
    {
        Refuse(With(new AttributeInput("glaze", AttributeType.Colour, value, null))).ShouldReport("attributes[0].value", "colour");
    }

    [Fact]
    public void An_attribute_needs_a_name_a_type_and_a_value()
    {
        var failure = Refuse(With(new AttributeInput(null, null, null, null)));

        failure.ShouldReport("attributes[0].name", "is required.");
        failure.ShouldReport("attributes[0].type", "is required.");
        failure.ShouldReport("attributes[0].value", "is required.");
    }

    [Fact]
    public void An_attribute_name_may_not_be_given_twice_even_in_another_case()
    {
        var failure = Refuse(With(
            new AttributeInput("Material", AttributeType.Text, "stoneware", null),
            new AttributeInput("material", AttributeType.Text, "porcelain", null)));

        failure.ShouldReport("attributes[1].name", "given twice");
    }

    [Fact]
    public void At_most_50_attributes_are_accepted()
    {
        AttributeInput Numbered(int i) => new($"fact {i}", AttributeType.Text, "x", null);

        Build(With([.. Enumerable.Range(1, 50).Select(Numbered)])).Attributes.Count.ShouldBe(50);
        Refuse(With([.. Enumerable.Range(1, 51).Select(Numbered)])).ShouldReport("attributes", "at most 50 attributes");
    }

    [Fact]
    public void An_attribute_is_kept_trimmed_with_its_unit()
    {
        var attribute = Build(With(new AttributeInput(" capacity ", AttributeType.Number, " 350 ", " ml "))).Attributes.ShouldHaveSingleItem();

        attribute.ShouldBe(new ProductAttribute("capacity", AttributeType.Number, "350", "ml"));
    }

    [Fact]
    public void Attributes_and_variant_options_become_lower_case_facets_for_filtering()
    {
        var product = Build(MugInput() with
        {
            Attributes = [new AttributeInput("Material", AttributeType.Text, "Stoneware", null)],
            Variants = [Variant("MUG-RED", options: Options(("Colour", "Red")))],
        });

        product.Facets.ShouldBe(["material:stoneware", "colour:red"], ignoreOrder: true);
    }
}
