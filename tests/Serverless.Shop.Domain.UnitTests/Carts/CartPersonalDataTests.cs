using Serverless.Shop.Domain.Carts;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>At a customer's erasure their active cart is deleted; nobody else's cart is touched.</summary>
public sealed class CartPersonalDataTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryCartStore _carts = new();

    [Fact]
    public async Task The_erased_customers_active_cart_is_deleted_and_another_customers_is_kept()
    {
        var ada = _carts.Put(Cart.New("cart_ada", "cust_ada", null, null, "EUR", Now, TimeSpan.FromDays(30)).AddLine("prod_mug", "MUG-1", 1, "line_1", Now)).Value;
        var bob = _carts.Put(Cart.New("cart_bob", "cust_bob", null, null, "EUR", Now, TimeSpan.FromDays(30))).Value;
        _carts.PointCustomerTo("cust_ada", ada.Id);
        _carts.PointCustomerTo("cust_bob", bob.Id);

        await new CartPersonalData(_carts).CleanUpAsync("cust_ada", default);

        _carts.Current(ada.Id).ShouldBeNull();
        _carts.Current(bob.Id).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_pointer_to_a_cart_someone_else_owns_or_no_cart_at_all_deletes_nothing()
    {
        var bob = _carts.Put(Cart.New("cart_bob", "cust_bob", null, null, "EUR", Now, TimeSpan.FromDays(30))).Value;
        _carts.PointCustomerTo("cust_ada", bob.Id);

        await new CartPersonalData(_carts).CleanUpAsync("cust_ada", default);
        await new CartPersonalData(_carts).CleanUpAsync("cust_nobody", default);

        _carts.Current(bob.Id).ShouldNotBeNull();
        _carts.Deleted.ShouldBeEmpty();
    }
}
