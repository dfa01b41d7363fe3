using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Inventory;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>
/// Where a quote's parcels leave from (the nearest warehouse for a storefront's quote; the planned warehouses at
/// checkout), how a split order's parcels add up, and live carrier rates per service level. Zones and fees as in
/// <see cref="DistanceRatesTestBase"/>: NL standard 4.95 (free from 50), express 9.90; Utrecht to Groningen is about
/// 160 km (the 1.50 band).
/// </summary>
public sealed class ParcelQuoteTests : DistanceRatesTestBase
{
    private static Warehouse Warehouse(string id, GeoPoint location, bool active = true) =>
        InMemoryWarehouseStore.Sample(id, location, ["NL"], active: active) with { Name = id };

    private static DispatchOrigin From(string id, GeoPoint location) => DistanceShippingRates.OriginOf(Warehouse(id, location));

    private sealed class FakeCarrier(Func<IReadOnlyList<CarrierRate>> rates) : ICarrier
    {
        public List<ShipmentRequest> Asked { get; } = [];
        public string Name => "fake";
        public bool SendsTrackingWebhooks => true;
        public Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct)
        {
            Asked.Add(request);
            return Task.FromResult(rates());
        }
        public Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct) => throw new NotSupportedException();
        public Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct) => throw new NotSupportedException();
    }

    private static CarrierRate Rate(string service, decimal fee, int? days) => new($"rate_{service}", "UPS", service, new Money(fee, "EUR"), days);

    [Fact]
    public async Task The_storefront_s_quote_leaves_from_the_nearest_active_warehouse_that_ships_there()
    {
        AddWarehouse(Warehouse("utrecht", Utrecht));
        AddWarehouse(Warehouse("groningen", Groningen));
        AddWarehouse(Warehouse("closed", new GeoPoint(53.22, 6.57), active: false));

        var toGroningen = await OptionsAsync(To("Groningen"), 20m, Mugs(1));
        var toUtrecht = await OptionsAsync(To("Utrecht"), 20m, Mugs(1));

        (toGroningen.Origin, toGroningen.Parcels.Single().WarehouseId, toGroningen.DistanceKm).ShouldBe(("groningen", "groningen", 0));
        toUtrecht.Origin.ShouldBe("utrecht");
    }

    [Fact]
    public async Task With_no_warehouse_that_ships_there_the_shop_s_default_origin_prices_it()
    {
        AddWarehouse(InMemoryWarehouseStore.Sample("berlin", new GeoPoint(52.52, 13.40), ["DE"]));

        var options = await OptionsAsync(To("Groningen"), 20m, Mugs(1));

        (options.Origin, options.Parcels.Single().WarehouseId).ShouldBe(("Utrecht", null));
        options.Services[0].Fee.Amount.ShouldBe(4.95m + 1.50m);
    }

    [Fact]
    public async Task A_split_order_pays_each_parcel_s_fee_from_its_own_warehouse_and_arrives_with_the_last()
    {
        var rates = Rates();
        var located = await rates.LocateAsync(To("Groningen"), CancellationToken.None);

        var options = await rates.QuoteParcelsAsync(To("Groningen"), located,
            [new ParcelToQuote("groningen", From("groningen", Groningen), [Mugs(1)]), new ParcelToQuote("utrecht", From("utrecht", Utrecht), [Mugs(2)])],
            new Money(20m, "EUR"), CancellationToken.None);

        options.Parcels.Select(p => (p.WarehouseId, p.Services[0].Fee.Amount)).ShouldBe([("groningen", 4.95m), ("utrecht", 4.95m + 1.50m)]);
        options.Services.Select(s => (s.Service, s.Fee.Amount)).ShouldBe([(ShippingServiceLevel.Standard, 11.40m), (ShippingServiceLevel.Express, 21.30m)]);
        options.Origin.ShouldBe("groningen + utrecht");
        options.WeightGrams.ShouldBe(3 * 350);
        options.Choose(null, "NL").Fee.Amount.ShouldBe(11.40m);
    }

    [Fact]
    public async Task The_free_shipping_threshold_counts_the_whole_order_so_every_parcel_ships_free()
    {
        var rates = Rates();
        var located = await rates.LocateAsync(To("Groningen"), CancellationToken.None);

        var options = await rates.QuoteParcelsAsync(To("Groningen"), located,
            [new ParcelToQuote("groningen", From("groningen", Groningen), [Mugs(1)]), new ParcelToQuote("utrecht", From("utrecht", Utrecht), [Mugs(1)])],
            new Money(50m, "EUR"), CancellationToken.None);

        var standard = options.Services.Single(s => s.Service == ShippingServiceLevel.Standard);
        (standard.Fee.Amount, standard.FreeShipping).ShouldBe((0m, true));
    }

    [Fact]
    public async Task When_the_map_service_fails_the_quote_fails_rather_than_change_the_fee()
    {
        Geocoder.Fails = true;

        await Should.ThrowAsync<HttpRequestException>(() => OptionsAsync(To("Groningen"), 20m, Mugs(1)));
    }

    [Fact]
    public async Task A_level_that_takes_carrier_rates_charges_the_cheapest_for_standard_and_the_fastest_for_express()
    {
        var carrier = new FakeCarrier(() => [Rate("Ground", 6.10m, 3), Rate("Saver", 5.20m, 4), Rate("Express", 14.00m, 1), Rate("Priority", 12.00m, null)]);
        Carriers.Add(carrier);
        AddWarehouse(Warehouse("utrecht", Utrecht) with { Address = To("Utrecht") with { Name = "Shop" } });

        var options = await Rates(carrierRates: true).QuoteOptionsAsync(Request(To("Groningen"), 20m, Mugs(1)), CancellationToken.None);

        var standard = options.Services.Single(s => s.Service == ShippingServiceLevel.Standard);
        var express = options.Services.Single(s => s.Service == ShippingServiceLevel.Express);
        (standard.Fee.Amount, standard.CarrierService, standard.Carrier, standard.BusinessDaysMax).ShouldBe((5.20m, "Saver", "UPS", 4));
        (express.Fee.Amount, express.CarrierService, express.BusinessDaysMin).ShouldBe((14.00m, "Express", 1));
        carrier.Asked.Single().Origin!.City.ShouldBe("Utrecht");
        options.Choose(ShippingServiceLevel.Express, "NL").CarrierService.ShouldBe("Express");
    }

    [Fact]
    public async Task When_the_carrier_cannot_quote_the_table_s_fee_applies_and_the_quote_says_so()
    {
        Carriers.Add(new FakeCarrier(() => throw new HttpRequestException("EasyPost answered 503.")));

        var options = await Rates(carrierRates: true).QuoteOptionsAsync(Request(To("Utrecht"), 20m, Mugs(1)), CancellationToken.None);

        options.Services.Select(s => (s.Fee.Amount, s.CarrierService)).ShouldBe([(4.95m, (string?)null), (9.90m, null)]);
        options.Note.ShouldBe(DistanceShippingRates.CarrierRatesFailedNote);
    }

    [Fact]
    public async Task Carrier_rates_are_asked_only_for_levels_set_to_take_them()
    {
        var carrier = new FakeCarrier(() => [Rate("Ground", 1m, 3)]);
        Carriers.Add(carrier);

        var options = await OptionsAsync(To("Utrecht"), 20m, Mugs(1));

        carrier.Asked.ShouldBeEmpty();
        options.Services[0].Fee.Amount.ShouldBe(4.95m);
    }

    [Fact]
    public async Task A_subtotal_in_another_currency_is_refused_on_its_field()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() =>
            Rates().QuoteOptionsAsync(new ShippingQuoteRequest(To("Utrecht"), [Mugs(1)], new Money(20m, "USD")), CancellationToken.None));

        failure.Errors.Keys.ShouldBe(["subtotal.currency"]);
    }
}
