using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.FlashSales;

/// <summary>What a new flash sale must be: a window ahead, a sale price below the price, a cap within stock, a known SKU.</summary>
public sealed class FlashSaleRulesTests
{
    private static readonly DateTimeOffset Now = FixedClock.Instant;

    private static FlashSaleItemInput Item(string sku = "MUG-1", decimal price = 9m, int cap = 3) => new("prod_mug", sku, new Money(price, "EUR"), cap);

    private static FlashSaleInput Input(DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, int? limit = 2, params FlashSaleItemInput?[] items) =>
        new("Rush", startsAt, endsAt ?? Now.AddHours(1), limit, items.Length == 0 ? [Item()] : items);

    private static Dictionary<string, string[]> Shape(FlashSaleInput input)
    {
        var v = new Validator();
        FlashSaleRules.CheckShape(input, Now, "EUR", v);
        try { v.ThrowIfInvalid(); return []; }
        catch (ValidationFailedException e) { return e.Errors.ToDictionary(x => x.Key, x => x.Value); }
    }

    [Fact]
    public void A_sale_from_now_for_an_hour_is_accepted_and_one_scheduled_ahead_too()
    {
        Shape(Input()).ShouldBeEmpty();
        Shape(Input(startsAt: Now.AddDays(2), endsAt: Now.AddDays(2).AddHours(3))).ShouldBeEmpty();
        Shape(Input(startsAt: Now.AddSeconds(-30))).ShouldBeEmpty("a start sent a moment ago is not in the past");
    }

    [Fact]
    public void A_window_in_the_past_names_both_ends()
    {
        var errors = Shape(Input(startsAt: Now.AddDays(-2), endsAt: Now.AddDays(-1)));
        errors.Keys.ShouldBe(["startsAt", "endsAt"], ignoreOrder: true);
    }

    [Fact]
    public void An_end_before_the_start_or_a_month_after_it_is_refused()
    {
        Shape(Input(startsAt: Now.AddHours(2), endsAt: Now.AddHours(1))).Keys.ShouldBe(["endsAt"]);
        Shape(Input(startsAt: Now.AddHours(1), endsAt: Now.AddHours(1))).Keys.ShouldBe(["endsAt"]);
        Shape(Input(endsAt: Now.AddDays(32))).Keys.ShouldBe(["endsAt"]);
    }

    [Fact]
    public void Bad_items_are_reported_by_their_index_all_at_once()
    {
        var errors = Shape(Input(limit: 0, items: [Item(cap: 0), null, Item(sku: "mug-1"), new FlashSaleItemInput("not an id", "X", new Money(-1m, "EUR"), 1)]));

        errors.Keys.ShouldBe(["perCustomerLimit", "items[0].cap", "items[1]", "items[2].sku", "items[3].productId", "items[3].salePrice.amount"], ignoreOrder: true);
        Shape(Input() with { Items = [] }).Keys.ShouldBe(["items"]);
        Shape(Input() with { Name = null, EndsAt = null, PerCustomerLimit = null, Items = null }).Keys.ShouldBe(["name", "endsAt", "perCustomerLimit", "items"], ignoreOrder: true);
    }

    [Fact]
    public void Against_the_catalog_the_price_must_be_below_what_the_variant_sells_for_and_the_cap_within_what_is_available()
    {
        var mug = CatalogExamples.ExistingMug("prod_mug") with
        {
            Variants = [new ProductVariant("MUG-1", null, new Dictionary<string, string>(), new Money(20m, "EUR"), new Money(15m, "EUR"))],
        };
        var products = new Dictionary<string, Product> { ["prod_mug"] = mug };
        var stock = new Dictionary<string, StockItem>(StringComparer.OrdinalIgnoreCase)
        {
            ["MUG-1"] = StockItem.Empty("MUG-1") with { OnHand = new Dictionary<string, int> { ["main"] = 4 } },
        };
        Dictionary<string, string[]> Check(params FlashSaleItemInput[] items)
        {
            var v = new Validator();
            FlashSaleRules.CheckAgainstCatalog(items, products, stock, Now, v);
            try { v.ThrowIfInvalid(); return []; }
            catch (ValidationFailedException e) { return e.Errors.ToDictionary(x => x.Key, x => x.Value); }
        }

        Check(Item(price: 14.99m, cap: 4)).ShouldBeEmpty();
        // The variant already sells at its own sale price of 15: the flash sale must go below that.
        Check(Item(price: 15m)).Keys.ShouldBe(["items[0].salePrice.amount"]);
        Check(Item(cap: 5)).Keys.ShouldBe(["items[0].cap"]);
        Check(Item(sku: "MUG-9")).Keys.ShouldBe(["items[0].sku"]);
        Check(new FlashSaleItemInput("prod_gone", "MUG-1", new Money(9m, "EUR"), 1)).Keys.ShouldBe(["items[0].productId"]);
    }
}
