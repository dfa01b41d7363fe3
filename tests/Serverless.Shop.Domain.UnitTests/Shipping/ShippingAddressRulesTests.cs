using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

public sealed class ShippingAddressRulesTests
{
    public static ShippingAddress Amsterdam => new("Anna de Vries", "Keizersgracht 123", null, "Amsterdam", "1015 CJ", null, "NL", "+31 20 123 4567");

    private static ValidationFailedException? Problems(ShippingAddress? address)
    {
        var v = new Validator();
        ShippingAddressRules.Validate(address, "address", v);
        try
        {
            v.ThrowIfInvalid();
            return null;
        }
        catch (ValidationFailedException e)
        {
            return e;
        }
    }

    private static void ShouldBeValid(ShippingAddress address) => Problems(address)?.Errors.ShouldBeEmpty();

    private static void ShouldReport(ShippingAddress? address, string field) => Problems(address).ShouldNotBeNull().ShouldReport(field);

    [Fact]
    public void A_complete_address_is_valid()
    {
        ShouldBeValid(Amsterdam);
        ShouldBeValid(Amsterdam with { Line2 = "3rd floor", Region = "Noord-Holland", Phone = null });
    }

    [Fact]
    public void A_missing_address_is_reported_under_its_own_name()
    {
        ShouldReport(null, "address");
    }

    [Theory]
    [InlineData("name")]
    [InlineData("line1")]
    [InlineData("city")]
    [InlineData("postalCode")]
    [InlineData("country")]
    public void Name_first_line_city_postal_code_and_country_are_required(string field)
    {
        var address = field switch
        {
            "name" => Amsterdam with { Name = "  " },
            "line1" => Amsterdam with { Line1 = null },
            "city" => Amsterdam with { City = "" },
            "postalCode" => Amsterdam with { PostalCode = null },
            _ => Amsterdam with { Country = null },
        };

        var failure = Problems(address).ShouldNotBeNull();

        failure.ShouldReport($"address.{field}", "is required.");
        failure.Errors.Count.ShouldBe(1);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var failure = Problems(new ShippingAddress(null, null, null, null, null, null, null, null)).ShouldNotBeNull();

        failure.Errors.Keys.ShouldBe(["address.name", "address.line1", "address.city", "address.country", "address.postalCode"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("nl")]
    [InlineData("NLD")]
    [InlineData("N")]
    [InlineData("N1")]
    [InlineData("ÄB")]
    public void The_country_is_an_iso_alpha_2_code_in_capitals(string country)
    {
        ShouldReport(Amsterdam with { Country = country }, "address.country");
    }

    [Theory]
    [InlineData("US", "94105")]
    [InlineData("US", "94105-1234")]
    [InlineData("US", "941051234")]
    [InlineData("DE", "10115")]
    [InlineData("GB", "SW1A 1AA")]
    [InlineData("GB", "sw1a1aa")]
    [InlineData("GB", "M1 1AE")]
    [InlineData("GB", "EC1A 1BB")]
    [InlineData("NL", "1015 CJ")]
    [InlineData("NL", "1015cj")]
    [InlineData("FR", "75001")]
    [InlineData("CA", "K1A 0B1")]
    [InlineData("IE", "D02 X285")]
    [InlineData("PT", "1000-001")]
    [InlineData("JP", "100-0001")]
    [InlineData("SE", " 114 55 ")]
    public void Postal_codes_in_the_format_of_their_country_are_accepted(string country, string postalCode)
    {
        ShouldBeValid(Amsterdam with { Country = country, PostalCode = postalCode });
    }

    [Theory]
    [InlineData("US", "9410")]
    [InlineData("US", "94105-12")]
    [InlineData("US", "ABCDE")]
    [InlineData("DE", "1011")]
    [InlineData("DE", "101150")]
    [InlineData("GB", "SW1A")]
    [InlineData("GB", "12345")]
    [InlineData("NL", "1015")]
    [InlineData("NL", "0123 AB")]
    [InlineData("NL", "1015 C")]
    [InlineData("NL", "1015 CJX")]
    [InlineData("FR", "7")]
    [InlineData("FR", "1234567890123")]
    [InlineData("FR", "75001!")]
    [InlineData("FR", "-75001")]
    [InlineData("US", "٩٤١٠٥")]
    public void Postal_codes_that_cannot_be_right_are_refused_with_the_country_s_rule(string country, string postalCode)
    {
        ShouldReport(Amsterdam with { Country = country, PostalCode = postalCode }, "address.postalCode");
    }

    [Fact]
    public void The_message_says_what_the_country_s_postal_codes_look_like()
    {
        Problems(Amsterdam with { PostalCode = "10150" })!.ShouldReport("address.postalCode", "1234 AB");
        Problems(Amsterdam with { Country = "US", PostalCode = "1" })!.ShouldReport("address.postalCode", "ZIP");
    }

    [Fact]
    public void A_postal_code_with_a_bad_country_is_checked_loosely()
    {
        var failure = Problems(Amsterdam with { Country = "nl", PostalCode = "1015 CJ" }).ShouldNotBeNull();

        failure.ShouldReport("address.country");
        failure.ShouldNotReport("address.postalCode");
    }

    [Theory]
    [InlineData("name", 100)]
    [InlineData("line1", 100)]
    [InlineData("line2", 100)]
    [InlineData("city", 60)]
    [InlineData("region", 60)]
    public void Text_fields_have_length_limits(string field, int maximum)
    {
        ShippingAddress With(string text) => field switch
        {
            "name" => Amsterdam with { Name = text },
            "line1" => Amsterdam with { Line1 = text },
            "line2" => Amsterdam with { Line2 = text },
            "city" => Amsterdam with { City = text },
            _ => Amsterdam with { Region = text },
        };

        ShouldBeValid(With(new string('a', maximum)));
        Problems(With(new string('a', maximum + 1))).ShouldNotBeNull().ShouldReport($"address.{field}", $"at most {maximum}");
    }

    [Fact]
    public void Line_breaks_and_other_control_characters_are_refused()
    {
        ShouldReport(Amsterdam with { Line1 = "Keizersgracht 123\nAttn: CEO" }, "address.line1");
        ShouldReport(Amsterdam with { Name = "Anna\u0000" }, "address.name");
    }

    [Theory]
    [InlineData("+31 20 123 4567", true)]
    [InlineData("(020) 123-4567", true)]
    [InlineData("12", false)]
    [InlineData("call me maybe", false)]
    [InlineData("+31 20 123 4567 890 123 456 789 0123", false)]
    public void A_phone_number_is_optional_but_must_look_like_one(string phone, bool valid)
    {
        var failure = Problems(Amsterdam with { Phone = phone });

        if (valid) failure.ShouldBeNull();
        else failure.ShouldNotBeNull().ShouldReport("address.phone");
    }

    [Fact]
    public void Normalising_trims_drops_blank_parts_and_writes_postal_codes_as_the_country_does()
    {
        var address = new ShippingAddress("  Anna  de Vries ", " Keizersgracht 123", "  ", "Amsterdam ", "1015cj", " ", "NL", null);

        ShippingAddressRules.Normalise(address).ShouldBe(new ShippingAddress("Anna de Vries", "Keizersgracht 123", null, "Amsterdam", "1015 CJ", null, "NL", null));
        ShippingAddressRules.Normalise(Amsterdam with { Country = "GB", PostalCode = "sw1a1aa" }).PostalCode.ShouldBe("SW1A 1AA");
        ShippingAddressRules.Normalise(Amsterdam with { Country = "FR", PostalCode = "75001" }).PostalCode.ShouldBe("75001");
    }
}
