using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>The cart use cases: creating and opening carts, lines with stock checks, codes, ship-to, expiry, concurrency.</summary>
public sealed class ManageCartsTests
{
    private const string MugId = "prod_mug";
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly InMemoryCartStore _carts = new();
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryInventoryStore _inventory = new();
    private readonly FakePromotionCatalog _promotions = new();
    private readonly FakeCartPricing _pricing = new();
    private TimeProvider _clock = new FixedClock();

    public ManageCartsTests()
    {
        _products.Add(Mug(MugId, ProductStatus.Active));
        Stock("MUG-RED", 50);
        Stock("MUG-BLUE", 3);
    }

    // Built per call so a test can move the clock; ManageStock is built in this one place.
    private ManageCarts Carts => new(_carts, _products, new ManageStock(_inventory, InMemoryWarehouseStore.WithMain(), new RecordingWorkQueue(), _clock), _promotions, _pricing,
        new CartSettings(30), new ShopSettings("EUR"), _clock);

    private static Product Mug(string id, ProductStatus status) =>
        ProductRules.Build(CatalogExamples.MugInput() with { Status = status, Variants = [CatalogExamples.Variant("MUG-RED", options: CatalogExamples.Options(("colour", "red"))), CatalogExamples.Variant("MUG-BLUE", options: CatalogExamples.Options(("colour", "blue")))] },
            id, null, CatalogExamples.Categories, CatalogExamples.ManualCollectionIds, "EUR", Now.AddDays(-10));

    private void Stock(string sku, int units) =>
        _inventory.Add(StockItem.Empty(sku).Apply("adj_" + sku, ManageStock.DefaultWarehouse, units, AdjustmentReason.Count, null, "test", Now));

    private async Task<(string Id, CartAccess Access)> NewGuestCart()
    {
        var creation = await Carts.CreateAsync(null, new CartAccess(Actor.Anonymous, null), None);
        return (creation.Cart.Value.Id, new CartAccess(Actor.Anonymous, creation.Cart.Value.CartToken));
    }

    private Task<Versioned<CartView>> Add(string cartId, CartAccess access, int? quantity = 1, string? sku = "MUG-RED", string? productId = MugId, string? ifMatch = null) =>
        Carts.AddLineAsync(cartId, new AddCartLineInput(productId, sku, quantity), access, ifMatch, None);

    private Cart Stored(string id) => _carts.Current(id).ShouldNotBeNull().Value;

    [Fact]
    public async Task A_new_anonymous_cart_comes_with_its_token_once_and_only_the_tokens_hash_is_stored()
    {
        var creation = await Carts.CreateAsync(null, new CartAccess(Actor.Anonymous, null), None);

        creation.IsNew.ShouldBeTrue();
        var token = creation.Cart.Value.CartToken.ShouldNotBeNull();
        var stored = Stored(creation.Cart.Value.Id);
        stored.CustomerId.ShouldBeNull();
        stored.TokenHash.ShouldBe(CartRules.HashToken(token));
        stored.ExpiresAt.ShouldBe(Now.AddDays(30));
        stored.Currency.ShouldBe("EUR");

        var read = await Carts.GetAsync(stored.Id, new CartAccess(Actor.Anonymous, token), None);
        read.Value.CartToken.ShouldBeNull();
    }

    [Fact]
    public async Task A_cart_can_be_created_with_where_it_ships_and_a_bad_place_creates_nothing()
    {
        var creation = await Carts.CreateAsync(new CreateCartInput(new ShipToInput("at", null)), new CartAccess(Actor.Anonymous, null), None);
        creation.Cart.Value.ShipTo.ShouldBe(new TaxLocation("AT", null));

        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            Carts.CreateAsync(new CreateCartInput(new ShipToInput("Austria", null)), new CartAccess(Actor.Anonymous, null), None));
        failure.ShouldReport("shipTo.country");
        _carts.All.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_signed_in_customer_has_one_cart_and_creating_again_returns_it()
    {
        var first = await Carts.CreateAsync(null, new CartAccess(Alice, null), None);
        var second = await Carts.CreateAsync(null, new CartAccess(Alice, null), None);

        first.IsNew.ShouldBeTrue();
        second.IsNew.ShouldBeFalse();
        second.Cart.Value.Id.ShouldBe(first.Cart.Value.Id);
        first.Cart.Value.CustomerId.ShouldBe(Alice.Id);
        first.Cart.Value.CartToken.ShouldBeNull();
        Stored(first.Cart.Value.Id).TokenHash.ShouldBeNull();
        (await Carts.GetCustomerCartAsync(new CartAccess(Alice, null), None)).Value.Id.ShouldBe(first.Cart.Value.Id);
    }

