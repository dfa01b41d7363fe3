using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Inventory;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

/// <summary>
/// What the rates tests share: two zones (NL; DE and BE), an origin in Utrecht, products with measurements, a geocoder
/// that knows a few cities, warehouses and carriers, and a clock at Friday 14 March 2025, 10:30 in Amsterdam.
/// </summary>
public abstract class DistanceRatesTestBase
{
    protected static readonly IReadOnlyList<ShippingZone> Zones =
    [
        new("domestic", ["NL"], "local-carrier", "standard", 4.95m, 0.50m, 50m, 1, 2),
        new("eu", ["DE", "BE"], "local-carrier", "europe", 9.95m, 1.00m, 100m, 2, 5),
    ];

    protected static readonly GeoPoint Utrecht = new(52.0908, 5.1222);
    protected static readonly GeoPoint Groningen = new(53.2194, 6.5665);

    protected static readonly DispatchOrigin UtrechtWarehouse = new("Utrecht", Utrecht,
        new DispatchCalendar(new TimeOnly(15, 0), "Europe/Amsterdam", [new(2025, 3, 17)]));

    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryWarehouseStore _warehouses = new();
    private protected FakeGeocoder Geocoder { get; } = new();
    private protected List<ICarrier> Carriers { get; } = [];
    private protected TimeProvider Clock { get; set; } = new FixedClock();

    private protected void AddProduct(Product product) => _products.Add(product);

    private protected void AddWarehouse(Warehouse warehouse) => _warehouses.Put(warehouse);

    private protected sealed class FakeGeocoder : IGeocoder
    {
        public Dictionary<string, GeoPoint> Cities { get; } = new(StringComparer.Ordinal) { ["Utrecht"] = new(52.09, 5.12), ["Groningen"] = Groningen };

        /// <summary>The map service is down: every lookup throws.</summary>
        public bool Fails { get; set; }

        /// <summary>Every address looked up, in order.</summary>
        public List<ShippingAddress> Looked { get; } = [];

        public Task<GeocodeResult?> GeocodeAsync(ShippingAddress address, CancellationToken ct)
        {
            Looked.Add(address);
            return Fails ? throw new HttpRequestException("The map service is unavailable.") : Task.FromResult(address.City is { } city && Cities.TryGetValue(city, out var point) ? new GeocodeResult(point, GeocodePrecision.City) : null);
        }
    }

    /// <param name="carrierRates">Every service level takes the carrier's live rate (<see cref="ServiceRate.UsesCarrierRates"/>).</param>
    protected DistanceShippingRates Rates(DispatchOrigin? origin = null, bool noDefaultOrigin = false, bool carrierRates = false)
    {
        var table = RateTable.FromZones(Zones);
        if (carrierRates)
            table = table with { ServicesByZone = table.ServicesByZone.ToDictionary(z => z.Key, z => (IReadOnlyList<ServiceRate>)z.Value.Select(r => r with { UsesCarrierRates = true }).ToList()) };
        return new(new FixedRateTable(table), new ZoneShippingRates(Zones, new ShopSettings("EUR")), Geocoder,
            noDefaultOrigin ? null : origin ?? UtrechtWarehouse, _products, _warehouses, Carriers, new ShopSettings("EUR"), Clock);
    }

    protected static ShippingAddress To(string city, string country = "NL") => new("Ada", "Main Street 1", null, city, "1234 AB", null, country, null);

    protected string Product(Measurements? measurements, string sku = "MUG-RED")
    {
        var product = CatalogExamples.ExistingMug($"prod_{Guid.NewGuid():N}"[..20]) with
        {
            Measurements = measurements,
            Variants = [new ProductVariant(sku, null, new Dictionary<string, string>(), new Money(12.50m, "EUR"), null)],
        };
        _products.Add(product);
        return product.Id;
    }

    protected static ShippingQuoteRequest Request(ShippingAddress to, decimal subtotal, params ParcelItem[] items) =>
        new(to, items, new Money(subtotal, "EUR"));

    protected async Task<ShippingOptions> OptionsAsync(ShippingAddress to, decimal subtotal, params ParcelItem[] items) =>
        await Rates().QuoteOptionsAsync(Request(to, subtotal, items), CancellationToken.None);

    protected ParcelItem Mugs(int quantity) => new("MUG-RED", quantity) { ProductId = Product(new Measurements(350, 120, 90, 100)) };

}
