using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>Merging a shopper's anonymous cart into their customer cart at sign-in.</summary>
public sealed class MergeCartsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly CartAccess AsAlice = new(Alice, null);

    private readonly InMemoryCartStore _carts = new();
    private readonly InMemoryInventoryStore _inventory = new();
    private readonly FakeCartPricing _pricing = new();
    private readonly FixedClock _clock = new(Now.AddHours(1));

    public MergeCartsTests()
    {
        foreach (var sku in new[] { "MUG-RED", "TEE-S", "CAP" })
            _inventory.Add(StockItem.Empty(sku).Apply("adj_" + sku, ManageStock.DefaultWarehouse, 100, AdjustmentReason.Count, null, "test", Now));
        _carts.Put(OfCustomer(Alice, "cart_alice").WithLines(("MUG-RED", 2)).WithCodes("A1"));
        _carts.PointCustomerTo(Alice.Id, "cart_alice");
        _carts.Put(Anonymous("cart_guest").WithLines(("MUG-RED", 3), ("CAP", 1)).WithCodes("B1"));
    }

    private MergeCarts Carts => new(_carts, new ManageStock(_inventory, InMemoryWarehouseStore.WithMain(), new RecordingWorkQueue(), _clock),
        _pricing, new CartSettings(30), _clock);

    private Task<Versioned<CartView>> Merge(string source = "cart_guest", string? token = Token, string target = "cart_alice", CartAccess? access = null) =>
        Carts.MergeAsync(target, new MergeCartsInput(source, token), access ?? AsAlice, None);

    private Cart Stored(string id) => _carts.Current(id).ShouldNotBeNull().Value;

    [Fact]
    public async Task The_anonymous_carts_lines_and_codes_join_the_customers_cart_and_the_anonymous_cart_is_deleted()
    {
        var view = await Merge();

        view.Value.Id.ShouldBe("cart_alice");
        view.Value.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-RED", 5), ("CAP", 1)]);
        view.Value.Codes.ShouldBe(["A1", "B1"]);
        view.Value.Warnings.ShouldBeEmpty();
        _carts.Current("cart_guest").ShouldBeNull();
        Stored("cart_alice").ExpiresAt.ShouldBe(_clock.Now.AddDays(30));
        _pricing.LastRequest.CustomerId.ShouldBe(Alice.Id);
    }

    [Fact]
    public async Task Merging_again_after_it_succeeded_returns_the_customers_cart_unchanged()
    {
        await Merge();
        var writes = _carts.Writes;

        var again = await Merge();

        again.Value.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-RED", 5), ("CAP", 1)]);
        _carts.Writes.ShouldBe(writes);
    }

    [Fact]
    public async Task If_the_anonymous_cart_could_not_be_deleted_a_retry_deletes_it_without_adding_its_lines_twice()
    {
        _carts.DeleteFailure = new TimeoutException("the database did not answer");
        await Should.ThrowAsync<TimeoutException>(() => Merge());
        Stored("cart_alice").QuantityOf("MUG-RED").ShouldBe(5);
        _carts.Current("cart_guest").ShouldNotBeNull();

        _carts.DeleteFailure = null;
        var retry = await Merge();

        retry.Value.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([("MUG-RED", 5), ("CAP", 1)]);
        _carts.Current("cart_guest").ShouldBeNull();
    }

    [Fact]
    public async Task A_wrong_token_finds_no_anonymous_cart_and_changes_nothing()
    {
        var before = Stored("cart_alice");

        await Should.ThrowAsync<ResourceNotFoundException>(() => Merge(token: "guess"));

        Stored("cart_alice").ShouldBe(before);
        _carts.Current("cart_guest").ShouldNotBeNull();
    }

    [Fact]
    public async Task Another_customers_cart_cannot_be_merged_away_even_by_its_id()
    {
        _carts.Put(OfCustomer(Bob, "cart_bob").WithLines(("TEE-S", 1)));

        await Should.ThrowAsync<ResourceNotFoundException>(() => Merge(source: "cart_bob", token: "anything"));

        _carts.Current("cart_bob").ShouldNotBeNull();
    }

    [Fact]
    public async Task Only_the_customers_own_cart_can_be_merged_into()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Merge(access: new CartAccess(Bob, null)));
        _carts.Current("cart_guest").ShouldNotBeNull();
    }

    [Fact]
    public async Task An_anonymous_cart_is_no_target_for_a_merge_even_with_its_token()
    {
        _carts.Put(Anonymous("cart_guest2"));

        await Should.ThrowAsync<BusinessRuleViolationException>(() => Merge(target: "cart_guest2", access: new CartAccess(Alice, Token)));

        _carts.Current("cart_guest").ShouldNotBeNull();
        Stored("cart_guest2").Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_or_unknown_anonymous_cart_leaves_the_customers_cart_as_it_is()
    {
        _carts.Put(Anonymous("cart_old") with { ExpiresAt = _clock.Now.AddSeconds(-1) });

        (await Merge(source: "cart_old")).Value.Lines.ShouldHaveSingleItem().Quantity.ShouldBe(2);
        (await Merge(source: "cart_neverwas")).Value.Lines.ShouldHaveSingleItem().Quantity.ShouldBe(2);
    }

    [Theory]
    [InlineData(null, "t", "sourceCartId")]
    [InlineData("cart_alice", "t", "sourceCartId")]
    [InlineData("cart_guest", null, "sourceCartToken")]
    public async Task A_merge_without_a_source_or_its_token_or_into_itself_is_refused(string? source, string? token, string field)
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Carts.MergeAsync("cart_alice", new MergeCartsInput(source, token), AsAlice, None))).ShouldReport(field);
    }

    [Fact]
    public async Task Merged_quantities_beyond_stock_are_kept_but_come_with_a_warning_naming_what_is_available()
    {
        _inventory.Add(StockItem.Empty("MUG-RED").Apply("adj_low", ManageStock.DefaultWarehouse, 4, AdjustmentReason.Count, null, "test", Now));

        var view = await Merge();

        view.Value.Lines.First(l => l.Sku == "MUG-RED").Quantity.ShouldBe(5);
        view.Value.Warnings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            w => w.Kind.ShouldBe(CartWarning.NotEnoughStock), w => w.Sku.ShouldBe("MUG-RED"), w => w.Available.ShouldBe(4));
    }
}