    [Fact]
    public async Task A_customer_without_a_cart_has_none_to_show()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetCustomerCartAsync(new CartAccess(Alice, null), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetCustomerCartAsync(new CartAccess(Support, null), None));
    }

    [Fact]
    public async Task A_customer_whose_cart_expired_gets_a_new_one()
    {
        var old = await Carts.CreateAsync(null, new CartAccess(Alice, null), None);
        _clock = new FixedClock(Now.AddDays(31));

        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetCustomerCartAsync(new CartAccess(Alice, null), None));
        var fresh = await Carts.CreateAsync(null, new CartAccess(Alice, null), None);

        fresh.IsNew.ShouldBeTrue();
        fresh.Cart.Value.Id.ShouldNotBe(old.Cart.Value.Id);
        _carts.CustomerCartId(Alice.Id).ShouldBe(fresh.Cart.Value.Id);
    }

    [Fact]
    public async Task When_two_requests_create_a_customers_cart_at_once_both_end_with_the_same_cart_and_no_spare_one_is_left()
    {
        var winner = OfCustomer(Alice, "cart_winner");
        _carts.BeforeSetCustomerCart = _ =>
        {
            _carts.Put(winner);
            _carts.PointCustomerTo(Alice.Id, winner.Id);
        };

        var creation = await Carts.CreateAsync(null, new CartAccess(Alice, null), None);

        creation.Cart.Value.Id.ShouldBe("cart_winner");
        creation.IsNew.ShouldBeFalse();
        _carts.All.ShouldHaveSingleItem().Id.ShouldBe("cart_winner");
    }

    [Fact]
    public async Task Staff_and_guests_creating_a_cart_get_an_anonymous_one()
    {
        var creation = await Carts.CreateAsync(null, new CartAccess(Support, null), None);

        creation.Cart.Value.CustomerId.ShouldBeNull();
        creation.Cart.Value.CartToken.ShouldNotBeNull();
    }

    [Fact]
    public async Task Reading_a_cart_prices_it_on_the_server_with_its_lines_codes_customer_and_ship_to()
    {
        var customerCart = (await Carts.CreateAsync(new CreateCartInput(new ShipToInput("DE", "BY")), new CartAccess(Alice, null), None)).Cart.Value.Id;
        _promotions.AddCode("WELCOME10");
        await Add(customerCart, new CartAccess(Alice, null), quantity: 3);
        await Carts.AddCodeAsync(customerCart, new AddCartCodeInput("welcome10"), new CartAccess(Alice, null), null, None);

        var view = await Carts.GetAsync(customerCart, new CartAccess(Alice, null), None);

        var request = _pricing.LastRequest;
        request.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            l => l.ProductId.ShouldBe(MugId), l => l.Sku.ShouldBe("MUG-RED"), l => l.Quantity.ShouldBe(3), l => l.LineId.ShouldBe(view.Value.Lines[0].LineId));
        request.Codes.ShouldBe(["WELCOME10"]);
        request.CustomerId.ShouldBe(Alice.Id);
        request.TaxLocation.ShouldBe(new TaxLocation("DE", "BY"));
        request.ShippingFee.ShouldBeNull();
        view.Value.Pricing.Total.ShouldBe(new Money(30m, "EUR"));
    }

    [Fact]
    public async Task A_line_pricing_cannot_sell_comes_with_a_warning()
    {
        var (id, guest) = await NewGuestCart();
        await Add(id, guest);
        _pricing.Problems["MUG-RED"] = "The product is no longer sold.";

        var view = await Carts.GetAsync(id, guest, None);

        view.Value.Warnings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            w => w.Kind.ShouldBe(CartWarning.LineUnavailable), w => w.Sku.ShouldBe("MUG-RED"), w => w.LineId.ShouldBe(view.Value.Lines[0].LineId));
    }

    [Fact]
    public async Task A_wrong_or_missing_token_finds_no_cart_as_if_there_were_none()
    {
        var (id, _) = await NewGuestCart();

        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetAsync(id, new CartAccess(Actor.Anonymous, "guess"), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetAsync(id, new CartAccess(Actor.Anonymous, null), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Add(id, new CartAccess(Alice, null)));
        Stored(id).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task Another_customer_finds_no_cart_and_support_may_read_it_but_not_change_it()
    {
        var id = (await Carts.CreateAsync(null, new CartAccess(Alice, null), None)).Cart.Value.Id;

        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetAsync(id, new CartAccess(Bob, null), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Add(id, new CartAccess(Bob, null)));
        (await Carts.GetAsync(id, new CartAccess(Support, null), None)).Value.Id.ShouldBe(id);
        await Should.ThrowAsync<ResourceNotFoundException>(() => Add(id, new CartAccess(Support, null)));
        Stored(id).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_cart_is_not_found_even_while_the_store_still_holds_it()
    {
        var (id, guest) = await NewGuestCart();
        _clock = new FixedClock(Now.AddDays(30));

        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetAsync(id, guest, None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Add(id, guest));
    }

    [Theory]
    [InlineData("prod_123")]
    [InlineData("cart_../../x")]
    [InlineData("customer-cart_abc")]
    public async Task An_id_that_is_not_a_cart_id_is_not_found_without_a_lookup(string id)
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.GetAsync(id, new CartAccess(Alice, "t"), None));
        _carts.Reads.ShouldBe(0);
    }

    [Fact]
    public async Task Adding_a_line_checks_the_variant_and_stock_and_renews_the_carts_expiry()
    {
        var (id, guest) = await NewGuestCart();
        _clock = new FixedClock(Now.AddDays(10));

        var view = await Add(id, guest, quantity: 2);

        view.Value.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            l => l.Sku.ShouldBe("MUG-RED"), l => l.Quantity.ShouldBe(2), l => l.ProductId.ShouldBe(MugId), l => l.AddedAt.ShouldBe(Now.AddDays(10)));
        Stored(id).ExpiresAt.ShouldBe(Now.AddDays(40));
        view.Version.ShouldBe(_carts.Current(id)!.Version);
    }

    [Fact]
    public async Task The_sku_is_read_in_upper_case_and_adding_the_same_variant_again_adds_to_its_line()
    {
        var (id, guest) = await NewGuestCart();

        await Add(id, guest, quantity: 2, sku: " mug-red ");
        var view = await Add(id, guest, quantity: 3);

        view.Value.Lines.ShouldHaveSingleItem().Quantity.ShouldBe(5);
    }

    [Fact]
    public async Task Asking_for_more_than_is_in_stock_is_refused_with_the_number_available_and_changes_nothing()
    {
        var (id, guest) = await NewGuestCart();
        await Add(id, guest, quantity: 2, sku: "MUG-BLUE");
        var writes = _carts.Writes;

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Add(id, guest, quantity: 2, sku: "MUG-BLUE"));

        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("Only 3 of MUG-BLUE");
        _carts.Writes.ShouldBe(writes);
        Stored(id).QuantityOf("MUG-BLUE").ShouldBe(2);
    }

    [Fact]
    public async Task A_variant_with_no_stock_record_is_out_of_stock()
    {
        _products.Add(ProductRules.Build(CatalogExamples.MugInput() with { Status = ProductStatus.Active, Variants = [CatalogExamples.Variant("NEW-1")] },
            "prod_new", null, CatalogExamples.Categories, CatalogExamples.ManualCollectionIds, "EUR", Now));
        var (id, guest) = await NewGuestCart();

        (await Should.ThrowAsync<BusinessRuleViolationException>(() => Add(id, guest, sku: "NEW-1", productId: "prod_new"))).Message.ShouldContain("out of stock");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public async Task A_quantity_outside_1_to_999_is_refused_before_anything_is_read(int? quantity)
    {
        var (id, guest) = await NewGuestCart();
        var reads = _carts.Reads;

        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, quantity: quantity))).ShouldReport("quantity");
        _carts.Reads.ShouldBe(reads);
    }

    [Fact]
    public async Task Missing_and_malformed_product_and_sku_are_each_named()
    {
        var (id, guest) = await NewGuestCart();

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, sku: null, productId: null));
        failure.ShouldReport("sku");
        failure.ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, sku: "BAD SKU!"))).ShouldReport("sku");
        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, productId: "prod/../x"))).ShouldReport("productId");
    }

    [Fact]
    public async Task An_unknown_product_a_product_not_for_sale_and_a_sku_of_another_product_are_refused_and_nothing_is_written()
    {
        _products.Add(Mug("prod_draft", ProductStatus.Draft));
        _products.Add(Mug("prod_archived", ProductStatus.Archived));
        var (id, guest) = await NewGuestCart();
        var writes = _carts.Writes;

        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, productId: "prod_nope"))).ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, productId: "prod_draft"))).ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, productId: "prod_archived"))).ShouldReport("productId");
        (await Should.ThrowAsync<ValidationFailedException>(() => Add(id, guest, sku: "TEE-S"))).ShouldReport("sku", "is not a variant of product prod_mug");
        _carts.Writes.ShouldBe(writes);
    }

    [Fact]
    public async Task Two_adds_at_once_both_land()
    {
        var (id, guest) = await NewGuestCart();
        // The other request writes between this one's read and write.
        _carts.BeforeReplace = _ =>
        {
            var current = _carts.Current(id)!.Value;
            _carts.Put(current.AddLine(MugId, "MUG-BLUE", 1, "line_other", Now));
        };

        var view = await Add(id, guest, quantity: 2);

        view.Value.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-BLUE", 1), ("MUG-RED", 2)]);
        _carts.Conflicts.ShouldBe(1);
        Stored(id).Lines.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_retried_add_rechecks_stock_against_what_the_other_request_added()
    {
        var (id, guest) = await NewGuestCart();
        _carts.BeforeReplace = _ => _carts.Put(_carts.Current(id)!.Value.AddLine(MugId, "MUG-BLUE", 2, "line_other", Now));

        await Should.ThrowAsync<BusinessRuleViolationException>(() => Add(id, guest, quantity: 2, sku: "MUG-BLUE"));
        Stored(id).QuantityOf("MUG-BLUE").ShouldBe(2);
    }

    [Fact]
    public async Task A_cart_that_keeps_changing_under_a_request_answers_busy_after_a_few_attempts()
    {
        var (id, guest) = await NewGuestCart();
        _carts.AlwaysConflict = true;

        await Should.ThrowAsync<BusyResourceException>(() => Add(id, guest));
        _carts.Conflicts.ShouldBe(8);
    }

    [Fact]
    public async Task An_if_match_of_an_older_version_is_refused_and_not_retried()
    {
        var (id, guest) = await NewGuestCart();
        var before = _carts.Current(id)!.Version;
        await Add(id, guest);

        await Should.ThrowAsync<StaleVersionException>(() => Add(id, guest, ifMatch: before));
        Stored(id).QuantityOf("MUG-RED").ShouldBe(1);
        (await Add(id, guest, ifMatch: _carts.Current(id)!.Version)).Value.Lines[0].Quantity.ShouldBe(2);
    }

    [Fact]
    public async Task A_cart_merged_away_while_a_change_retries_is_not_found()
    {
        var (id, guest) = await NewGuestCart();
        _carts.BeforeReplace = _ => _carts.DeleteAsync(id, None);

        await Should.ThrowAsync<ResourceNotFoundException>(() => Add(id, guest));
    }

    [Fact]
    public async Task Updating_a_line_sets_its_quantity_within_stock()
    {
        var (id, guest) = await NewGuestCart();
        var lineId = (await Add(id, guest, sku: "MUG-BLUE")).Value.Lines[0].LineId;

        (await Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(3), guest, null, None)).Value.Lines[0].Quantity.ShouldBe(3);
        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(4), guest, null, None));
        refusal.Field.ShouldBe("quantity");
        refusal.Message.ShouldContain("Only 3");
        Stored(id).QuantityOf("MUG-BLUE").ShouldBe(3);
    }

    [Fact]
    public async Task Updating_a_line_to_zero_removes_it()
    {
        var (id, guest) = await NewGuestCart();
        var lineId = (await Add(id, guest)).Value.Lines[0].LineId;

        (await Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(0), guest, null, None)).Value.Lines.ShouldBeEmpty();
        Stored(id).Lines.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    [InlineData(1000)]
    public async Task Updating_to_a_quantity_outside_0_to_999_is_refused(int? quantity)
    {
        var (id, guest) = await NewGuestCart();
        var lineId = (await Add(id, guest)).Value.Lines[0].LineId;

        (await Should.ThrowAsync<ValidationFailedException>(() => Carts.UpdateLineAsync(id, lineId, new UpdateCartLineInput(quantity), guest, null, None))).ShouldReport("quantity");
        Stored(id).QuantityOf("MUG-RED").ShouldBe(1);
    }

    [Fact]
    public async Task Updating_or_removing_a_line_the_cart_does_not_have_is_not_found()
    {
        var (id, guest) = await NewGuestCart();

        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.UpdateLineAsync(id, "line_nope", new UpdateCartLineInput(1), guest, null, None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.RemoveLineAsync(id, "line_nope", guest, null, None));
    }

    [Fact]
    public async Task Removing_a_line_and_clearing_the_cart()
    {
        var (id, guest) = await NewGuestCart();
        var red = (await Add(id, guest)).Value.Lines[0].LineId;
        await Add(id, guest, sku: "MUG-BLUE");

        (await Carts.RemoveLineAsync(id, red, guest, null, None)).Value.Lines.ShouldHaveSingleItem().Sku.ShouldBe("MUG-BLUE");
        (await Carts.ClearAsync(id, guest, null, None)).Value.Lines.ShouldBeEmpty();
        Stored(id).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task Clearing_an_empty_cart_writes_nothing()
    {
        var (id, guest) = await NewGuestCart();
        var writes = _carts.Writes;

        await Carts.ClearAsync(id, guest, null, None);

        _carts.Writes.ShouldBe(writes);
    }

    [Fact]
    public async Task A_code_the_shop_does_not_know_is_refused_and_not_kept()
    {
        var (id, guest) = await NewGuestCart();

        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Carts.AddCodeAsync(id, new AddCartCodeInput("NOSUCH"), guest, null, None));

        failure.ShouldReport("code", "not a discount code");
        Stored(id).Codes.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_known_code_that_does_not_apply_now_stays_on_the_cart_and_the_pricing_says_why()
    {
        _promotions.AddCode("SPRING", enabled: false);
        _pricing.Rejections["SPRING"] = "The promotion is paused.";
        var (id, guest) = await NewGuestCart();

        var view = await Carts.AddCodeAsync(id, new AddCartCodeInput(" spring "), guest, null, None);

        view.Value.Codes.ShouldBe(["SPRING"]);
        view.Value.Pricing.RejectedCodes.ShouldBe([new CodeRejection("SPRING", "The promotion is paused.")]);
    }

    [Fact]
    public async Task A_sixth_code_is_refused_before_looking_it_up()
    {
        var (id, guest) = await NewGuestCart();
        foreach (var code in new[] { "CODE1", "CODE2", "CODE3", "CODE4", "CODE5", "CODE6" }) _promotions.AddCode(code);
        foreach (var code in new[] { "CODE1", "CODE2", "CODE3", "CODE4", "CODE5" }) await Carts.AddCodeAsync(id, new AddCartCodeInput(code), guest, null, None);
        var lookups = _promotions.Lookups;

        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Carts.AddCodeAsync(id, new AddCartCodeInput("CODE6"), guest, null, None));

        refusal.Field.ShouldBe("code");
        _promotions.Lookups.ShouldBe(lookups);
        Stored(id).Codes.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Adding_a_code_the_cart_has_changes_nothing_and_looks_nothing_up()
    {
        _promotions.AddCode("WELCOME10");
        var (id, guest) = await NewGuestCart();
        await Carts.AddCodeAsync(id, new AddCartCodeInput("WELCOME10"), guest, null, None);
        var (writes, lookups) = (_carts.Writes, _promotions.Lookups);

        await Carts.AddCodeAsync(id, new AddCartCodeInput("welcome10"), guest, null, None);

        (_carts.Writes, _promotions.Lookups).ShouldBe((writes, lookups));
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
        var (id, guest) = await NewGuestCart();
        (await Should.ThrowAsync<ValidationFailedException>(() => Carts.AddCodeAsync(id, new AddCartCodeInput(code), guest, null, None))).ShouldReport("code");
    }

    [Fact]
    public async Task Removing_a_code_in_any_case_and_a_code_not_on_the_cart_is_not_found()
    {
        _promotions.AddCode("WELCOME10");
        var (id, guest) = await NewGuestCart();
        await Carts.AddCodeAsync(id, new AddCartCodeInput("WELCOME10"), guest, null, None);

        (await Carts.RemoveCodeAsync(id, "welcome10", guest, null, None)).Value.Codes.ShouldBeEmpty();
        await Should.ThrowAsync<ResourceNotFoundException>(() => Carts.RemoveCodeAsync(id, "WELCOME10", guest, null, None));
    }

    [Fact]
    public async Task Setting_where_the_cart_ships_is_used_for_its_price()
    {
        var (id, guest) = await NewGuestCart();

        var view = await Carts.SetShipToAsync(id, new ShipToInput("us", "ca"), guest, null, None);

        view.Value.ShipTo.ShouldBe(new TaxLocation("US", "CA"));
        _pricing.LastRequest.TaxLocation.ShouldBe(new TaxLocation("US", "CA"));
        (await Should.ThrowAsync<ValidationFailedException>(() => Carts.SetShipToAsync(id, new ShipToInput(null, null), guest, null, None))).ShouldReport("country");
        Stored(id).ShipTo.ShouldBe(new TaxLocation("US", "CA"));
    }
}
