using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

public sealed class ZoneShippingRatesTests
{
    private static readonly ShippingZone Domestic = new("domestic", ["NL"], "local-carrier", "standard", 4.95m, 0.50m, 50m, 1, 2);
    private static readonly ShippingZone Europe = new("eu", ["BE", "DE", "FR"], "local-carrier", "europe", 9.95m, 1.00m, 100m, 2, 5);
    private static readonly ShippingZone World = new("rest-of-world", ["US"], "local-carrier", "international", 24.95m, 2.50m, null, 5, 12);

    private static readonly ZoneShippingRates Rates = new([Domestic, Europe, World], new ShopSettings("EUR"));

    private static Task<ShippingQuote> Quote(string country, decimal subtotal, params int[] quantities) =>
        Rates.QuoteAsync(new ShippingQuoteRequest(
            ShippingAddressRulesTests.Amsterdam with { Country = country },
            quantities.Select((q, i) => new ParcelItem($"SKU-{i}", q)).ToList(),
            new Money(subtotal, "EUR")), CancellationToken.None);

    [Fact]
    public async Task One_unit_pays_the_zone_s_base_fee_with_its_service_and_estimate()
    {
        (await Quote("NL", 20m, 1)).ShouldBe(new ShippingQuote("local-carrier", "standard", new Money(4.95m, "EUR"), 1, 2));
        (await Quote("DE", 20m, 1)).ShouldBe(new ShippingQuote("local-carrier", "europe", new Money(9.95m, "EUR"), 2, 5));
    }

    [Fact]
    public async Task Every_unit_after_the_first_adds_the_fee_per_additional_item_across_lines()
    {
        (await Quote("NL", 20m, 3)).Fee.ShouldBe(new Money(5.95m, "EUR"));
        (await Quote("NL", 20m, 2, 1, 1)).Fee.ShouldBe(new Money(6.45m, "EUR"));
        (await Quote("US", 20m, 4)).Fee.ShouldBe(new Money(32.45m, "EUR"));
    }

    [Theory]
    [InlineData(49.99, 4.95)]
    [InlineData(50.00, 0)]
    [InlineData(50.01, 0)]
    public async Task Shipping_is_free_from_the_threshold_on(decimal subtotal, decimal fee)
    {
        (await Quote("NL", subtotal, 1)).Fee.ShouldBe(new Money(fee, "EUR"));
    }

    [Fact]
    public async Task Free_shipping_is_free_whatever_the_number_of_units()
    {
        (await Quote("FR", 100m, 40)).Fee.Amount.ShouldBe(0m);
    }

    [Fact]
    public async Task A_zone_without_a_threshold_never_ships_for_free()
    {
        (await Quote("US", 999_999m, 1)).Fee.Amount.ShouldBe(24.95m);
    }

    [Theory]
    [InlineData("BR")]
    [InlineData("AQ")]
    public async Task A_country_in_no_zone_is_not_shipped_to(string country)
    {
        var refusal = await Should.ThrowAsync<BusinessRuleViolationException>(() => Quote(country, 20m, 1));

        refusal.Field.ShouldBe("shippingAddress.country");
        refusal.Message.ShouldBe($"We do not ship to {country}.");
    }

    [Fact]
    public async Task A_subtotal_in_another_currency_is_refused()
    {
        var request = new ShippingQuoteRequest(ShippingAddressRulesTests.Amsterdam, [new ParcelItem("SKU-1", 1)], new Money(20m, "USD"));

        (await Should.ThrowAsync<ValidationFailedException>(() => Rates.QuoteAsync(request, CancellationToken.None))).Errors.Keys.ShouldBe(["subtotal.currency"]);
    }

    [Fact]
    public async Task Fees_are_in_the_shop_s_currency()
    {
        var yen = new ZoneShippingRates([Domestic with { BaseFee = 800m, FeePerAdditionalItem = 100m, FreeShippingThreshold = null }], new ShopSettings("JPY"));

        var quote = await yen.QuoteAsync(new ShippingQuoteRequest(ShippingAddressRulesTests.Amsterdam, [new ParcelItem("SKU-1", 2)], new Money(5000m, "JPY")), CancellationToken.None);

        quote.Fee.ShouldBe(new Money(900m, "JPY"));
    }

    [Fact]
    public void The_zone_of_a_country_is_found()
    {
        Rates.ZoneFor("DE").ShouldBe(Europe);
        Rates.ZoneFor("BR").ShouldBeNull();
        Rates.ZoneFor(null).ShouldBeNull();
    }

    [Fact]
    public void Inconsistent_zones_are_refused_with_every_problem_named()
    {
        var zones = new[]
        {
            Domestic,
            Europe with { Countries = ["DE", "NL", "fr"] },
            World with { Name = "", BaseFee = -1m, FeePerAdditionalItem = 0.005m, EstimatedDaysMin = 5, EstimatedDaysMax = 3 },
        };

        var problems = ZoneShippingRates.Problems(zones, "EUR");

        problems.ShouldContain(p => p.Contains("NL is in zones domestic and eu"));
        problems.ShouldContain(p => p.Contains("'fr' is not an ISO 3166-1 alpha-2 code"));
        problems.ShouldContain("Every zone needs a name.");
        problems.ShouldContain(p => p.Contains("base fee must be from 0"));
        problems.ShouldContain(p => p.Contains("fee per additional item has more decimals than EUR allows"));
        problems.ShouldContain(p => p.Contains("estimated days"));
        Should.Throw<ArgumentException>(() => new ZoneShippingRates(zones, new ShopSettings("EUR")));
    }

    [Fact]
    public void There_must_be_a_zone_and_amounts_must_fit_the_currency()
    {
        ZoneShippingRates.Problems([], "EUR").ShouldBe(["There must be at least one zone."]);
        ZoneShippingRates.Problems([Domestic], "JPY").ShouldContain(p => p.Contains("more decimals than JPY allows (0)"));
        ZoneShippingRates.Problems([Domestic, Europe, World], "EUR").ShouldBeEmpty();
    }
}
