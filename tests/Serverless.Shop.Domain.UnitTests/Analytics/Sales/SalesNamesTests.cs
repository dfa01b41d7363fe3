using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Sales;

/// <summary>SalesNamesFromCatalog: the names staff read beside the rollups' ids, from the shop's stores as they are now.</summary>
public sealed class SalesNamesTests
{
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryTaxonomyStore _taxonomy = new();
    private readonly InMemoryPromotionStore _promotions = new();
    private SalesNamesFromCatalog Names => new(_products, _taxonomy, _promotions);

    private Task<IReadOnlyDictionary<string, string>> NamesAsync(SalesDimension dimension, params string[] keys) =>
        Names.NamesAsync(dimension, keys, CancellationToken.None);

    [Fact]
    public async Task Products_are_named_as_the_catalog_has_them_now_and_a_deleted_one_is_left_out()
    {
        _products.Add(CatalogExamples.ExistingMug("prod_mug") with { Name = "Stoneware Mug" });

        (await NamesAsync(SalesDimension.Product, "prod_mug", "prod_deleted")).ShouldBe(new Dictionary<string, string> { ["prod_mug"] = "Stoneware Mug" });
    }

    [Fact]
    public async Task Categories_come_from_the_taxonomy_and_promotions_show_their_code_first()
    {
        _taxonomy.With(new Category("cat_mugs", "Mugs", "mugs", null, ["cat_mugs"], null, 0));
        _promotions.Add(PromotionExamples.Limited("promo_coded", code: "WINTER10"));
        _promotions.Add(PromotionExamples.Limited("promo_automatic"));

        (await NamesAsync(SalesDimension.Category, "cat_mugs", "cat_gone")).ShouldBe(new Dictionary<string, string> { ["cat_mugs"] = "Mugs" });
        var promotions = await NamesAsync(SalesDimension.Promotion, "promo_coded", "promo_automatic");
        promotions["promo_coded"].ShouldBe("WINTER10 (promo_coded)");
        promotions["promo_automatic"].ShouldBe("promo_automatic");
    }

    [Theory]
    [InlineData("NL", "Netherlands")]
    [InlineData("DE", "Germany")]
    [InlineData("US", "United States")]
    public async Task Countries_are_named_in_english_without_a_store_call(string code, string name)
    {
        (await NamesAsync(SalesDimension.Country, code))[code].ShouldBe(name);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("en-US")]
    [InlineData("nl")]
    [InlineData("(unknown)")]
    public async Task What_is_no_country_code_stays_unnamed(string key)
    {
        (await NamesAsync(SalesDimension.Country, key)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(SalesDimension.Variant, "MUG-RED")]
    [InlineData(SalesDimension.Customer, "cust_1")]
    [InlineData(SalesDimension.PaymentMethod, "card")]
    [InlineData(SalesDimension.Channel, "newsletter / email")]
    public async Task Keys_that_read_as_names_already_or_are_personal_get_no_name(SalesDimension dimension, string key)
    {
        _products.Add(CatalogExamples.ExistingMug(key));

        (await NamesAsync(dimension, key)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_answer_gets_the_names_of_its_rows_and_the_total_row_none()
    {
        _products.Add(CatalogExamples.ExistingMug("prod_mug") with { Name = "Stoneware Mug" });
        var query = new SalesQuery(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), SalesDimension.Product, SalesTimeGrain.None);
        var answer = new SalesAnswer(query, [new SalesRow("prod_mug", null, "EUR", SalesMeasures.Zero), new SalesRow("prod_gone", null, "EUR", SalesMeasures.Zero)]);

        var named = await Names.NameAsync(answer, CancellationToken.None);

        named.Rows.Select(r => r.Name).ShouldBe(["Stoneware Mug", null]);
        named.Rows.Select(r => r.Key).ShouldBe(["prod_mug", "prod_gone"]);
    }
}
