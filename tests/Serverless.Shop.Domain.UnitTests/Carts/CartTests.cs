using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>The cart's own rules: lines, quantities, codes, limits, expiry, and merging an anonymous cart into a customer's.</summary>
public sealed class CartTests
{
    [Fact]
    public void Adding_a_variant_makes_a_line_with_its_quantity_and_the_time_it_was_added()
    {
        var cart = Anonymous().AddLine("prod_mug", "MUG-RED", 2, "line_1", Now);

        cart.Lines.ShouldBe([new CartLine("line_1", "prod_mug", "MUG-RED", 2, Now)]);
    }

    [Fact]
    public void Adding_a_variant_already_in_the_cart_adds_units_to_its_line_instead_of_a_second_line()
    {
        var cart = Anonymous().AddLine("prod_mug", "MUG-RED", 2, "line_1", Now).AddLine("prod_mug", "MUG-RED", 3, "line_2", Now.AddMinutes(5));

        var line = cart.Lines.ShouldHaveSingleItem();
        line.LineId.ShouldBe("line_1");
        line.Quantity.ShouldBe(5);
        line.AddedAt.ShouldBe(Now);
    }

    [Fact]
    public void Different_variants_get_their_own_lines_in_the_order_they_were_added()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 1), ("MUG-BLUE", 1), ("TEE-S", 4));

        cart.Lines.Select(l => l.Sku).ShouldBe(["MUG-RED", "MUG-BLUE", "TEE-S"]);
        cart.QuantityOf("TEE-S").ShouldBe(4);
    }

    [Fact]
    public void A_line_holds_at_most_999_units_however_they_are_added()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 990));

        cart.AddLine("prod_mug-red", "MUG-RED", 9, "line_x", Now).Lines.Single().Quantity.ShouldBe(999);
        var refusal = Should.Throw<BusinessRuleViolationException>(() => cart.AddLine("prod_mug-red", "MUG-RED", 10, "line_x", Now));
        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("990");
    }

    [Fact]
    public void A_cart_holds_at_most_100_lines_but_a_full_cart_still_takes_more_units_of_a_variant_it_has()
    {
        var full = Anonymous().WithLines(Enumerable.Range(1, Cart.MaximumLines).Select(i => ($"SKU-{i}", 1)).ToArray());

        var refusal = Should.Throw<BusinessRuleViolationException>(() => full.AddLine("prod_new", "SKU-NEW", 1, "line_new", Now));
        refusal.Field.ShouldBe("lines");
        full.AddLine("prod_sku-7", "SKU-7", 2, "line_again", Now).QuantityOf("SKU-7").ShouldBe(3);
    }

    [Fact]
    public void Setting_a_quantity_changes_only_that_line()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 1), ("TEE-S", 1)).SetQuantity("line_tee-s", 7);

        cart.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-RED", 1), ("TEE-S", 7)]);
    }

    [Fact]
    public void Setting_a_quantity_of_zero_removes_the_line()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 1), ("TEE-S", 1)).SetQuantity("line_mug-red", 0);

        cart.Lines.ShouldHaveSingleItem().Sku.ShouldBe("TEE-S");
    }

    [Fact]
    public void Setting_the_quantity_a_line_already_has_changes_nothing()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 2));

        cart.SetQuantity("line_mug-red", 2).ShouldBeSameAs(cart);
    }

    [Fact]
    public void Changing_or_removing_a_line_the_cart_does_not_have_is_not_found()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 2));

        Should.Throw<ResourceNotFoundException>(() => cart.SetQuantity("line_nope", 1));
        Should.Throw<ResourceNotFoundException>(() => cart.RemoveLine("line_nope"));
    }

    [Fact]
    public void Removing_a_line_keeps_the_others()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 1), ("TEE-S", 2), ("CAP", 3)).RemoveLine("line_tee-s");

        cart.Lines.Select(l => l.Sku).ShouldBe(["MUG-RED", "CAP"]);
    }

    [Fact]
    public void Clearing_removes_every_line_but_keeps_the_codes_and_where_it_ships()
    {
        var cart = Anonymous().WithLines(("MUG-RED", 1), ("TEE-S", 2)).WithCodes("WELCOME10").WithShipTo(new TaxLocation("DE", null)).Clear();

        cart.Lines.ShouldBeEmpty();
        cart.Codes.ShouldBe(["WELCOME10"]);
        cart.ShipTo.ShouldBe(new TaxLocation("DE", null));
    }

    [Fact]
    public void Clearing_an_empty_cart_changes_nothing()
    {
        var cart = Anonymous();
        cart.Clear().ShouldBeSameAs(cart);
    }

    [Fact]
    public void A_code_is_on_the_cart_once_however_often_it_is_added()
    {
        var cart = Anonymous().WithCodes("WELCOME10");

        cart.AddCode("WELCOME10").ShouldBeSameAs(cart);
        cart.Codes.ShouldBe(["WELCOME10"]);
    }

    [Fact]
    public void A_sixth_code_is_refused_naming_the_code_field()
    {
        var cart = Anonymous().WithCodes("A1", "A2", "A3", "A4", "A5");

        Should.Throw<BusinessRuleViolationException>(() => cart.AddCode("A6")).Field.ShouldBe("code");
        cart.AddCode("A3").ShouldBeSameAs(cart);
    }

    [Fact]
    public void Removing_a_code_keeps_the_others_and_a_code_not_on_the_cart_is_not_found()
    {
        var cart = Anonymous().WithCodes("A1", "A2", "A3");

        cart.RemoveCode("A2").Codes.ShouldBe(["A1", "A3"]);
        Should.Throw<ResourceNotFoundException>(() => cart.RemoveCode("ZZ"));
    }

    [Fact]
    public void Every_change_moves_the_expiry_to_the_inactivity_window_after_it()
    {
        var cart = Anonymous();
        cart.ExpiresAt.ShouldBe(Now + Inactivity);
        cart.IsExpiredAt(Now + Inactivity - TimeSpan.FromSeconds(1)).ShouldBeFalse();
        cart.IsExpiredAt(Now + Inactivity).ShouldBeTrue();

        var touched = cart.Touch(Now.AddDays(20), Inactivity);

        touched.UpdatedAt.ShouldBe(Now.AddDays(20));
        touched.ExpiresAt.ShouldBe(Now.AddDays(50));
        touched.CreatedAt.ShouldBe(Now);
    }

    [Fact]
    public void Merging_adds_up_units_of_the_same_variant_and_appends_the_other_lines()
    {
        var target = OfCustomer(Alice).WithLines(("MUG-RED", 2), ("TEE-S", 1));
        var source = Anonymous().WithLines(("MUG-RED", 3), ("CAP", 1));

        var (merged, warnings) = target.MergeFrom(source);

        merged.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-RED", 5), ("TEE-S", 1), ("CAP", 1)]);
        warnings.ShouldBeEmpty();
        merged.CustomerId.ShouldBe(Alice.Id);
        merged.Id.ShouldBe(target.Id);
    }

    [Fact]
    public void Merging_caps_a_line_at_999_and_says_so()
    {
        var (merged, warnings) = OfCustomer(Alice).WithLines(("MUG-RED", 600)).MergeFrom(Anonymous().WithLines(("MUG-RED", 500)));

        merged.QuantityOf("MUG-RED").ShouldBe(999);
        var warning = warnings.ShouldHaveSingleItem();
        warning.Kind.ShouldBe(CartWarning.QuantityCapped);
        warning.Sku.ShouldBe("MUG-RED");
    }

    [Fact]
    public void Merging_unites_the_codes_up_to_five_and_names_the_ones_left_out()
    {
        var target = OfCustomer(Alice).WithCodes("A1", "A2", "A3", "A4");
        var source = Anonymous().WithCodes("A2", "B1", "B2");

        var (merged, warnings) = target.MergeFrom(source);

        merged.Codes.ShouldBe(["A1", "A2", "A3", "A4", "B1"]);
        warnings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            w => w.Kind.ShouldBe(CartWarning.CodeDropped),
            w => w.Code.ShouldBe("B2"));
    }

    [Fact]
    public void Merging_into_a_full_cart_leaves_new_lines_out_with_a_warning_but_still_adds_units_to_lines_it_has()
    {
        var target = OfCustomer(Alice).WithLines(Enumerable.Range(1, Cart.MaximumLines).Select(i => ($"SKU-{i}", 1)).ToArray());
        var source = Anonymous().WithLines(("SKU-1", 2), ("SKU-NEW", 1));

        var (merged, warnings) = target.MergeFrom(source);

        merged.Lines.Count.ShouldBe(Cart.MaximumLines);
        merged.QuantityOf("SKU-1").ShouldBe(3);
        warnings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(w => w.Kind.ShouldBe(CartWarning.LineDropped), w => w.Sku.ShouldBe("SKU-NEW"));
    }

    [Fact]
    public void Merging_keeps_the_customers_ship_to_and_takes_the_anonymous_one_only_when_the_customer_has_none()
    {
        var anonymous = Anonymous().WithShipTo(new TaxLocation("FR", null));

        OfCustomer(Alice).WithShipTo(new TaxLocation("DE", "BY")).MergeFrom(anonymous).Cart.ShipTo.ShouldBe(new TaxLocation("DE", "BY"));
        OfCustomer(Alice).MergeFrom(anonymous).Cart.ShipTo.ShouldBe(new TaxLocation("FR", null));
    }

    [Fact]
    public void A_cart_merged_once_is_remembered_so_merging_it_again_adds_nothing()
    {
        var source = Anonymous().WithLines(("MUG-RED", 3));
        var (once, _) = OfCustomer(Alice).WithLines(("MUG-RED", 1)).MergeFrom(source);

        var (twice, warnings) = once.MergeFrom(source);

        twice.ShouldBeSameAs(once);
        twice.QuantityOf("MUG-RED").ShouldBe(4);
        warnings.ShouldBeEmpty();
        once.MergedCartIds.ShouldBe([source.Id]);
    }

    [Fact]
    public void A_cart_remembers_only_its_latest_merges()
    {
        var cart = OfCustomer(Alice);
        for (var i = 0; i < Cart.MergedCartsRemembered + 5; i++) cart = cart.MergeFrom(Anonymous($"cart_anon{i}")).Cart;

        cart.MergedCartIds.Count.ShouldBe(Cart.MergedCartsRemembered);
        cart.MergedCartIds[^1].ShouldBe($"cart_anon{Cart.MergedCartsRemembered + 4}");
    }

    [Fact]
    public void A_merged_line_whose_id_the_cart_already_uses_gets_a_new_id()
    {
        var target = OfCustomer(Alice).AddLine("prod_a", "A", 1, "line_same", Now);
        var source = Anonymous().AddLine("prod_b", "B", 1, "line_same", Now);

        var merged = target.MergeFrom(source).Cart;

        merged.Lines.Select(l => l.LineId).Distinct().Count().ShouldBe(2);
        merged.FindLine("line_same")!.Sku.ShouldBe("A");
    }
}
