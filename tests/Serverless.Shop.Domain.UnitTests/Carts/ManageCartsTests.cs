using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>Creating, reading and opening carts: tokens, one cart per customer, who may see or change a cart, expiry.</summary>
public sealed class ManageCartsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly CartTestBed _bed = new();

    [Fact]
    public async Task A_new_anonymous_cart_comes_with_its_token_once_and_only_the_tokens_hash_is_stored()
    {
        var creation = await _bed.Carts.CreateAsync(null, new CartAccess(Actor.Anonymous, null), None);

        creation.IsNew.ShouldBeTrue();
        var token = creation.Cart.Value.CartToken.ShouldNotBeNull();
        var stored = _bed.Stored(creation.Cart.Value.Id);
        stored.CustomerId.ShouldBeNull();
        stored.TokenHash.ShouldBe(CartRules.HashToken(token));
        stored.ExpiresAt.ShouldBe(Now.AddDays(30));
        stored.Currency.ShouldBe("EUR");

        var read = await _bed.Carts.GetAsync(stored.Id, new CartAccess(Actor.Anonymous, token), None);
        read.Value.CartToken.ShouldBeNull();
    }

    [Fact]
    public async Task A_cart_can_be_created_with_where_it_ships_and_a_bad_place_creates_nothing()
    {
        var creation = await _bed.Carts.CreateAsync(new CreateCartInput(new ShipToInput("at", null)), new CartAccess(Actor.Anonymous, null), None);
        creation.Cart.Value.ShipTo.ShouldBe(new TaxLocation("AT", null));

        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            _bed.Carts.CreateAsync(new CreateCartInput(new ShipToInput("Austria", null)), new CartAccess(Actor.Anonymous, null), None));
        failure.ShouldReport("shipTo.country");
        _bed.Store.All.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_signed_in_customer_has_one_cart_and_creating_again_returns_it()
    {
        var first = await _bed.Carts.CreateAsync(null, new CartAccess(Alice, null), None);
        var second = await _bed.Carts.CreateAsync(null, new CartAccess(Alice, null), None);

        first.IsNew.ShouldBeTrue();
        second.IsNew.ShouldBeFalse();
        second.Cart.Value.Id.ShouldBe(first.Cart.Value.Id);
        first.Cart.Value.CustomerId.ShouldBe(Alice.Id);
        first.Cart.Value.CartToken.ShouldBeNull();
        _bed.Stored(first.Cart.Value.Id).TokenHash.ShouldBeNull();
        (await _bed.Carts.GetCustomerCartAsync(new CartAccess(Alice, null), None)).Value.Id.ShouldBe(first.Cart.Value.Id);
    }

    [Fact]
    public async Task A_customer_without_a_cart_has_none_to_show()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetCustomerCartAsync(new CartAccess(Alice, null), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetCustomerCartAsync(new CartAccess(Support, null), None));
    }

    [Fact]
    public async Task A_customer_whose_cart_expired_gets_a_new_one()
    {
        var old = await _bed.Carts.CreateAsync(null, new CartAccess(Alice, null), None);
        _bed.Clock = new FixedClock(Now.AddDays(31));

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetCustomerCartAsync(new CartAccess(Alice, null), None));
        var fresh = await _bed.Carts.CreateAsync(null, new CartAccess(Alice, null), None);

        fresh.IsNew.ShouldBeTrue();
        fresh.Cart.Value.Id.ShouldNotBe(old.Cart.Value.Id);
        _bed.Store.CustomerCartId(Alice.Id).ShouldBe(fresh.Cart.Value.Id);
    }

    [Fact]
    public async Task When_two_requests_create_a_customers_cart_at_once_both_end_with_the_same_cart_and_no_spare_one_is_left()
    {
        var winner = OfCustomer(Alice, "cart_winner");
        _bed.Store.BeforeSetCustomerCart = _ =>
        {
            _bed.Store.Put(winner);
            _bed.Store.PointCustomerTo(Alice.Id, winner.Id);
        };

        var creation = await _bed.Carts.CreateAsync(null, new CartAccess(Alice, null), None);

        creation.Cart.Value.Id.ShouldBe("cart_winner");
        creation.IsNew.ShouldBeFalse();
        _bed.Store.All.ShouldHaveSingleItem().Id.ShouldBe("cart_winner");
    }

    [Fact]
    public async Task Staff_and_guests_creating_a_cart_get_an_anonymous_one()
    {
        var creation = await _bed.Carts.CreateAsync(null, new CartAccess(Support, null), None);

        creation.Cart.Value.CustomerId.ShouldBeNull();
        creation.Cart.Value.CartToken.ShouldNotBeNull();
    }

    [Fact]
    public async Task Reading_a_cart_prices_it_on_the_server_with_its_lines_codes_customer_and_ship_to()
    {
        var customerCart = (await _bed.Carts.CreateAsync(new CreateCartInput(new ShipToInput("DE", "BY")), new CartAccess(Alice, null), None)).Cart.Value.Id;
        _bed.Promotions.AddCode("WELCOME10");
        await _bed.Add(customerCart, new CartAccess(Alice, null), quantity: 3);
        await _bed.Codes.AddCodeAsync(customerCart, new AddCartCodeInput("welcome10"), new CartAccess(Alice, null), null, None);

        var view = await _bed.Carts.GetAsync(customerCart, new CartAccess(Alice, null), None);

        var request = _bed.Pricing.LastRequest;
        request.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            l => l.ProductId.ShouldBe(CartTestBed.MugId), l => l.Sku.ShouldBe("MUG-RED"), l => l.Quantity.ShouldBe(3), l => l.LineId.ShouldBe(view.Value.Lines[0].LineId));
        request.Codes.ShouldBe(["WELCOME10"]);
        request.CustomerId.ShouldBe(Alice.Id);
        request.TaxLocation.ShouldBe(new TaxLocation("DE", "BY"));
        request.ShippingFee.ShouldBeNull();
        view.Value.Pricing.Total.ShouldBe(new Money(30m, "EUR"));
    }

    [Fact]
    public async Task A_line_pricing_cannot_sell_comes_with_a_warning()
    {
        var (id, guest) = await _bed.NewGuestCart();
        await _bed.Add(id, guest);
        _bed.Pricing.Problems["MUG-RED"] = "The product is no longer sold.";

        var view = await _bed.Carts.GetAsync(id, guest, None);

        view.Value.Warnings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            w => w.Kind.ShouldBe(CartWarning.LineUnavailable), w => w.Sku.ShouldBe("MUG-RED"), w => w.LineId.ShouldBe(view.Value.Lines[0].LineId));
    }

    [Fact]
    public async Task A_wrong_or_missing_token_finds_no_cart_as_if_there_were_none()
    {
        var (id, _) = await _bed.NewGuestCart();

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetAsync(id, new CartAccess(Actor.Anonymous, "guess"), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetAsync(id, new CartAccess(Actor.Anonymous, null), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Add(id, new CartAccess(Alice, null)));
        _bed.Stored(id).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task Another_customer_finds_no_cart_and_support_may_read_it_but_not_change_it()
    {
        var id = (await _bed.Carts.CreateAsync(null, new CartAccess(Alice, null), None)).Cart.Value.Id;

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetAsync(id, new CartAccess(Bob, null), None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Add(id, new CartAccess(Bob, null)));
        (await _bed.Carts.GetAsync(id, new CartAccess(Support, null), None)).Value.Id.ShouldBe(id);
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Add(id, new CartAccess(Support, null)));
        _bed.Stored(id).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_cart_is_not_found_even_while_the_store_still_holds_it()
    {
        var (id, guest) = await _bed.NewGuestCart();
        _bed.Clock = new FixedClock(Now.AddDays(30));

        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetAsync(id, guest, None));
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Add(id, guest));
    }

    [Theory]
    [InlineData("prod_123")]
    [InlineData("cart_../../x")]
    [InlineData("customer-cart_abc")]
    public async Task An_id_that_is_not_a_cart_id_is_not_found_without_a_lookup(string id)
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => _bed.Carts.GetAsync(id, new CartAccess(Alice, "t"), None));
        _bed.Store.Reads.ShouldBe(0);
    }
}
