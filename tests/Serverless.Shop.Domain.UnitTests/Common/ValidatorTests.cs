using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Common;

public sealed class ValidatorTests
{
    [Fact]
    public void A_validator_that_was_told_nothing_is_valid_and_does_not_throw()
    {
        var v = new Validator();

        v.IsValid.ShouldBeTrue();
        Should.NotThrow(v.ThrowIfInvalid);
    }

    [Fact]
    public void A_rule_that_holds_adds_no_error_and_says_it_held()
    {
        var v = new Validator();

        v.Check(1 < 2, "size", "must be small.").ShouldBeTrue();
        v.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_broken_rule_is_reported_under_its_field_with_its_message()
    {
        var v = new Validator();

        v.Check(3 < 2, "size", "must be small.").ShouldBeFalse();

        var failure = Should.Throw<ValidationFailedException>(v.ThrowIfInvalid);
        failure.Errors["size"].ShouldBe(["must be small."]);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once_including_several_on_one_field()
    {
        var v = new Validator();
        v.Add("name", "is required.");
        v.Add("price", "must be greater than zero.");
        v.Add("price", "has too many decimals.");

        var failure = Should.Throw<ValidationFailedException>(v.ThrowIfInvalid);

        failure.Errors.Keys.ShouldBe(["name", "price"], ignoreOrder: true);
        failure.Errors["price"].ShouldBe(["must be greater than zero.", "has too many decimals."]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_or_blank_text_is_not_present(string? value)
    {
        var v = new Validator();

        v.Required(value, "name").ShouldBeFalse();

        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("name", "is required.");
    }

    [Fact]
    public void A_text_with_content_is_present()
    {
        var v = new Validator();

        v.Required("Mug", "name").ShouldBeTrue();
        v.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_missing_number_is_not_present_but_zero_is()
    {
        var v = new Validator();

        v.Required((int?)null, "quantity").ShouldBeFalse();
        v.Required((int?)0, "threshold").ShouldBeTrue();

        var failure = Should.Throw<ValidationFailedException>(v.ThrowIfInvalid);
        failure.ShouldReport("quantity");
        failure.ShouldNotReport("threshold");
    }

    [Fact]
    public void A_text_at_the_maximum_length_is_accepted_and_one_character_more_is_refused()
    {
        var v = new Validator();

        v.MaxLength(new string('a', 10), 10, "short").ShouldBeTrue();
        v.MaxLength(new string('a', 11), 10, "long").ShouldBeFalse();

        var failure = Should.Throw<ValidationFailedException>(v.ThrowIfInvalid);
        failure.ShouldReport("long", "at most 10 characters");
        failure.ShouldNotReport("short");
    }

    [Fact]
    public void A_missing_text_has_no_length_to_exceed()
    {
        new Validator().MaxLength(null, 10, "note").ShouldBeTrue();
    }

    [Theory]
    [InlineData("variants", true)]
    [InlineData("variants[0].sku", true)]
    [InlineData("variants.options", true)]
    [InlineData("variantsCount", false)]
    [InlineData("name", false)]
    public void Errors_under_a_field_include_its_items_and_members_but_not_fields_that_merely_share_a_prefix(string reportedField, bool isUnderVariants)
    {
        var v = new Validator();
        v.Add(reportedField, "is wrong.");

        v.HasErrorsUnder("variants").ShouldBe(isUnderVariants);
    }
}
