using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters.AlternativePayments;

public sealed class BankTransferReferenceTests
{
    [Theory]
    [InlineData("ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4")]
    [InlineData("SS-2025-000123")]
    [InlineData("Order_Zz-9")]
    [InlineData("zzz")]
    [InlineData("ZZZ")]
    [InlineData("a")]
    [InlineData("42")]
    [InlineData("abcXYZ_-09zZ")]
    public void Leads_back_to_the_order_it_was_made_for(string orderId)
    {
        var reference = BankTransferReference.For(orderId);

        BankTransferReference.TryParse(reference, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(orderId);
    }

    [Fact]
    public void Is_ss_then_the_order_id_in_capitals_and_digits_then_two_check_digits()
    {
        var reference = BankTransferReference.For("ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4");

        reference.ShouldStartWith("SSLORDZ00190A1B2C3D4E5F6A7B8C9D0E1F2A3B4");
        reference.Length.ShouldBe(42);
        reference.ShouldAllBe(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));
        reference[^2..].ShouldAllBe(c => char.IsAsciiDigit(c));
    }

    [Fact]
    public void Writes_an_upper_case_order_number_without_escapes()
    {
        BankTransferReference.For("SS2025000123").ShouldStartWith("SSUSS2025000123");
    }

    [Fact]
    public void Reads_a_reference_as_a_bank_statement_may_show_it_in_lower_case_with_spaces()
    {
        var reference = BankTransferReference.For("ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4");
        var asPrinted = string.Join(' ', reference.ToLowerInvariant().Chunk(4).Select(c => new string(c)));

        BankTransferReference.TryParse(asPrinted, out var orderId).ShouldBeTrue();
        orderId.ShouldBe("ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4");
    }

    [Fact]
    public void Refuses_a_reference_with_one_character_mistyped()
    {
        var reference = BankTransferReference.For("ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4");
        var mistyped = reference[..10] + (reference[10] == '7' ? '8' : '7') + reference[11..];

        BankTransferReference.TryParse(mistyped, out var orderId).ShouldBeFalse();
        orderId.ShouldBeNull();
    }

    [Fact]
    public void Refuses_a_reference_with_two_neighbouring_characters_swapped()
    {
        var reference = BankTransferReference.For("ord_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4");
        var swapped = reference[..12] + reference[13] + reference[12] + reference[14..];
        swapped.ShouldNotBe(reference);

        BankTransferReference.TryParse(swapped, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("SS")]
    [InlineData("INVOICE 2025-17")]
    [InlineData("SSLORD!0190")]
    [InlineData("XXLORDZ0019001")]
    public void Refuses_what_the_shop_did_not_issue(string? reference)
    {
        BankTransferReference.TryParse(reference, out var orderId).ShouldBeFalse();
        orderId.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("ord 1")]
    [InlineData("ord/1")]
    public void Will_not_make_a_reference_for_an_id_the_shop_does_not_issue(string orderId)
    {
        Should.Throw<ArgumentException>(() => BankTransferReference.For(orderId));
    }
}
