using System.Text.RegularExpressions;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Domain.UnitTests.Orders;

public sealed class OrderNumbersTests
{
    [Fact]
    public void A_number_is_the_prefix_and_two_groups_of_four_crockford_characters()
    {
        for (var i = 0; i < 1000; i++)
        {
            var number = OrderNumbers.New();
            number.ShouldMatch("^SS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$");
            OrderNumbers.IsWellFormed(number).ShouldBeTrue(number);
        }
    }

    [Fact]
    public void Numbers_never_contain_letters_that_read_like_digits_or_words()
    {
        var characters = string.Concat(Enumerable.Range(0, 2000).Select(_ => OrderNumbers.New()[3..]));
        characters.ShouldNotContain("I");
        characters.ShouldNotContain("L");
        characters.ShouldNotContain("O");
        characters.ShouldNotContain("U");
    }

    [Fact]
    public void Numbers_drawn_in_a_row_are_all_different_and_use_the_whole_alphabet()
    {
        var numbers = Enumerable.Range(0, 20_000).Select(_ => OrderNumbers.New()).ToList();

        numbers.Distinct().Count().ShouldBe(numbers.Count);
        string.Concat(numbers.Select(n => n[3..].Replace("-", ""))).Distinct().Count().ShouldBe(32);
    }

    [Theory]
    [InlineData("ss-7kq4-xm2p", "SS-7KQ4-XM2P")]
    [InlineData("  SS-7KQ4-XM2P ", "SS-7KQ4-XM2P")]
    [InlineData("SS-7KQ4-XMOP", "SS-7KQ4-XM0P")]
    [InlineData("SS-IKQ4-XLZP", "SS-1KQ4-X1ZP")]
    public void A_number_typed_by_a_person_is_read_as_the_order_number(string typed, string number) =>
        OrderNumbers.Normalise(typed).ShouldBe(number);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SS-7KQ4")]
    [InlineData("SS-7KQ4-XM2PX")]
    [InlineData("XX-7KQ4-XM2P")]
    [InlineData("SS-7KQ4-XMUP")]
    [InlineData("SS-7KQ4_XM2P")]
    [InlineData("SS-7KQ4-XM2!")]
    [InlineData("../../etc/passwd")]
    public void Anything_else_is_not_an_order_number(string? text)
    {
        OrderNumbers.Normalise(text).ShouldBeNull();
        OrderNumbers.IsWellFormed(text).ShouldBeFalse();
    }

    [Fact]
    public void An_access_token_is_long_random_and_url_safe_and_only_its_hash_matches()
    {
        var token = OrderAccessTokens.New();
        token.Length.ShouldBeGreaterThanOrEqualTo(43);
        Regex.IsMatch(token, "^[A-Za-z0-9_-]+$").ShouldBeTrue(token);
        OrderAccessTokens.New().ShouldNotBe(token);
        OrderAccessTokens.Hash(token).ShouldNotContain(token);
        OrderAccessTokens.Hash(token).ShouldBe(OrderAccessTokens.Hash(token));
    }
}
