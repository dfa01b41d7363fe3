using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>Who may open which cart, and the ids and tokens that keep carts private.</summary>
public sealed class CartAccessTests
{
    [Fact]
    public void An_anonymous_cart_opens_with_its_token_and_with_nothing_else()
    {
        var cart = Anonymous();

        new CartAccess(Actor.Anonymous, Token).CanChange(cart).ShouldBeTrue();
        new CartAccess(Actor.Anonymous, "another-token").CanChange(cart).ShouldBeFalse();
        new CartAccess(Actor.Anonymous, null).CanChange(cart).ShouldBeFalse();
        new CartAccess(Actor.Anonymous, "").CanRead(cart).ShouldBeFalse();
    }

    [Fact]
    public void A_signed_in_shopper_opens_an_anonymous_cart_with_its_token_too_as_happens_just_before_merging()
    {
        new CartAccess(Alice, Token).CanChange(Anonymous()).ShouldBeTrue();
        new CartAccess(Alice, null).CanChange(Anonymous()).ShouldBeFalse();
    }

    [Fact]
    public void A_customer_cart_is_its_customers_alone()
    {
        var cart = OfCustomer(Alice);

        new CartAccess(Alice, null).CanChange(cart).ShouldBeTrue();
        new CartAccess(Bob, null).CanRead(cart).ShouldBeFalse();
        new CartAccess(Actor.Anonymous, null).CanRead(cart).ShouldBeFalse();
        // A token opens anonymous carts only, whatever it is.
        new CartAccess(Actor.Anonymous, Token).CanRead(cart with { TokenHash = CartRules.HashToken(Token) }).ShouldBeFalse();
    }

    [Fact]
    public void The_same_subject_without_the_customer_role_does_not_own_the_customers_cart()
    {
        var sameIdNoRole = new Actor(Alice.Id, [ShopRoles.Marketer]);

        new CartAccess(sameIdNoRole, null).CanRead(OfCustomer(Alice)).ShouldBeFalse();
        new CartAccess(sameIdNoRole, null).CustomerId.ShouldBeNull();
    }

    [Fact]
    public void Support_and_admins_may_read_any_cart_but_change_none()
    {
        foreach (var staff in new[] { Support, new Actor("staff_ada", [ShopRoles.Admin]) })
        {
            new CartAccess(staff, null).CanRead(OfCustomer(Alice)).ShouldBeTrue();
            new CartAccess(staff, null).CanRead(Anonymous()).ShouldBeTrue();
            new CartAccess(staff, null).CanChange(OfCustomer(Alice)).ShouldBeFalse();
            new CartAccess(staff, null).CanChange(Anonymous()).ShouldBeFalse();
        }
        new CartAccess(Merchandiser, null).CanRead(OfCustomer(Alice)).ShouldBeFalse();
    }

    [Fact]
    public void Only_a_signed_in_customer_gets_a_customer_cart()
    {
        new CartAccess(Alice, null).CustomerId.ShouldBe(Alice.Id);
        new CartAccess(Support, null).CustomerId.ShouldBeNull();
        new CartAccess(Actor.Anonymous, null).CustomerId.ShouldBeNull();
        new CartAccess(Actor.Anonymous, null).IsSignedIn.ShouldBeFalse();
        new CartAccess(Support, null).IsSignedIn.ShouldBeTrue();
    }

    [Fact]
    public void Cart_ids_are_128_random_bits_that_reveal_nothing_about_each_other()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => CartRules.NewCartId()).ToList();

        ids.Distinct().Count().ShouldBe(1000);
        ids.ShouldAllBe(id => id.Length == 31 && id.StartsWith("cart_") && id.Substring(5).All(c => "abcdefghijklmnopqrstuvwxyz234567".Contains(c)));
        ids.ShouldAllBe(id => CartRules.IsCartId(id));
        // Not time-ordered like other ids: consecutive ids share no prefix beyond chance.
        ids.Zip(ids.Skip(1)).Count(p => p.First[5..9] == p.Second[5..9]).ShouldBeLessThan(5);
    }

    [Theory]
    [InlineData("prod_0190a1b2")]
    [InlineData("customer-cart_abc")]
    [InlineData("cart_../x")]
    [InlineData("")]
    public void Only_cart_ids_name_carts(string id) => CartRules.IsCartId(id).ShouldBeFalse();

    [Fact]
    public void Only_the_hash_of_a_token_is_kept_and_it_matches_only_that_token()
    {
        var token = CartRules.NewToken();
        var hash = CartRules.HashToken(token);

        hash.ShouldNotContain(token);
        hash.Length.ShouldBe(64);
        CartRules.TokenMatches(token, hash).ShouldBeTrue();
        CartRules.TokenMatches(token + "x", hash).ShouldBeFalse();
        CartRules.TokenMatches(token, null).ShouldBeFalse();
        CartRules.NewToken().ShouldNotBe(token);
        token.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
    }

    [Fact]
    public void A_ship_to_place_is_a_two_letter_country_and_an_optional_region_normalised_to_upper_case()
    {
        var v = new Validator();

        CartRules.ShipTo(new ShipToInput(" de ", " by "), "", v).ShouldBe(new TaxLocation("DE", "BY"));
        CartRules.ShipTo(new ShipToInput("US", "  "), "", v).ShouldBe(new TaxLocation("US", null));
        v.IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, null, "shipTo.country")]
    [InlineData("DEU", null, "shipTo.country")]
    [InlineData("D1", null, "shipTo.country")]
    [InlineData("DE", "A REGION", "shipTo.region")]
    [InlineData("DE", "TOOLONGREGION", "shipTo.region")]
    public void A_bad_ship_to_place_names_the_field_at_fault(string? country, string? region, string field)
    {
        var v = new Validator();

        CartRules.ShipTo(new ShipToInput(country, region), "shipTo", v).ShouldBeNull();
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).Errors.Keys.ShouldBe([field]);
    }
}
