using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Common;

public sealed class MoneyTests
{
    private static ValidationFailedException? Check(Money? price, string shopCurrency = "EUR", bool allowZero = false)
    {
        var v = new Validator();
        Money.Validate(price, "price", v, shopCurrency, allowZero);
        return v.IsValid ? null : Should.Throw<ValidationFailedException>(v.ThrowIfInvalid);
    }

    [Fact]
    public void A_price_in_the_shops_currency_with_cents_is_accepted()
    {
        Check(new Money(12.99m, "EUR")).ShouldBeNull();
    }

    [Fact]
    public void A_missing_price_is_required()
    {
        Check(null)!.ShouldReport("price", "is required.");
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("eur")]
    [InlineData("")]
    public void A_currency_that_is_not_an_upper_case_ISO_4217_code_the_shop_knows_is_refused(string currency)
    {
        Check(new Money(10m, currency))!.ShouldReport("price.currency", "ISO 4217");
    }

    [Fact]
    public void A_known_currency_other_than_the_shops_is_refused()
    {
        Check(new Money(10m, "USD"), shopCurrency: "EUR")!.ShouldReport("price.currency", "shop's currency, EUR");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.01")]
    [InlineData("-5")]
    public void A_price_of_zero_or_less_is_refused(string amount)
    {
        Check(new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "EUR"))!
            .ShouldReport("price.amount", "greater than zero");
    }

    [Fact]
    public void Zero_is_accepted_where_the_caller_allows_it_but_a_negative_amount_is_still_refused()
    {
        Check(new Money(0m, "EUR"), allowZero: true).ShouldBeNull();
        Check(new Money(-1m, "EUR"), allowZero: true)!.ShouldReport("price.amount", "must not be negative");
    }

    [Fact]
    public void An_absurd_amount_above_one_million_is_refused_and_one_million_is_accepted()
    {
        Check(new Money(Money.MaximumAmount, "EUR")).ShouldBeNull();
        Check(new Money(1_000_000.01m, "EUR"))!.ShouldReport("price.amount", "at most 1000000");
    }

    [Fact]
    public void Three_decimals_in_euros_are_refused()
    {
        Check(new Money(12.999m, "EUR"))!.ShouldReport("price.amount", "more decimals than EUR allows (2)");
    }

    [Fact]
    public void Trailing_zeros_do_not_count_as_decimals()
    {
        Check(new Money(12.500m, "EUR")).ShouldBeNull();
    }

    [Fact]
    public void Yen_have_no_minor_unit_so_one_decimal_is_refused()
    {
        Check(new Money(1500.5m, "JPY"), shopCurrency: "JPY")!.ShouldReport("price.amount", "more decimals than JPY allows (0)");
    }

    [Fact]
    public void A_whole_number_of_yen_is_accepted()
    {
        Check(new Money(1500m, "JPY"), shopCurrency: "JPY").ShouldBeNull();
    }

    [Fact]
    public void Kuwaiti_dinars_allow_three_decimals()
    {
        Check(new Money(4.125m, "KWD"), shopCurrency: "KWD").ShouldBeNull();
    }

    [Fact]
    public void Every_problem_with_an_amount_is_reported_together()
    {
        var failure = Check(new Money(-0.125m, "EUR"))!;

        failure.Errors["price.amount"].Length.ShouldBe(2);
    }

    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("BHD", 3)]
    public void Each_currency_has_its_ISO_4217_minor_unit_digits(string code, int digits)
    {
        Currencies.IsKnown(code).ShouldBeTrue();
        Currencies.MinorDigits(code).ShouldBe(digits);
    }

    [Fact]
    public void No_currency_is_not_a_known_currency()
    {
        Currencies.IsKnown(null).ShouldBeFalse();
    }

    [Fact]
    public void Money_is_written_with_at_least_two_decimals_and_its_currency()
    {
        new Money(12.5m, "EUR").ToString().ShouldBe("12.50 EUR");
        new Money(4.125m, "KWD").ToString().ShouldBe("4.125 KWD");
    }
}
