using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

public sealed class PriceCartTests
{
    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryPromotionCatalog _promotions = new();
    private readonly FakeCustomerPricingProfiles _customers = new();
    private readonly RateTableTaxRates _rates = new([new("DE", null, "standard", 0.19m), new("DE", null, "reduced", 0.07m)]);

    private PriceCart NewPriceCart(StackingStrategy strategy = StackingStrategy.BestForCustomer) =>
        new(_products, _promotions, _customers, Engine(strategy, pricesIncludeTax: true), TaxSource.FromRates(new FixedTaxRateCatalog(_rates)), new ShopSettings(Eur), new FixedClock());

    private static Product Product(
        string id, decimal price, decimal? sale = null, string sku = "SKU-1", ProductStatus status = ProductStatus.Active, string taxClass = "standard",
        string[]? categoryPath = null, string[]? collections = null, string[]? tags = null, string? variantName = null) =>
        CatalogExamples.ExistingMug(id, status) with
        {
            Name = "Product " + id,
            Variants = [new ProductVariant(sku, variantName, new Dictionary<string, string>(), new Money(price, Eur), sale is null ? null : new Money(sale.Value, Eur))],
            TaxClass = taxClass,
            CategoryPath = categoryPath ?? [],
            CollectionIds = collections ?? [],
            Tags = tags ?? [],
        };

    private static CartPricingInput Input(params CartLineRef[] lines) => new(lines, [], null, new TaxLocation("DE", null), null);

    private Task<PricedCart> PriceAsync(CartPricingInput input) => NewPriceCart().PriceAsync(input, CancellationToken.None);

    [Fact]
    public async Task Prices_come_from_the_catalog_with_the_sale_price_as_the_starting_price()
    {
        _products.Add(Product("prod_a", 20m, sale: 15m, variantName: "Red"));

        var cart = await PriceAsync(Input(new CartLineRef("line_1", "prod_a", "SKU-1", 2)));

        var line = cart.Lines.ShouldHaveSingleItem();
        line.Name.ShouldBe("Product prod_a (Red)");
        line.UnitListPrice.ShouldBe(new Money(20m, Eur));
        line.UnitSalePrice.ShouldBe(new Money(15m, Eur));
        line.ListTotal.Amount.ShouldBe(30.00m);
        line.Problem.ShouldBeNull();
        cart.Total.Amount.ShouldBe(30.00m);
    }

