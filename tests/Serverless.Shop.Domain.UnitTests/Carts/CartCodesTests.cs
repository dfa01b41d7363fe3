using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>Discount codes on a cart (CartCodes).</summary>
public sealed class CartCodesTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly CartTestBed _bed = new();

    [Fact]
    public async Task A_code_the_shop_does_not_know_is_refused_and_not_kept()
    {
        var (id, guest) = await _bed.NewGuestCart();

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Codes.AddCodeAsync(id, new AddCartCodeInput("NOSUCH"), guest, null, None));

        failure.ShouldReport("code", "not a discount code");
        _bed.Stored(id).Codes.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_known_code_that_does_not_apply_now_stays_on_the_cart_and_the_pricing_says_why()
    {
        _bed.Promotions.AddCode("SPRING", enabled: false);
        _bed.Pricing.Rejections["SPRING"] = "The promotion is paused.";
        var (id, guest) = await _bed.NewGuestCart();

        var view = await _bed.Codes.AddCodeAsync(id, new AddCartCodeInput(" spring "), guest, null, None);

        view.Value.Codes.ShouldBe(["SPRING"]);
        view.Value.Pricing.RejectedCodes.ShouldBe([new CodeRejection("SPRING", "The promotion is paused.")]);
    }

    [Fact]
    public async Task A_sixth_code_is_refused_before_looking_it_up()
    {
        var (id, guest) = await _bed.NewGuestCart();
        foreach (var code in new[] { "CODE1", "CODE2", "CODE3", "CODE4", "CODE5", "CODE6" }) _bed.Promotions.AddCode(code);
        foreach (var code in new[] { "CODE1", "CODE2", "CODE3", "CODE4", "CODE5" }) await _bed.Codes.AddCodeAsync(id, new AddCartCodeInput(code), guest, null, None);
        var lookups = _bed.Promotions.Lookups;

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Codes.AddCodeAsync(id, new AddCartCodeInput("CODE6"), guest, null, None));

        refusal.Field.ShouldBe("code");
        _bed.Promotions.Lookups.ShouldBe(lookups);
        _bed.Stored(id).Codes.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Adding_a_code_the_cart_has_changes_nothing_and_looks_nothing_up()
    {
        _bed.Promotions.AddCode("WELCOME10");
        var (id, guest) = await _bed.NewGuestCart();
        await _bed.Codes.AddCodeAsync(id, new AddCartCodeInput("WELCOME10"), guest, null, None);
        var (writes, lookups) = (_bed.Store.Writes, _bed.Promotions.Lookups);

        await _bed.Codes.AddCodeAsync(id, new AddCartCodeInput("welcome10"), guest, null, None);

        (_bed.Store.Writes, _bed.Promotions.Lookups).ShouldBe((writes, lookups));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AB")]
    [InlineData("HAS SPACE")]
    [InlineData("<script>")]
    [InlineData("A_CODE_LONGER_THAN_THIRTY_TWO_CHARS")]
    public async Task A_malformed_code_is_refused_naming_the_code(string? code)
    {
        var (id, guest) = await _bed.NewGuestCart();
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Codes.AddCodeAsync(id, new AddCartCodeInput(code), guest, null, None))).ShouldReport("code");
    }

    [Fact]
    public async Task Removing_a_code_in_any_case_and_a_code_not_on_the_cart_is_not_found()
    {
        _bed.Promotions.AddCode("WELCOME10");
        var (id, guest) = await _bed.NewGuestCart();
        await _bed.Codes.AddCodeAsync(id, new AddCartCodeInput("WELCOME10"), guest, null, None);

        (await _bed.Codes.RemoveCodeAsync(id, "welcome10", guest, null, None)).Value.Codes.ShouldBeEmpty();
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Codes.RemoveCodeAsync(id, "WELCOME10", guest, null, None));
    }
}
