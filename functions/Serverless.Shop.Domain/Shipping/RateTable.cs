using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>How fast a parcel travels; the quote offers every level its zone has, checkout takes one.</summary>
public enum ShippingServiceLevel { Standard, Express }

/// <summary>A distance band: up to <see cref="UpToKm"/> from the origin (null: any farther) adds <see cref="Surcharge"/>.</summary>
public sealed record DistanceBand(int? UpToKm, decimal Surcharge);

/// <summary>
/// One service level's price and speed in a zone: <see cref="BaseFee"/> covers the first kilogram of chargeable weight,
/// each further started kilogram adds <see cref="FeePerKg"/>, the distance band adds its surcharge, and the whole fee is
/// waived from <see cref="FreeShippingThreshold"/> (the goods' price after discounts). Delivery takes
/// <see cref="BusinessDaysMin"/> to <see cref="BusinessDaysMax"/> business days after dispatch.
/// </summary>
public sealed record ServiceRate(
    ShippingServiceLevel Level, string Carrier, decimal BaseFee, decimal FeePerKg, IReadOnlyList<DistanceBand> DistanceBands,
    decimal? FreeShippingThreshold, int BusinessDaysMin, int BusinessDaysMax)
{
    /// <summary>
    /// The configured carrier's live rate replaces the fee (and its estimate the days) when it quotes one for the service
    /// level (<see cref="CarrierRates.ForLevel"/>); the threshold still waives it. Without a live rate, the fee above applies.
    /// </summary>
    public bool UsesCarrierRates { get; init; }
}

/// <summary>The largest parcel the shop sends: heavier or longer is refused at the quote, with the limit it broke.</summary>
public sealed record ParcelLimits(int MaxWeightGrams, int MaxLongestSideMm);

/// <summary>
/// The rate rules: each zone's service levels, the dimensional-weight divisor (cm³ per kg: a parcel is charged by the
/// larger of its weight and its volume divided by this), the parcel limits, and what a unit without measurements
/// counts as.
/// </summary>
public sealed record RateTable(
    IReadOnlyDictionary<string, IReadOnlyList<ServiceRate>> ServicesByZone, int DimensionalDivisorCm3PerKg, ParcelLimits Limits, Measurements UnmeasuredUnit)
{
    /// <summary>The usual courier divisor (IATA's 5000 cm³ per kg).</summary>
    public const int DefaultDimensionalDivisor = 5000;

    /// <summary>Typical courier limits: 31.5 kg, 1.2 m on the longest side.</summary>
    public static readonly ParcelLimits DefaultLimits = new(31_500, 1_200);

    /// <summary>A unit with no measurements: half a kilo in a shoebox.</summary>
    public static readonly Measurements DefaultUnmeasuredUnit = new(500, 300, 200, 100);

    /// <summary>
    /// The default rules for a set of zones: standard at the zone's fee (plus the zone's per-item fee per further
    /// kilogram) and estimate; express at twice the fee, a day or more faster, never free; distance bands from the
    /// origin of 0 (to 50 km), 1.50 (to 250 km), 3.00 (to 1000 km) and 6.00 (farther) in the shop's currency.
    /// </summary>
    public static RateTable FromZones(IReadOnlyList<ShippingZone> zones)
    {
        IReadOnlyList<DistanceBand> bands = [new(50, 0m), new(250, 1.50m), new(1000, 3.00m), new(null, 6.00m)];
        return new RateTable(
            zones.ToDictionary(z => z.Name, z => (IReadOnlyList<ServiceRate>)
            [
                new ServiceRate(ShippingServiceLevel.Standard, z.Carrier, z.BaseFee, z.FeePerAdditionalItem, bands, z.FreeShippingThreshold, z.EstimatedDaysMin, z.EstimatedDaysMax),
                new ServiceRate(ShippingServiceLevel.Express, z.Carrier, z.BaseFee * 2, z.FeePerAdditionalItem * 2, bands, null,
                    Math.Max(1, z.EstimatedDaysMin - 1), Math.Max(1, z.EstimatedDaysMax / 2)),
            ], StringComparer.Ordinal),
            DefaultDimensionalDivisor, DefaultLimits, DefaultUnmeasuredUnit);
    }
}

/// <summary>
/// Where a parcel leaves from: a point (distance bands) and its dispatch calendar (delivery estimates): a warehouse
/// (<see cref="DistanceShippingRates.OriginOf"/>), or, where no warehouse applies, the shop's default origin from
/// <c>Shipping:Origin:*</c>.
/// </summary>
public sealed record DispatchOrigin(string Name, GeoPoint Location, DispatchCalendar Calendar)
{
    /// <summary>The postal address parcels leave from (a warehouse's): what a carrier's live rate is asked for.</summary>
    public ShippingAddress? Address { get; init; }
}

/// <summary>
/// When parcels leave: orders before <see cref="CutOff"/> (in <see cref="TimeZone"/>, an IANA zone) on a business day
/// leave that day, later ones the next business day. Business days are Monday to Friday except <see cref="Holidays"/>.
/// </summary>
public sealed record DispatchCalendar(TimeOnly CutOff, string TimeZone, IReadOnlyList<DateOnly> Holidays)
{
    public bool IsBusinessDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.Contains(day);

    /// <summary>The day an order placed at <paramref name="now"/> leaves the warehouse.</summary>
    public DateOnly DispatchDay(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        var day = DateOnly.FromDateTime(local.DateTime);
        if (IsBusinessDay(day) && TimeOnly.FromDateTime(local.DateTime) < CutOff) return day;
        return AddBusinessDays(day, 1);
    }

    /// <summary><paramref name="days"/> business days after <paramref name="from"/> (0: <paramref name="from"/> itself).</summary>
    public DateOnly AddBusinessDays(DateOnly from, int days)
    {
        var day = from;
        for (var added = 0; added < days;)
        {
            day = day.AddDays(1);
            if (IsBusinessDay(day)) added++;
        }
        return day;
    }
}
