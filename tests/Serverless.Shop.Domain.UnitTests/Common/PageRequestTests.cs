using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Common;

public sealed class PageRequestTests
{
    [Fact]
    public void Without_a_size_a_page_holds_the_default_number_of_items()
    {
        var v = new Validator();

        var page = PageRequest.From(null, null, v);

        v.IsValid.ShouldBeTrue();
        page.ShouldBe(new PageRequest(PageRequest.DefaultSize, null));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void A_size_from_1_to_100_is_accepted(int size)
    {
        var v = new Validator();

        PageRequest.From(size, null, v).Size.ShouldBe(size);
        v.IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void A_size_outside_1_to_100_is_refused(int size)
    {
        var v = new Validator();

        PageRequest.From(size, null, v);

        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("pageSize", "between 1 and 100");
    }

    [Fact]
    public void A_continuation_token_is_passed_on_as_given()
    {
        var v = new Validator();

        PageRequest.From(10, "eyJwYWdlIjoyfQ==", v).ContinuationToken.ShouldBe("eyJwYWdlIjoyfQ==");
        v.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_continuation_token_longer_than_any_the_api_issues_is_refused()
    {
        var v = new Validator();

        PageRequest.From(10, new string('t', PageRequest.MaximumTokenLength + 1), v);

        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).ShouldReport("continuationToken");
    }

    [Fact]
    public void A_continuation_token_of_the_maximum_length_is_accepted()
    {
        var v = new Validator();

        PageRequest.From(10, new string('t', PageRequest.MaximumTokenLength), v);

        v.IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("1,000")]
    public void A_page_size_that_is_not_a_whole_number_is_refused(string size)
    {
        var v = new Validator();
        PageRequest.Parse(size, null, v);
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).Errors.ShouldContainKey("pageSize");
    }

    [Fact]
    public void A_page_size_from_a_query_string_is_read_as_a_number()
    {
        var v = new Validator();
        PageRequest.Parse("50", null, v).Size.ShouldBe(50);
        PageRequest.Parse(null, null, v).Size.ShouldBe(PageRequest.DefaultSize);
        v.IsValid.ShouldBeTrue();
    }
}
