using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>
/// One service level's offer: its fee, whether the free-shipping threshold waived it, and when it arrives.
/// <see cref="CarrierService"/> is set when the fee is the carrier's live rate: the carrier's own name of the service
/// (UPS "Express", ...), which the label is then bought at.
/// </summary>
public sealed record ServiceQuote(
    ShippingServiceLevel Service, string Carrier, Money Fee, bool FreeShipping,
    int BusinessDaysMin, int BusinessDaysMax, DateOnly DispatchDate, DateOnly EarliestDelivery, DateOnly LatestDelivery)
{
    public string? CarrierService { get; init; }
}

/// <summary>One parcel of a quote: where it leaves from, how far it travels, what it weighs, and its offers.</summary>
public sealed record ParcelOptions(
    string? WarehouseId, string Origin, double? DistanceKm, int WeightGrams, int ChargeableWeightGrams, IReadOnlyList<ServiceQuote> Services);

/// <summary>
/// Every service level the address's zone offers, cheapest first, and what they were priced on: the origin, the
/// distance (null when the address could not be located: then <see cref="Note"/> says the zone's farthest band was
/// used), and the chargeable weight (the larger of the actual and the dimensional weight). An order that ships from
/// several warehouses is several <see cref="Parcels"/>: each service's fee is the sum of the parcels' fees, it arrives
/// when the last parcel does, and the top-level origin, distance and weights describe them together.
/// </summary>
public sealed record ShippingOptions(
    string Zone, string Origin, double? DistanceKm, GeocodePrecision? LocatedBy, string? Note,
    int WeightGrams, int ChargeableWeightGrams, IReadOnlyList<ServiceQuote> Services)
{
    public IReadOnlyList<ParcelOptions> Parcels { get; init; } = [];

    /// <summary>The service level checkout records (null: standard), as the order's <see cref="ShippingQuote"/>.</summary>
    /// <exception cref="BusinessRuleViolationException">The zone does not offer it (field shippingService).</exception>
    public ShippingQuote Choose(ShippingServiceLevel? service, string? country)
    {
        var wanted = service ?? ShippingServiceLevel.Standard;
        var chosen = Services.FirstOrDefault(s => s.Service == wanted)
            ?? throw new BusinessRuleViolationException($"{wanted} shipping is not offered to {country}.", "shippingService");
        return new ShippingQuote(chosen.Carrier, DistanceShippingRates.ServiceName(chosen.Service), chosen.Fee, chosen.BusinessDaysMin, chosen.BusinessDaysMax)
        {
            CarrierService = chosen.CarrierService,
        };
    }
}

/// <summary>A parcel to price: its items and the origin it leaves from (null: the shop's default origin).</summary>
public sealed record ParcelToQuote(string? WarehouseId, DispatchOrigin? Origin, IReadOnlyList<ParcelItem> Items);

