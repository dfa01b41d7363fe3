using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>
/// Fees by zone, distance band, chargeable weight and service level, and delivery dates in the origin's business days.
/// The origin is Utrecht; the clock stands at Friday 14 March 2025, 10:30 in Amsterdam (before the 15:00 cut-off).
/// </summary>
public sealed class DistanceShippingRatesTests : DistanceRatesTestBase
{
    [Fact]
    public async Task Near_the_origin_standard_is_the_zone_fee_and_express_twice_it_cheapest_first()
    {
        var options = await OptionsAsync(To("Utrecht"), 20m, Mugs(1));

        options.Zone.ShouldBe("domestic");
        options.Origin.ShouldBe("Utrecht");
        options.DistanceKm!.Value.ShouldBeLessThan(1);
        options.LocatedBy.ShouldBe(GeocodePrecision.City);
        options.Note.ShouldBeNull();
        options.Services.Select(s => (s.Service, s.Fee.Amount)).ShouldBe([(ShippingServiceLevel.Standard, 4.95m), (ShippingServiceLevel.Express, 9.90m)]);
    }

    [Fact]
    public async Task A_farther_address_pays_its_distance_band()
    {
        var options = await OptionsAsync(To("Groningen"), 20m, Mugs(1));

        options.DistanceKm!.Value.ShouldBe(Utrecht.DistanceKmTo(Groningen), 0.1);
        options.DistanceKm.Value.ShouldBeInRange(150, 250);
        options.Services[0].Fee.Amount.ShouldBe(4.95m + 1.50m);
    }

    [Fact]
    public async Task An_address_that_cannot_be_located_is_priced_at_its_zone_s_farthest_band_and_says_so()
    {
        var options = await OptionsAsync(To("Atlantis"), 20m, Mugs(1));

        options.DistanceKm.ShouldBeNull();
        options.LocatedBy.ShouldBeNull();
        options.Note.ShouldBe(DistanceShippingRates.NotLocatedNote);
        options.Services[0].Fee.Amount.ShouldBe(4.95m + 6.00m);
    }

    [Fact]
    public async Task Each_further_started_kilogram_costs_the_per_kilogram_fee()
    {
        // 4 mugs of 350 g: 1.4 kg, two started kilograms.
        var options = await OptionsAsync(To("Utrecht"), 20m, Mugs(4));

        options.WeightGrams.ShouldBe(1400);
        options.ChargeableWeightGrams.ShouldBe(1400);
        options.Services[0].Fee.Amount.ShouldBe(4.95m + 0.50m);
    }

    [Fact]
    public async Task A_light_but_bulky_parcel_is_charged_by_its_dimensional_weight()
    {
        // A pillow: 400 g in 50 x 40 x 30 cm = 60,000 cm³, which at 5000 cm³ per kg weighs 12 kg.
        var pillow = new ParcelItem("PILLOW", 1) { ProductId = Product(new Measurements(400, 500, 400, 300), "PILLOW") };

        var options = await OptionsAsync(To("Utrecht"), 20m, pillow);

        options.WeightGrams.ShouldBe(400);
        options.ChargeableWeightGrams.ShouldBe(12_000);
        options.Services[0].Fee.Amount.ShouldBe(4.95m + 0.50m * 11);
    }

    [Fact]
    public async Task A_variant_s_own_measurements_beat_the_product_s()
    {
        var product = CatalogExamples.ExistingMug("prod_two_sizes") with
        {
            Measurements = new Measurements(350, 120, 90, 100),
            Variants = [new ProductVariant("MUG-XXL", null, new Dictionary<string, string>(), new Money(30m, "EUR"), null) { Measurements = new Measurements(2_500, 200, 200, 200) }],
        };
        AddProduct(product);

        var options = await OptionsAsync(To("Utrecht"), 20m, new ParcelItem("MUG-XXL", 1) { ProductId = product.Id });

        options.WeightGrams.ShouldBe(2_500);
    }

    [Fact]
    public async Task A_unit_without_measurements_or_product_counts_as_half_a_kilo_in_a_shoebox()
    {
        var options = await OptionsAsync(To("Utrecht"), 20m, new ParcelItem("MUG-RED", 1) { ProductId = Product(null) }, new ParcelItem("UNKNOWN", 1));

        options.WeightGrams.ShouldBe(1_000);
    }