    [Fact]
    public async Task All_the_products_of_the_cart_are_read_in_one_call()
    {
        _products.Add(Product("prod_a", 10m));
        _products.Add(Product("prod_b", 20m));

        var cart = await PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1), new CartLineRef("l2", "prod_b", "SKU-1", 1), new CartLineRef("l3", "prod_a", "SKU-1", 3)));

        _products.ManyReads.ShouldBe(1);
        cart.Subtotal.Amount.ShouldBe(60.00m);
    }

    [Fact]
    public async Task Lines_that_cannot_be_bought_cost_nothing_say_why_and_keep_their_place()
    {
        _products.Add(Product("prod_ok", 10m));
        _products.Add(Product("prod_draft", 10m, status: ProductStatus.Draft));
        _products.Add(Product("prod_archived", 10m, status: ProductStatus.Archived));
        _promotions.Add(PercentOff(50));

        var cart = await PriceAsync(Input(
            new CartLineRef("gone", "prod_gone", "SKU-1", 1),
            new CartLineRef("ok", "prod_ok", "SKU-1", 2),
            new CartLineRef("draft", "prod_draft", "SKU-1", 1),
            new CartLineRef("archived", "prod_archived", "SKU-1", 1),
            new CartLineRef("sku", "prod_ok", "SKU-UNKNOWN", 1)));

        cart.Lines.Select(l => l.LineId).ShouldBe(["gone", "ok", "draft", "archived", "sku"]);
        cart.Lines.Select(l => l.Problem).ShouldBe([PriceCart.ProductGone, null, PriceCart.ProductNotActive, PriceCart.ProductNotActive, PriceCart.VariantGone]);
        cart.Lines.Where(l => l.Problem is not null).ShouldAllBe(l => l.Total.Amount == 0 && l.ListTotal.Amount == 0 && l.Discounts.Count == 0 && l.Tax.Amount == 0);
        cart.HasProblems.ShouldBeTrue();
        cart.Line("ok").DiscountTotal.Amount.ShouldBe(10.00m);
        cart.Total.Amount.ShouldBe(10.00m);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task A_quantity_of_zero_or_less_is_refused_naming_the_line(int quantity)
    {
        _products.Add(Product("prod_a", 10m));

        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1), new CartLineRef("l2", "prod_a", "SKU-1", quantity))));

        failure.ShouldReport("lines[1].quantity", "at least 1");
        _products.ManyReads.ShouldBe(0);
    }

    [Fact]
    public async Task Codes_are_looked_up_in_upper_case_and_a_code_that_gives_nothing_says_why()
    {
        _products.Add(Product("prod_a", 100m));
        _promotions.Add(PercentOff(10).WithCode("SAVE10"), PercentOff(20, id: "promo_old").WithCode("OLD20") with { EndsAt = Now.AddDays(-1) });

        var cart = await NewPriceCart().PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1)) with { Codes = ["save10", " old20", "NOPE"] }, default);

        _promotions.CodeLookups.ShouldHaveSingleItem().ShouldBe(["SAVE10", "OLD20", "NOPE"]);
        cart.DiscountTotal.Amount.ShouldBe(10.00m);
        cart.RejectedCodes.Select(r => r.Code).ShouldBe(["OLD20", "NOPE"]);
        cart.RejectedCodes[0].Reason.ShouldStartWith("This code expired on 13 March 2025");
    }

    [Fact]
    public async Task A_cart_without_codes_does_not_look_codes_up()
    {
        _products.Add(Product("prod_a", 100m));

        await PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1)));

        _promotions.CodeLookups.ShouldBeEmpty();
        _promotions.LiveLookups.ShouldBe([FixedClock.Instant]);
    }

    [Fact]
    public async Task The_customers_profile_decides_eligibility()
    {
        _products.Add(Product("prod_a", 100m));
        _customers.Add(new PricingCustomer("cus_1", false, [], null));
        _promotions.Add(PercentOff(10) with { Eligibility = Eligibility.Everyone with { FirstOrderOnly = true } });

        (await PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1)))).DiscountTotal.Amount.ShouldBe(10m);
        (await PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1)) with { CustomerId = "cus_1" })).DiscountTotal.Amount.ShouldBe(0m);
    }

    [Fact]
    public async Task Promotions_target_the_catalogs_categories_collections_and_tags()
    {
        _products.Add(Product("prod_a", 10m, categoryPath: ["cat_kitchen", "cat_mugs"]));
        _products.Add(Product("prod_b", 10m, collections: ["col_picks"]));
        _products.Add(Product("prod_c", 10m, tags: ["gift"]));
        _products.Add(Product("prod_d", 10m));
        _promotions.Add(
            PercentOff(10, Categories("cat_kitchen"), id: "p_cat"), PercentOff(20, Collections("col_picks"), id: "p_col"), PercentOff(30, Tags("gift"), id: "p_tag"));

        var cart = await PriceAsync(Input(
            new CartLineRef("a", "prod_a", "SKU-1", 1), new CartLineRef("b", "prod_b", "SKU-1", 1),
            new CartLineRef("c", "prod_c", "SKU-1", 1), new CartLineRef("d", "prod_d", "SKU-1", 1)));

        cart.LineDiscounts().ShouldBe([1.00m, 2.00m, 3.00m, 0m]);
    }

    [Fact]
    public async Task The_products_tax_class_decides_its_rate()
    {
        _products.Add(Product("prod_book", 10.70m, taxClass: "reduced"));

        var cart = await PriceAsync(Input(new CartLineRef("l1", "prod_book", "SKU-1", 1)));

        cart.Lines[0].TaxRate.ShouldBe(0.07m);
        cart.Lines[0].Tax.Amount.ShouldBe(0.70m);
    }

    [Fact]
    public async Task The_shop_clock_decides_which_promotions_are_live()
    {
        _products.Add(Product("prod_a", 100m));
        _promotions.Add(PercentOff(10, id: "p_past") with { EndsAt = FixedClock.Instant }, PercentOff(20, id: "p_now") with { StartsAt = FixedClock.Instant });

        var cart = await PriceAsync(Input(new CartLineRef("l1", "prod_a", "SKU-1", 1)));

        cart.Promotions.ShouldHaveSingleItem().PromotionId.ShouldBe("p_now");
    }

    [Fact]
    public async Task An_empty_cart_costs_nothing_and_reads_no_products()
    {
        var cart = await PriceAsync(Input());

        cart.Lines.ShouldBeEmpty();
        cart.Total.ShouldBe(new Money(0m, Eur));
        _products.ManyReads.ShouldBe(0);
    }

    [Fact]
    public async Task A_shipping_fee_in_another_currency_is_refused()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => PriceAsync(Input() with { ShippingFee = new Money(5m, "USD") }));

        failure.ShouldReport("shippingFee");
    }
}