/// <summary>
/// Shipping fees by zone, distance band, chargeable weight and service level, with delivery estimates in the origin's
/// business days. The address's country picks the zone (<see cref="ZoneShippingRates"/>: a country in no zone is not
/// shipped to); the geocoder locates the address and the distance is measured from the parcel's origin; the products'
/// measurements (one read of the products) weigh each parcel. A service level whose rule says so takes the carrier's
/// live rate instead of the table's fee (<see cref="ServiceRate.UsesCarrierRates"/>). Tests: DistanceShippingRatesTests,
/// CheckoutShippingFeeTests.
/// </summary>
public sealed class DistanceShippingRates(
    IRateTableSource rateTables, ZoneShippingRates zones, IGeocoder geocoder, DispatchOrigin? defaultOrigin, IProductStore products,
    IWarehouseStore warehouses, IEnumerable<ICarrier> carriers, ShopSettings settings, TimeProvider clock)
{
    public const string NotLocatedNote = "The address could not be located, so the fee is its zone's for the farthest distance band.";
    public const string CarrierRatesFailedNote = "The carrier's live rates could not be had just now, so the shop's own rates apply.";

    /// <summary>
    /// Every service level for the request, for the storefront. The origin is the request's, else the nearest active
    /// warehouse with a location that ships to the country (from the recent copy of the warehouse directory: where the
    /// order ships from when that warehouse has it in stock), else the shop's default. Checkout prices the warehouses the
    /// order is actually planned from (<see cref="QuoteParcelsAsync"/>).
    /// </summary>
    /// <exception cref="BusinessRuleViolationException">Not shipped to (shippingAddress.country), or a parcel over the limits (items).</exception>
    public async Task<ShippingOptions> QuoteOptionsAsync(ShippingQuoteRequest request, CancellationToken ct)
    {
        EnsureShippedTo(request);
        var located = await LocateAsync(request.Address, ct);
        var origin = request.Origin;
        string? warehouseId = null;
        if (origin is null && Nearest(await warehouses.ReadRecentAsync(ct), request.Address.Country, located.Result?.Point) is { } nearest)
            (warehouseId, origin) = (nearest.Id, OriginOf(nearest));
        return await QuoteParcelsAsync(request.Address, located, [new ParcelToQuote(warehouseId, origin, request.Items)], request.Subtotal, ct);
    }

    /// <summary>The chosen service level (<see cref="ShippingQuoteRequest.Service"/>; none chosen: standard), as checkout records it.</summary>
    public async Task<ShippingQuote> QuoteAsync(ShippingQuoteRequest request, CancellationToken ct) =>
        (await QuoteOptionsAsync(request, ct)).Choose(request.Service, request.Address.Country);

    /// <summary>
    /// Where the address is: the geocoder's answer, or none with the note the quote carries. A geocoder that is not
    /// configured (503) or fails (its own error, after retries) fails the quote: an outage never silently changes a fee.
    /// </summary>
    public async Task<Destination> LocateAsync(ShippingAddress address, CancellationToken ct)
    {
        var found = await geocoder.GeocodeAsync(address, ct);
        return new Destination(found, found is null ? NotLocatedNote : null);
    }

    /// <summary>
    /// Prices each parcel from its origin and adds them up per service level: a split order pays each parcel's fee, the
    /// free-shipping threshold counts the whole order's goods (<paramref name="subtotal"/>), and delivery is when the last
    /// parcel arrives. A service level some parcel cannot have is not offered.
    /// </summary>
    public async Task<ShippingOptions> QuoteParcelsAsync(
        ShippingAddress address, Destination located, IReadOnlyList<ParcelToQuote> parcels, Money subtotal, CancellationToken ct)
    {
        var zone = EnsureShippedTo(new ShippingQuoteRequest(address, [], subtotal));
        var table = await rateTables.GetAsync(ct);
        var services = table.ServicesByZone.GetValueOrDefault(zone.Name)
            ?? throw new InvalidOperationException($"The rate table has no services for zone {zone.Name}.");
        var measured = await MeasurementsAsync(parcels.SelectMany(p => p.Items).ToList(), ct);
        var digits = Currencies.MinorDigits(settings.Currency);
        var notes = new List<string>();
        if (located.Note is { } locateNote) notes.Add(locateNote);

        var priced = new List<ParcelOptions>();
        foreach (var parcel in parcels)
        {
            // Null only where no default origin is configured: refused (503), never priced from a made-up place.
            var origin = parcel.Origin ?? defaultOrigin
                ?? throw new NotConfiguredException("Shipping cannot be priced by distance: the shop's default dispatch origin (Shipping:Origin:*) is not configured; see docs/shipping.md.");
            var weight = Weigh(table, parcel.Items, measured);
            var distance = located.Result is { } to && origin.Location.IsOnTheGlobe() ? Math.Round(origin.Location.DistanceKmTo(to.Point), 1) : (double?)null;
            if (located.Result is not null && distance is null) notes.Add($"{origin.Name} has no location yet, so its parcel is priced at the zone's farthest distance band.");
            var dispatch = origin.Calendar.DispatchDay(clock.GetUtcNow());
            var live = await CarrierRatesAsync(services, address, origin, parcel.Items, notes, ct);
            var offers = services
                .Select(rate => Offer(rate, weight.ChargeableGrams, distance, subtotal.Amount, origin.Calendar, dispatch, digits, live))
                .OrderBy(o => o.Fee.Amount).ThenBy(o => o.Service)
                .ToList();
            priced.Add(new ParcelOptions(parcel.WarehouseId, origin.Name, distance, weight.WeightGrams, weight.ChargeableGrams, offers));
        }

        var combined = priced[0].Services
            .Where(s => priced.All(p => p.Services.Any(o => o.Service == s.Service)))
            .Select(s => Combine(priced.Select(p => p.Services.First(o => o.Service == s.Service)).ToList()))
            .OrderBy(o => o.Fee.Amount).ThenBy(o => o.Service)
            .ToList();
        return new ShippingOptions(zone.Name, string.Join(" + ", priced.Select(p => p.Origin).Distinct()),
            priced.Any(p => p.DistanceKm is null) ? null : priced.Max(p => p.DistanceKm), located.Result?.Precision,
            notes.Count == 0 ? null : string.Join(" ", notes.Distinct()),
            priced.Sum(p => p.WeightGrams), priced.Sum(p => p.ChargeableWeightGrams), combined) { Parcels = priced };
    }

    /// <summary>The dispatch origin of a warehouse: its location and calendar, and its address (a carrier's live rate needs it).</summary>
    public static DispatchOrigin OriginOf(Warehouse warehouse) =>
        new(warehouse.Name, warehouse.Location ?? new GeoPoint(double.NaN, double.NaN), warehouse.Dispatch) { Address = warehouse.Address };

    public static string ServiceName(ShippingServiceLevel level) => level.ToString().ToLowerInvariant();

    /// <summary>The address's zone; refuses a country in no zone (shippingAddress.country) and a subtotal in another currency.</summary>
    public ShippingZone EnsureShippedTo(ShippingQuoteRequest request)
    {
        var country = request.Address.Country?.Trim();
        var zone = zones.ZoneFor(country)
            ?? throw new BusinessRuleViolationException($"We do not ship to {(string.IsNullOrEmpty(country) ? "this country" : country)}.", "shippingAddress.country");
        if (!string.Equals(request.Subtotal.Currency, settings.Currency, StringComparison.Ordinal))
            throw ValidationFailedException.For("subtotal.currency", $"must be the shop's currency, {settings.Currency}.");
        return zone;
    }

    private static Warehouse? Nearest(WarehouseDirectory directory, string? country, GeoPoint? destination) => directory.Warehouses
        .Where(w => w.Active && w.ShipsToCountry(country) && w.Location is { } l && l.IsOnTheGlobe())
        .OrderBy(w => destination is { } to && to.IsOnTheGlobe() ? w.Location!.Value.DistanceKmTo(to) : 0).ThenBy(w => w.Priority).ThenBy(w => w.Id, StringComparer.Ordinal)
        .FirstOrDefault();

    private static ServiceQuote Combine(IReadOnlyList<ServiceQuote> parcels) => parcels.Count == 1 ? parcels[0] : parcels[0] with
    {
        Fee = new Money(parcels.Sum(p => p.Fee.Amount), parcels[0].Fee.Currency),
        FreeShipping = parcels.All(p => p.FreeShipping),
        BusinessDaysMin = parcels.Max(p => p.BusinessDaysMin),
        BusinessDaysMax = parcels.Max(p => p.BusinessDaysMax),
        DispatchDate = parcels.Max(p => p.DispatchDate),
        EarliestDelivery = parcels.Max(p => p.EarliestDelivery),
        LatestDelivery = parcels.Max(p => p.LatestDelivery),
        CarrierService = parcels.Select(p => p.CarrierService).Distinct().Count() == 1 ? parcels[0].CarrierService : null,
    };

    /// <summary>
    /// The carrier's live rates for this parcel, when a service level of the zone takes them and a carrier is
    /// configured (one call to the carrier per parcel); empty otherwise, or when the carrier fails (then the note says so
    /// and the table's fees apply: a storefront still gets a price).
    /// </summary>
    private async Task<IReadOnlyList<CarrierRate>> CarrierRatesAsync(
        IReadOnlyList<ServiceRate> services, ShippingAddress address, DispatchOrigin origin, IReadOnlyList<ParcelItem> items, List<string> notes, CancellationToken ct)
    {
        if (!services.Any(s => s.UsesCarrierRates) || carriers.FirstOrDefault(c => c is not MissingCarrier) is not { } carrier) return [];
        try
        {
            var rates = await carrier.GetRatesAsync(new ShipmentRequest("quote", address, items, "standard", $"quote-{Guid.NewGuid():N}") { Origin = origin.Address }, ct);
            return rates.Where(r => r.Fee.Currency == settings.Currency).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            notes.Add(CarrierRatesFailedNote);
            return [];
        }
    }

    private ServiceQuote Offer(
        ServiceRate rate, int chargeableGrams, double? distanceKm, decimal goods, DispatchCalendar calendar, DateOnly dispatch, int digits, IReadOnlyList<CarrierRate> live)
    {
        var band = distanceKm is { } km
            ? rate.DistanceBands.First(b => b.UpToKm is null || km <= b.UpToKm)
            : rate.DistanceBands[^1];
        var startedKg = (chargeableGrams + 999) / 1000;
        var fee = rate.BaseFee + rate.FeePerKg * Math.Max(0, startedKg - 1) + band.Surcharge;
        var (daysMin, daysMax) = (rate.BusinessDaysMin, rate.BusinessDaysMax);
        var carrierRate = rate.UsesCarrierRates ? CarrierRates.ForLevel(live, rate.Level) : null;
        if (carrierRate is not null)
        {
            fee = carrierRate.Fee.Amount;
            if (carrierRate.EstimatedDays is { } days) (daysMin, daysMax) = (days, days);
        }
        var free = rate.FreeShippingThreshold is { } threshold && goods >= threshold;
        var amount = free ? 0m : decimal.Round(fee, digits, MidpointRounding.AwayFromZero);
        return new ServiceQuote(rate.Level, carrierRate?.Carrier ?? rate.Carrier, new Money(amount, settings.Currency), free, daysMin, daysMax,
            dispatch, calendar.AddBusinessDays(dispatch, daysMin), calendar.AddBusinessDays(dispatch, daysMax)) { CarrierService = carrierRate?.Service };
    }

    /// <summary>The measurements of every item's product, in one read of the products.</summary>
    private async Task<IReadOnlyDictionary<string, Product>> MeasurementsAsync(IReadOnlyList<ParcelItem> items, CancellationToken ct)
    {
        var ids = items.Select(i => i.ProductId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = ids.Count == 0 ? [] : await products.FindManyByIdsAsync(ids, ct);
        return found.ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>The parcel's weight and chargeable weight from the variants' (else the products') measurements; over the limits is refused.</summary>
    private (int WeightGrams, int ChargeableGrams) Weigh(RateTable table, IReadOnlyList<ParcelItem> items, IReadOnlyDictionary<string, Product> byId)
    {
        long grams = 0;
        decimal volume = 0;
        var longest = 0;
        foreach (var item in items)
        {
            var product = item.ProductId is null ? null : byId.GetValueOrDefault(item.ProductId);
            var unit = product?.Variants.FirstOrDefault(v => v.Sku == item.Sku)?.Measurements ?? product?.Measurements ?? table.UnmeasuredUnit;
            grams += (long)unit.WeightGrams * item.Quantity;
            volume += unit.VolumeCm3 * item.Quantity;
            longest = Math.Max(longest, unit.LongestSideMm);
        }
        if (grams > table.Limits.MaxWeightGrams)
            throw new BusinessRuleViolationException(
                $"The parcel weighs {grams / 1000m:0.###} kg, over the {table.Limits.MaxWeightGrams / 1000m:0.###} kg a parcel may weigh: order fewer units per order.", "items");
        if (longest > table.Limits.MaxLongestSideMm)
            throw new BusinessRuleViolationException(
                $"An item is {longest / 10m:0.#} cm long, over the {table.Limits.MaxLongestSideMm / 10m:0.#} cm a parcel may measure on its longest side.", "items");
        var dimensional = (long)Math.Ceiling(volume * 1000 / table.DimensionalDivisorCm3PerKg);
        return ((int)grams, (int)Math.Max(grams, dimensional));
    }
}

/// <summary>Where the address was found (null: not located), and the note a quote then carries.</summary>
public sealed record Destination(GeocodeResult? Result, string? Note);

/// <summary>How a carrier's live rates stand for the shop's service levels: the same rule for the quote and the label.</summary>
public static class CarrierRates
{
    /// <summary>Standard: the cheapest rate. Express: the fastest the carrier estimates (then the cheapest of those); none estimated: null.</summary>
    public static CarrierRate? ForLevel(IReadOnlyList<CarrierRate> rates, ShippingServiceLevel level) => level switch
    {
        ShippingServiceLevel.Express => rates.Where(r => r.EstimatedDays is not null).OrderBy(r => r.EstimatedDays).ThenBy(r => r.Fee.Amount).FirstOrDefault(),
        _ => rates.OrderBy(r => r.Fee.Amount).FirstOrDefault(),
    };
}
