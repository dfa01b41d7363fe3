using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>A small catalog to test against: a two-level category tree, one hand-picked and one rule-based collection, a mug.</summary>
internal static class CatalogExamples
{
    public const string ShopCurrency = "EUR";
    public const string NewProductId = "prod_new";
    public static readonly DateTimeOffset Now = FixedClock.Instant;

    public static readonly Category Kitchen = new("cat_kitchen", "Kitchen", "kitchen", null, ["cat_kitchen"], null, 0);
    public static readonly Category Mugs = new("cat_mugs", "Mugs", "mugs", "cat_kitchen", ["cat_kitchen", "cat_mugs"], null, 0);

    public static readonly Collection StaffPicks = new("col_staff-picks", "Staff picks", "staff-picks", CollectionType.Manual, null, [], true);

    public static readonly Collection UnderTwenty = new("col_under-20", "Under 20", "under-20", CollectionType.Rules, null,
        [new CollectionRule(RuleField.Price, RuleOperator.LessThan, "20"), new CollectionRule(RuleField.Tag, RuleOperator.Equals, "gift")], false);

    public static IReadOnlyDictionary<string, Category> Categories => new Dictionary<string, Category> { [Kitchen.Id] = Kitchen, [Mugs.Id] = Mugs };

    public static IReadOnlySet<string> ManualCollectionIds => new HashSet<string> { StaffPicks.Id };

    public static VariantInput Variant(
        string? sku = "MUG-RED", decimal? price = 12.50m, decimal? salePrice = null,
        IReadOnlyDictionary<string, string>? options = null, string currency = ShopCurrency) =>
        new(sku, null, options, price is null ? null : new Money(price.Value, currency), salePrice is null ? null : new Money(salePrice.Value, currency));

    public static IReadOnlyDictionary<string, string> Options(params (string Name, string Value)[] options) =>
        options.ToDictionary(o => o.Name, o => o.Value);

    /// <summary>A product input that breaks no rule; tests change one thing about it.</summary>
    public static ProductInput MugInput() => new() { Name = "Crème Brûlée Mug", Variants = [Variant()] };

    public static Product Build(ProductInput input, Product? existing = null, string shopCurrency = ShopCurrency) =>
        ProductRules.Build(input, existing?.Id ?? NewProductId, existing, Categories, ManualCollectionIds, shopCurrency, Now);

    public static ValidationFailedException Refuse(ProductInput input, string shopCurrency = ShopCurrency) =>
        Should.Throw<ValidationFailedException>(() => Build(input, shopCurrency: shopCurrency));

    /// <summary>A mug that has been in the catalog for a month.</summary>
    public static Product ExistingMug(string id = "prod_mug", ProductStatus status = ProductStatus.Active, int images = 0) =>
        ProductRules.Build(MugInput() with { Status = status }, id, null, Categories, ManualCollectionIds, ShopCurrency, Now.AddDays(-30))
            with { Images = Enumerable.Range(1, images).Select(Image).ToList() };

    public static ProductImage Image(int n) =>
        new($"img_{n}", "image/png", null, ImageStatus.Ready, $"https://cdn.test/img_{n}.png", []);
}
