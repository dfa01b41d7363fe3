using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>One service level's offer: its fee, whether the free-shipping threshold waived it, and when it arrives.</summary>
public sealed record ServiceQuote(
    ShippingServiceLevel Service, string Carrier, Money Fee, bool FreeShipping,
    int BusinessDaysMin, int BusinessDaysMax, DateOnly DispatchDate, DateOnly EarliestDelivery, DateOnly LatestDelivery);

/// <summary>
/// Every service level the address's zone offers, cheapest first, and what they were priced on: the origin, the
/// distance (null when the address could not be located: then <see cref="Note"/> says the zone's farthest band was
/// used), and the chargeable weight (the larger of the actual and the dimensional weight).
/// </summary>
public sealed record ShippingOptions(
    string Zone, string Origin, double? DistanceKm, GeocodePrecision? LocatedBy, string? Note,
    int WeightGrams, int ChargeableWeightGrams, IReadOnlyList<ServiceQuote> Services);

/// <summary>
/// Shipping fees by zone, distance band, chargeable weight and service level, with delivery estimates in the origin's
/// business days. The address's country picks the zone (<see cref="ZoneShippingRates"/>: a country in no zone is not
/// shipped to); the geocoder locates the address and the distance is measured from the origin; the products' measurements
/// (one read of the products) weigh the parcel. Tests: DistanceShippingRatesTests.
/// </summary>
public sealed class DistanceShippingRates(
    IRateTableSource rateTables, ZoneShippingRates zones, IGeocoder geocoder, DispatchOrigin? defaultOrigin, IProductStore products,
    ShopSettings settings, TimeProvider clock) : IShippingRates
{
    public const string NotLocatedNote = "The address could not be located, so the fee is its zone's for the farthest distance band.";

    /// <summary>Every service level for the request; the origin is the request's (the allocated warehouse) or the shop's default.</summary>
    /// <exception cref="BusinessRuleViolationException">Not shipped to (shippingAddress.country), or a parcel over the limits (items).</exception>
    public async Task<ShippingOptions> QuoteOptionsAsync(ShippingQuoteRequest request, CancellationToken ct)
    {
        var country = request.Address.Country?.Trim();
        var zone = zones.ZoneFor(country)
            ?? throw new BusinessRuleViolationException($"We do not ship to {(string.IsNullOrEmpty(country) ? "this country" : country)}.", "shippingAddress.country");
        if (!string.Equals(request.Subtotal.Currency, settings.Currency, StringComparison.Ordinal))
            throw ValidationFailedException.For("subtotal.currency", $"must be the shop's currency, {settings.Currency}.");
        var table = await rateTables.GetAsync(ct);
        var services = table.ServicesByZone.GetValueOrDefault(zone.Name)
            ?? throw new InvalidOperationException($"The rate table has no services for zone {zone.Name}.");

        // Null only where no default origin is configured: refused (503), never priced from a made-up place.
        var origin = request.Origin ?? defaultOrigin
            ?? throw new NotConfiguredException("Shipping cannot be priced by distance: the shop's default dispatch origin (Shipping:Origin:*) is not configured; see docs/shipping.md.");
        var parcelRead = WeighAsync(table, request.Items, ct);
        var located = await geocoder.GeocodeAsync(request.Address, ct);
        var parcel = await parcelRead;

        var distance = located is null ? (double?)null : Math.Round(origin.Location.DistanceKmTo(located.Point), 1);
        var dispatch = origin.Calendar.DispatchDay(clock.GetUtcNow());
        var digits = Currencies.MinorDigits(settings.Currency);
        var offers = services
            .Select(rate => Offer(rate, parcel.ChargeableGrams, distance, request.Subtotal.Amount, origin.Calendar, dispatch, digits))
            .OrderBy(o => o.Fee.Amount).ThenBy(o => o.Service)
            .ToList();
        return new ShippingOptions(zone.Name, origin.Name, distance, located?.Precision, located is null ? NotLocatedNote : null,
            parcel.WeightGrams, parcel.ChargeableGrams, offers);
    }

    /// <summary>The chosen service level (<see cref="ShippingQuoteRequest.Service"/>; none chosen: standard), as checkout records it.</summary>
    public async Task<ShippingQuote> QuoteAsync(ShippingQuoteRequest request, CancellationToken ct)
    {
        var options = await QuoteOptionsAsync(request, ct);
        var wanted = request.Service ?? ShippingServiceLevel.Standard;
        var chosen = options.Services.FirstOrDefault(s => s.Service == wanted)
            ?? throw new BusinessRuleViolationException($"{wanted} shipping is not offered to {request.Address.Country}.", "shippingService");
        return new ShippingQuote(chosen.Carrier, ServiceName(chosen.Service), chosen.Fee, chosen.BusinessDaysMin, chosen.BusinessDaysMax);
    }

    public static string ServiceName(ShippingServiceLevel level) => level.ToString().ToLowerInvariant();

    // The seam for live carrier rates: a service level that takes the carrier's rate gets its fee here, from the
    // carrier's rate for this origin, address and parcel, in place of the table's (issue 9 part 3 adds rates to ICarrier).
    private ServiceQuote Offer(ServiceRate rate, int chargeableGrams, double? distanceKm, decimal goods, DispatchCalendar calendar, DateOnly dispatch, int digits)
    {
        var band = distanceKm is { } km
            ? rate.DistanceBands.First(b => b.UpToKm is null || km <= b.UpToKm)
            : rate.DistanceBands[^1];
        var startedKg = (chargeableGrams + 999) / 1000;
        var fee = rate.BaseFee + rate.FeePerKg * Math.Max(0, startedKg - 1) + band.Surcharge;
        var free = rate.FreeShippingThreshold is { } threshold && goods >= threshold;
        var amount = free ? 0m : decimal.Round(fee, digits, MidpointRounding.AwayFromZero);
        return new ServiceQuote(rate.Level, rate.Carrier, new Money(amount, settings.Currency), free, rate.BusinessDaysMin, rate.BusinessDaysMax,
            dispatch, calendar.AddBusinessDays(dispatch, rate.BusinessDaysMin), calendar.AddBusinessDays(dispatch, rate.BusinessDaysMax));
    }

    /// <summary>The parcel's weight and chargeable weight from the variants' (else the products') measurements; over the limits is refused.</summary>
    private async Task<(int WeightGrams, int ChargeableGrams)> WeighAsync(RateTable table, IReadOnlyList<ParcelItem> items, CancellationToken ct)
    {
        var ids = items.Select(i => i.ProductId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = ids.Count == 0 ? [] : await products.FindManyByIdsAsync(ids, ct);
        var byId = found.ToDictionary(p => p.Value.Id, p => p.Value, StringComparer.Ordinal);

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
