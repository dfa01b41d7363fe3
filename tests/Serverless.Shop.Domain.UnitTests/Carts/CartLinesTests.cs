using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>A cart's lines (ManageCarts): adding with variant and stock checks, updating, removing, clearing, and changes under concurrency.</summary>
public sealed class CartLinesTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly CartTestBed _bed = new();

    [Fact]
    public async Task Adding_a_line_checks_the_variant_and_stock_and_renews_the_carts_expiry()
    {
        var (id, guest) = await _bed.NewGuestCart();
        _bed.Clock = new FixedClock(Now.AddDays(10));

        var view = await _bed.Add(id, guest, quantity: 2);

        view.Value.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            l => l.Sku.ShouldBe("MUG-RED"), l => l.Quantity.ShouldBe(2), l => l.ProductId.ShouldBe(CartTestBed.MugId), l => l.AddedAt.ShouldBe(Now.AddDays(10)));
        _bed.Stored(id).ExpiresAt.ShouldBe(Now.AddDays(40));
        view.Version.ShouldBe(_bed.Store.Current(id)!.Version);
    }

    [Fact]
    public async Task The_sku_is_read_in_upper_case_and_adding_the_same_variant_again_adds_to_its_line()
    {
        var (id, guest) = await _bed.NewGuestCart();

        await _bed.Add(id, guest, quantity: 2, sku: " mug-red ");
        var view = await _bed.Add(id, guest, quantity: 3);

        view.Value.Lines.ShouldHaveSingleItem().Quantity.ShouldBe(5);
    }

    [Fact]
    public async Task Asking_for_more_than_is_in_stock_is_refused_with_the_number_available_and_changes_nothing()
    {
        var (id, guest) = await _bed.NewGuestCart();
        await _bed.Add(id, guest, quantity: 2, sku: "MUG-BLUE");
        var writes = _bed.Store.Writes;

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Add(id, guest, quantity: 2, sku: "MUG-BLUE"));

        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("Only 3 of MUG-BLUE");
        _bed.Store.Writes.ShouldBe(writes);
        _bed.Stored(id).QuantityOf("MUG-BLUE").ShouldBe(2);
    }

    [Fact]
    public async Task A_variant_with_no_stock_record_is_out_of_stock()
    {
        _bed.Products.Add(ProductRules.Build(CatalogExamples.MugInput() with { Status = ProductStatus.Active, Variants = [CatalogExamples.Variant("NEW-1")] },
            "prod_new", null, CatalogExamples.Categories, CatalogExamples.ManualCollectionIds, "EUR", Now));
        var (id, guest) = await _bed.NewGuestCart();

        (await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Add(id, guest, sku: "NEW-1", productId: "prod_new"))).Message.ShouldContain("out of stock");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public async Task A_quantity_outside_1_to_999_is_refused_before_anything_is_read(int? quantity)
    {
        var (id, guest) = await _bed.NewGuestCart();
        var reads = _bed.Store.Reads;

        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, quantity: quantity))).ShouldReport("quantity");
        _bed.Store.Reads.ShouldBe(reads);
    }

    [Fact]
    public async Task Missing_and_malformed_product_and_sku_are_each_named()
    {
        var (id, guest) = await _bed.NewGuestCart();

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, sku: null, productId: null));
        failure.ShouldReport("sku");
        failure.ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, sku: "BAD SKU!"))).ShouldReport("sku");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, productId: "prod/../x"))).ShouldReport("productId");
    }

    [Fact]
    public async Task An_unknown_product_a_product_not_for_sale_and_a_sku_of_another_product_are_refused_and_nothing_is_written()
    {
        _bed.Products.Add(CartTestBed.Mug("prod_draft", ProductStatus.Draft));
        _bed.Products.Add(CartTestBed.Mug("prod_archived", ProductStatus.Archived));
        var (id, guest) = await _bed.NewGuestCart();
        var writes = _bed.Store.Writes;

        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, productId: "prod_nope"))).ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, productId: "prod_draft"))).ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, productId: "prod_archived"))).ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Add(id, guest, sku: "TEE-S"))).ShouldReport("sku", "is not a variant of product prod_mug");
        _bed.Store.Writes.ShouldBe(writes);
    }

    [Fact]
    public async Task Two_adds_at_once_both_land()
    {
        var (id, guest) = await _bed.NewGuestCart();
        // The other request writes between this one's read and write.
        _bed.Store.BeforeReplace = _ =>
        {
            var current = _bed.Store.Current(id)!.Value;
            _bed.Store.Put(current.AddLine(CartTestBed.MugId, "MUG-BLUE", 1, "line_other", Now));
        };

        var view = await _bed.Add(id, guest, quantity: 2);

        view.Value.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-BLUE", 1), ("MUG-RED", 2)]);
        _bed.Store.Conflicts.ShouldBe(1);
        _bed.Stored(id).Lines.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_retried_add_rechecks_stock_against_what_the_other_request_added()
    {
        var (id, guest) = await _bed.NewGuestCart();
        _bed.Store.BeforeReplace = _ => _bed.Store.Put(_bed.Store.Current(id)!.Value.AddLine(CartTestBed.MugId, "MUG-BLUE", 2, "line_other", Now));

        await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Add(id, guest, quantity: 2, sku: "MUG-BLUE"));
        _bed.Stored(id).QuantityOf("MUG-BLUE").ShouldBe(2);
    }

    [Fact]
    public async Task A_cart_that_keeps_changing_under_a_request_answers_busy_after_a_few_attempts()
    {
        var (id, guest) = await _bed.NewGuestCart();
        _bed.Store.AlwaysConflict = true;

        await Should.ThrowAsync<BusyResourceException>(() => _bed.Add(id, guest));
        _bed.Store.Conflicts.ShouldBe(8);
    }

    [Fact]
    public async Task An_if_match_of_an_older_version_is_refused_and_not_retried()
    {
        var (id, guest) = await _bed.NewGuestCart();
        var before = _bed.Store.Current(id)!.Version;
        await _bed.Add(id, guest);

        await Should.ThrowAsync<StaleVersionException>(() => _bed.Add(id, guest, ifMatch: before));
        _bed.Stored(id).QuantityOf("MUG-RED").ShouldBe(1);
        (await _bed.Add(id, guest, ifMatch: _bed.Store.Current(id)!.Version)).Value.Lines[0].Quantity.ShouldBe(2);
    }

    [Fact]
    public async Task A_cart_merged_away_while_a_change_retries_is_not_found()
    {
        var (id, guest) = await _bed.NewGuestCart();
        _bed.Store.BeforeReplace = _ => _bed.Store.DeleteAsync(id, None);

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Add(id, guest));
    }

    [Fact]
    public async Task Updating_a_line_sets_its_quantity_within_stock()
    {
        var (id, guest) = await _bed.NewGuestCart();
        var lineId = (await _bed.Add(id, guest, sku: "MUG-BLUE")).Value.Lines[0].LineId;

        (await _bed.Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(3), guest, null, None)).Value.Lines[0].Quantity.ShouldBe(3);
        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => _bed.Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(4), guest, null, None));
        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("Only 3");
        _bed.Stored(id).QuantityOf("MUG-BLUE").ShouldBe(3);
    }

    [Fact]
    public async Task Updating_a_line_to_zero_removes_it()
    {
        var (id, guest) = await _bed.NewGuestCart();
        var lineId = (await _bed.Add(id, guest)).Value.Lines[0].LineId;

        (await _bed.Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(0), guest, null, None)).Value.Lines.ShouldBeEmpty();
        _bed.Stored(id).Lines.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    [InlineData(1000)]
    public async Task Updating_to_a_quantity_outside_0_to_999_is_refused(int? quantity)
    {
        var (id, guest) = await _bed.NewGuestCart();
        var lineId = (await _bed.Add(id, guest)).Value.Lines[0].LineId;

        (await Should.ThrowAsync<ValidationFailedException>(() => _bed.Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(quantity), guest, null, None))).ShouldReport("quantity");
        _bed.Stored(id).QuantityOf("MUG-RED").ShouldBe(1);
    }

    [Fact]
    public async Task Updating_or_removing_a_line_the_cart_does_not_have_is_not_found()
    {
        var (id, guest) = await _bed.NewGuestCart();

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.UpdateLineAsync(id, "line_nope", new UpdateCartLineInput(1), guest, null, None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.RemoveLineAsync(id, "line_nope", guest, null, None));
    }

    [Fact]
    public async Task Removing_a_line_and_clearing_the_cart()
    {
        var (id, guest) = await _bed.NewGuestCart();
        var red = (await _bed.Add(id, guest)).Value.Lines[0].LineId;
        await _bed.Add(id, guest, sku: "MUG-BLUE");

        (await _bed.Carts.RemoveLineAsync(id, red, guest, null, None)).Value.Lines.ShouldHaveSingleItem().Sku.ShouldBe("MUG-BLUE");
        (await _bed.Carts.ClearAsync(id, guest, null, None)).Value.Lines.ShouldBeEmpty();
        _bed.Stored(id).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task Clearing_an_empty_cart_writes_nothing()
    {
        var (id, guest) = await _bed.NewGuestCart();
        var writes = _bed.Store.Writes;

        await _bed.Carts.ClearAsync(id, guest, null, None);

        _bed.Store.Writes.ShouldBe(writes);
    }
}
