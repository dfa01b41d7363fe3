using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ProductMeasurementsTests
{
    private static readonly MeasurementsInput Mug = new(350, 120, 90, 100);

    [Fact]
    public void A_product_and_a_variant_keep_their_own_weight_and_size()
    {
        var product = Build(MugInput() with
        {
            Measurements = Mug,
            Variants = [Variant("MUG-S"), Variant("MUG-XL", options: Options(("size", "xl"))) with { Measurements = new MeasurementsInput(900, 160, 120, 150) }],
        });

        product.Measurements.ShouldBe(new Measurements(350, 120, 90, 100));
        product.Variants[0].Measurements.ShouldBeNull();
        product.Variants[1].Measurements.ShouldBe(new Measurements(900, 160, 120, 150));
    }

    [Fact]
    public void Measurements_are_optional() => Build(MugInput()).Measurements.ShouldBeNull();

    [Theory]
    [InlineData(0, 120, 90, 100, "measurements.weightGrams")]
    [InlineData(-5, 120, 90, 100, "measurements.weightGrams")]
    [InlineData(1_000_001, 120, 90, 100, "measurements.weightGrams")]
    [InlineData(350, 0, 90, 100, "measurements.lengthMm")]
    [InlineData(350, 120, 5_001, 100, "measurements.widthMm")]
    [InlineData(350, 120, 90, -1, "measurements.heightMm")]
    public void A_negative_zero_or_absurd_weight_or_side_is_refused_on_its_field(int grams, int length, int width, int height, string field) =>
        Refuse(MugInput() with { Measurements = new MeasurementsInput(grams, length, width, height) }).ShouldReport(field, "from 1 to");

    [Fact]
    public void Every_measurement_is_required_once_any_is_given()
    {
        var failure = Refuse(MugInput() with { Measurements = new MeasurementsInput(350, null, null, null) });

        failure.ShouldReport("measurements.lengthMm", "is required.");
        failure.ShouldReport("measurements.widthMm", "is required.");
        failure.ShouldReport("measurements.heightMm", "is required.");
    }

    [Fact]
    public void A_variant_s_bad_measurement_names_the_variant() =>
        Refuse(MugInput() with { Variants = [Variant() with { Measurements = new MeasurementsInput(350, 120, 90, 0) }] })
            .ShouldReport("variants[0].measurements.heightMm");

    [Fact]
    public void The_largest_accepted_values_are_a_tonne_and_five_metres() =>
        Build(MugInput() with { Measurements = new MeasurementsInput(1_000_000, 5_000, 5_000, 5_000) }).Measurements!.VolumeCm3.ShouldBe(125_000_000m);
}