    [Fact]
    public async Task Standard_is_free_from_the_zone_s_threshold_and_express_never_is()
    {
        var options = await OptionsAsync(To("Groningen"), 50m, Mugs(1));

        var standard = options.Services.Single(s => s.Service == ShippingServiceLevel.Standard);
        standard.Fee.Amount.ShouldBe(0m);
        standard.FreeShipping.ShouldBeTrue();
        options.Services.Single(s => s.Service == ShippingServiceLevel.Express).Fee.Amount.ShouldBe(9.90m + 1.50m);
    }

    [Fact]
    public async Task A_parcel_over_the_weight_limit_is_refused_with_the_limit()
    {
        var bricks = new ParcelItem("BRICK", 20) { ProductId = Product(new Measurements(2_000, 200, 100, 60), "BRICK") };

        var e = await Should.ThrowAsync<BusinessRuleViolationException>(() => OptionsAsync(To("Utrecht"), 20m, bricks));

        e.Field.ShouldBe("items");
        e.Message.ShouldContain("40 kg");
        e.Message.ShouldContain("31.5 kg");
    }

    [Fact]
    public async Task An_item_longer_than_a_parcel_may_be_is_refused()
    {
        var ladder = new ParcelItem("LADDER", 1) { ProductId = Product(new Measurements(4_000, 2_000, 400, 100), "LADDER") };

        (await Should.ThrowAsync<BusinessRuleViolationException>(() => OptionsAsync(To("Utrecht"), 20m, ladder))).Field.ShouldBe("items");
    }

    [Fact]
    public async Task A_country_in_no_zone_is_not_shipped_to()
    {
        var e = await Should.ThrowAsync<BusinessRuleViolationException>(() => OptionsAsync(To("Recife", "BR"), 20m, Mugs(1)));

        e.Field.ShouldBe("shippingAddress.country");
    }

    [Fact]
    public async Task Before_the_cut_off_on_a_friday_the_parcel_leaves_that_day_and_business_days_skip_the_weekend_and_holidays()
    {
        var standard = (await OptionsAsync(To("Utrecht"), 20m, Mugs(1))).Services.Single(s => s.Service == ShippingServiceLevel.Standard);

        standard.DispatchDate.ShouldBe(new DateOnly(2025, 3, 14));
        // Monday 17 March is the warehouse's holiday: 1 business day is Tuesday, 2 is Wednesday.
        standard.EarliestDelivery.ShouldBe(new DateOnly(2025, 3, 18));
        standard.LatestDelivery.ShouldBe(new DateOnly(2025, 3, 19));
    }

    [Fact]
    public async Task After_the_cut_off_the_parcel_leaves_on_the_next_business_day()
    {
        Clock = new FixedClock(new DateTimeOffset(2025, 3, 14, 15, 30, 0, TimeSpan.Zero)); // 16:30 in Amsterdam

        var standard = (await OptionsAsync(To("Utrecht"), 20m, Mugs(1))).Services.Single(s => s.Service == ShippingServiceLevel.Standard);

        standard.DispatchDate.ShouldBe(new DateOnly(2025, 3, 18));
        standard.EarliestDelivery.ShouldBe(new DateOnly(2025, 3, 19));
    }

    [Fact]
    public async Task The_request_s_origin_replaces_the_default_one()
    {
        var groningenWarehouse = UtrechtWarehouse with { Name = "Groningen", Location = Groningen };

        var options = await Rates().QuoteOptionsAsync(Request(To("Groningen"), 20m, Mugs(1)) with { Origin = groningenWarehouse }, CancellationToken.None);

        options.Origin.ShouldBe("Groningen");
        options.DistanceKm.ShouldBe(0);
        options.Services[0].Fee.Amount.ShouldBe(4.95m);
    }

    [Fact]
    public async Task Without_a_default_origin_or_one_in_the_request_nothing_is_priced()
    {
        await Should.ThrowAsync<NotConfiguredException>(() =>
            Rates(noDefaultOrigin: true).QuoteOptionsAsync(Request(To("Utrecht"), 20m, Mugs(1)), CancellationToken.None));
    }

    [Theory]
    [InlineData(null, "standard", 4.95)]
    [InlineData(ShippingServiceLevel.Standard, "standard", 4.95)]
    [InlineData(ShippingServiceLevel.Express, "express", 9.90)]
    public async Task Checkout_s_quote_is_the_chosen_service_and_standard_when_none_is_chosen(ShippingServiceLevel? chosen, string service, double fee)
    {
        var quote = await Rates().QuoteAsync(Request(To("Utrecht"), 20m, Mugs(1)) with { Service = chosen }, CancellationToken.None);

        quote.Service.ShouldBe(service);
        quote.Fee.ShouldBe(new Money((decimal)fee, "EUR"));
        quote.Carrier.ShouldBe("local-carrier");
    }
}
