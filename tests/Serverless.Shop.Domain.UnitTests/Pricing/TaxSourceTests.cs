using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Pricing.PricingExamples;

namespace Serverless.Shop.Domain.UnitTests.Pricing;

/// <summary>Where PriceCart gets tax: the managed rates, a tax service at checkout, or nowhere (and then it says so).</summary>
public sealed class TaxSourceTests
{
    private static readonly ShippingAddress Berlin = new("Ada", "Unter den Linden 1", null, "Berlin", "10117", null, "DE", null);
    private readonly InMemoryProductStore _products = new();
    private readonly RecordingTaxService _service = new();

    public TaxSourceTests()
    {
        _products.Add(Product("prod_book", 10.70m, "reduced"));
        _products.Add(Product("prod_pen", 11.90m, "standard"));
    }

    private static Product Product(string id, decimal price, string taxClass) =>
        CatalogExamples.ExistingMug(id, ProductStatus.Active) with
        {
            Name = id,
            Variants = [new ProductVariant("SKU-" + id, null, new Dictionary<string, string>(), new Money(price, Eur), null)],
            TaxClass = taxClass,
            CategoryPath = [],
            CollectionIds = [],
            Tags = [],
        };

    private PriceCart Pricing(TaxSource source, bool pricesIncludeTax = true) =>
        new(_products, new InMemoryPromotionCatalog(), new FakeCustomerPricingProfiles(), Engine(pricesIncludeTax: pricesIncludeTax), source, new ShopSettings(Eur), new FixedClock());

    private static CartPricingInput Cart(Money? shipping = null) => new(
        [new CartLineRef("l1", "prod_book", "SKU-prod_book", 1), new CartLineRef("l2", "prod_pen", "SKU-prod_pen", 2)],
        [], null, new TaxLocation("DE", null), shipping);

    [Fact]
    public async Task Managed_rates_are_read_once_per_pricing_and_give_the_final_tax_in_the_cart()
    {
        var catalog = new FixedTaxRateCatalog(new RateTableTaxRates([new("DE", null, "standard", 0.19m), new("DE", null, "reduced", 0.07m)]));

        var cart = await Pricing(TaxSource.FromRates(catalog)).PriceAsync(Cart(), CancellationToken.None);

        catalog.Reads.ShouldBe(1);
        cart.TaxCalculatedAtCheckout.ShouldBeFalse();
        cart.Lines[0].Tax.Amount.ShouldBe(0.70m);
        cart.Lines[1].Tax.Amount.ShouldBe(3.80m);
    }

    [Fact]
    public async Task With_a_tax_service_a_cart_read_asks_nothing_and_says_tax_is_calculated_at_checkout()
    {
        var cart = await Pricing(TaxSource.FromService(_service)).PriceAsync(Cart(), CancellationToken.None);

        _service.Requests.ShouldBeEmpty();
        cart.TaxCalculatedAtCheckout.ShouldBeTrue();
        cart.TaxTotal.Amount.ShouldBe(0m);
        cart.Total.Amount.ShouldBe(34.50m);
    }

    [Fact]
    public async Task At_checkout_the_service_taxes_the_amounts_after_discounts_with_each_lines_class_and_shipping()
    {
        _service.Answer = request => new TaxCalculation(
            [new LineTax("l1", new Money(0.70m, Eur), 0.07m), new LineTax("l2", new Money(3.80m, Eur), 0.19m)], new Money(0.95m, Eur), 0.19m, "taxcalc_1");

        var cart = await Pricing(TaxSource.FromService(_service)).PriceAsync(Cart(new Money(5.95m, Eur)) with { CheckoutAddress = Berlin }, CancellationToken.None);

        var request = _service.Requests.ShouldHaveSingleItem();
        request.Address.ShouldBe(Berlin);
        request.PricesIncludeTax.ShouldBeTrue();
        request.Lines.Select(l => (l.LineId, l.TaxClass, l.Quantity, l.Amount.Amount)).ShouldBe([("l1", "reduced", 1, 10.70m), ("l2", "standard", 2, 23.80m)]);
        request.Shipping.ShouldBe(new Money(5.95m, Eur));

        cart.TaxCalculatedAtCheckout.ShouldBeFalse();
        cart.Lines[0].Tax.Amount.ShouldBe(0.70m);
        cart.Lines[0].NetTotal.Amount.ShouldBe(10.00m);
        cart.Lines[1].TaxRate.ShouldBe(0.19m);
        cart.Lines[1].NetTotal.Amount.ShouldBe(20.00m);
        cart.ShippingTax.Amount.ShouldBe(0.95m);
        cart.TaxTotal.Amount.ShouldBe(5.45m);
        cart.Total.Amount.ShouldBe(40.45m);
        cart.TotalExcludingTax.Amount.ShouldBe(35.00m);
    }

    [Fact]
    public async Task When_prices_exclude_tax_the_services_tax_is_added_on_top()
    {
        _service.Answer = request => new TaxCalculation(
            [new LineTax("l1", new Money(0.75m, Eur), 0.07m), new LineTax("l2", new Money(4.52m, Eur), 0.19m)], new Money(0m, Eur), 0m, null);

        var cart = await Pricing(TaxSource.FromService(_service), pricesIncludeTax: false).PriceAsync(Cart() with { CheckoutAddress = Berlin }, CancellationToken.None);

        _service.Requests.Single().PricesIncludeTax.ShouldBeFalse();
        cart.Lines[1].NetTotal.Amount.ShouldBe(23.80m);
        cart.Lines[1].Total.Amount.ShouldBe(28.32m);
        cart.TotalExcludingTax.Amount.ShouldBe(34.50m);
        cart.Total.Amount.ShouldBe(39.77m);
        cart.TaxTotal.Amount.ShouldBe(5.27m);
    }

    [Fact]
    public async Task A_calculation_that_leaves_out_a_line_is_not_charged()
    {
        _service.Answer = request => new TaxCalculation([new LineTax("l1", new Money(0.70m, Eur), 0.07m)], new Money(0m, Eur), 0m, null);

        await Should.ThrowAsync<InvalidOperationException>(() => Pricing(TaxSource.FromService(_service)).PriceAsync(Cart() with { CheckoutAddress = Berlin }, CancellationToken.None));
    }

    [Fact]
    public async Task The_services_refusal_of_an_address_reaches_the_caller()
    {
        _service.Answer = request => throw new NoTaxRateException(new TaxLocation("US", null), "cannot locate");

        var refusal = await Should.ThrowAsync<NoTaxRateException>(() => Pricing(TaxSource.FromService(_service)).PriceAsync(Cart() with { CheckoutAddress = Berlin }, CancellationToken.None));

        refusal.Message.ShouldBe("cannot locate");
    }

    [Fact]
    public async Task Without_a_tax_source_nothing_is_priced_and_the_reason_is_given()
    {
        var failure = await Should.ThrowAsync<TaxNotConfiguredException>(() =>
            Pricing(TaxSource.NotConfigured("Tax:Source is not set.")).PriceAsync(Cart(), CancellationToken.None));

        failure.Message.ShouldBe("Tax:Source is not set.");
    }

    private sealed class RecordingTaxService : ITaxService
    {
        public List<TaxCalculationRequest> Requests { get; } = [];
        public Func<TaxCalculationRequest, TaxCalculation> Answer { get; set; } = _ => throw new InvalidOperationException("No answer set.");
        public string Name => "test";

        public Task<TaxCalculation> CalculateAsync(TaxCalculationRequest request, CancellationToken ct)
        {
            Requests.Add(request);
            return Task.FromResult(Answer(request));
        }
    }
}
