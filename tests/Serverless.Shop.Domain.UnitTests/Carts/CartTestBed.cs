using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;

using static Serverless.Shop.Domain.UnitTests.Carts.CartExamples;

namespace Serverless.Shop.Domain.UnitTests.Carts;

/// <summary>
/// The cart use cases (<see cref="ManageCarts"/>, <see cref="CartCodes"/>, <see cref="CartCheckoutDetails"/>) on
/// in-memory ports: a mug with a red (50 in stock) and a blue (3 in stock) variant, and a clock a test can move.
/// </summary>
internal sealed class CartTestBed
{
    public const string MugId = "prod_mug";
    private static readonly CancellationToken None = CancellationToken.None;

    public InMemoryCartStore Store { get; } = new();
    public InMemoryProductStore Products { get; } = new();
    public InMemoryInventoryStore Inventory { get; } = new();
    public FakePromotionCatalog Promotions { get; } = new();
    public FakeCartPricing Pricing { get; } = new();
    public TimeProvider Clock { get; set; } = new FixedClock();

    public CartTestBed()
    {
        Products.Add(Mug(MugId, ProductStatus.Active));
        Stock("MUG-RED", 50);
        Stock("MUG-BLUE", 3);
    }

    // Built per call so a test can move the clock; ManageStock is built in this one place.
    public ManageCarts Carts => new(Store, Products, new ManageStock(Inventory, InMemoryWarehouseStore.WithMain(), new RecordingWorkQueue(), Clock), Pricing,
        new CartSettings(30), new ShopSettings("EUR"), Clock);

    public CartCodes Codes => new(Store, Promotions, Pricing, new CartSettings(30), Clock);

    public CartCheckoutDetails Details => new(Store, Pricing, new CartSettings(30), Clock);

    public static Product Mug(string id, ProductStatus status) =>
        ProductRules.Build(CatalogExamples.MugInput() with { Status = status, Variants = [CatalogExamples.Variant("MUG-RED", options: CatalogExamples.Options(("colour", "red"))), CatalogExamples.Variant("MUG-BLUE", options: CatalogExamples.Options(("colour", "blue")))] },
            id, null, CatalogExamples.Categories, CatalogExamples.ManualCollectionIds, "EUR", Now.AddDays(-10));

    private void Stock(string sku, int units) =>
        Inventory.Add(StockItem.Empty(sku).Apply("adj_" + sku, ManageStock.DefaultWarehouse, units, AdjustmentReason.Count, null, "test", Now));

    public async Task<(string Id, CartAccess Access)> NewGuestCart()
    {
        var creation = await Carts.CreateAsync(null, new CartAccess(Actor.Anonymous, null), None);
        return (creation.Cart.Value.Id, new CartAccess(Actor.Anonymous, creation.Cart.Value.CartToken));
    }

    public Task<Versioned<CartView>> Add(string cartId, CartAccess access, int? quantity = 1, string? sku = "MUG-RED", string? productId = MugId, string? ifMatch = null) =>
        Carts.AddLineAsync(cartId, new AddCartLineInput(productId, sku, quantity), access, ifMatch, None);

    public Cart Stored(string id) => Store.Current(id).ShouldNotBeNull().Value;
}
