using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>One zone's service levels in the rate table, as staff edit them.</summary>
public sealed record ZoneRates(string Zone, IReadOnlyList<ServiceRate> Services);

/// <summary>
/// The rate table as staff see and edit it (<c>GET/PUT /api/shipping/rates</c>): every zone's service levels, the
/// dimensional-weight divisor, the parcel limits and what an unmeasured unit counts as. <see cref="UpdatedAt"/> is null
/// while no table was saved: then the table is the defaults made from the configured zones
/// (<see cref="RateTable.FromZones"/>), and <see cref="Source"/> says so.
/// </summary>
public sealed record ManagedRateTable(
    IReadOnlyList<ZoneRates> Zones, int DimensionalDivisorCm3PerKg, ParcelLimits Limits, Measurements UnmeasuredUnit,
    DateTimeOffset? UpdatedAt, string? UpdatedBy)
{
    /// <summary><c>managed</c>: a saved table; <c>zones</c>: the defaults from the configured zones (nothing saved yet).</summary>
    public string Source => UpdatedAt is null ? "zones" : "managed";

    public RateTable ToRateTable() => new(
        Zones.ToDictionary(z => z.Zone, z => z.Services, StringComparer.Ordinal), DimensionalDivisorCm3PerKg, Limits, UnmeasuredUnit);

    /// <summary>The defaults for the configured zones, in their configured order.</summary>
    public static ManagedRateTable Defaults(IReadOnlyList<ShippingZone> zones)
    {
        var table = RateTable.FromZones(zones);
        return new ManagedRateTable(zones.Select(z => new ZoneRates(z.Name, table.ServicesByZone[z.Name])).ToList(),
            table.DimensionalDivisorCm3PerKg, table.Limits, table.UnmeasuredUnit, null, null);
    }
}

public sealed record RateTableInput(IReadOnlyList<ZoneRatesInput?>? Zones, int? DimensionalDivisorCm3PerKg, ParcelLimitsInput? Limits, MeasurementsInput? UnmeasuredUnit);

public sealed record ZoneRatesInput(string? Zone, IReadOnlyList<ServiceRateInput?>? Services);

/// <summary>A service level's rate as sent: <see cref="Level"/> is <c>standard</c> or <c>express</c>; money in the shop's currency.</summary>
public sealed record ServiceRateInput(
    string? Level, string? Carrier, decimal? BaseFee, decimal? FeePerKg, IReadOnlyList<DistanceBandInput?>? DistanceBands,
    decimal? FreeShippingThreshold, int? BusinessDaysMin, int? BusinessDaysMax, bool? UsesCarrierRates = null);

public sealed record DistanceBandInput(int? UpToKm, decimal? Surcharge);

public sealed record ParcelLimitsInput(int? MaxWeightGrams, int? MaxLongestSideMm);

/// <summary>Where the saved rate table lives. <see cref="SaveAsync"/> is optimistic: <see cref="StaleVersionException"/> when it changed (or, creating, exists).</summary>
public interface IRateTableStore
{
    /// <returns>The saved table and its version; null while none was saved.</returns>
    Task<Versioned<ManagedRateTable>?> ReadAsync(CancellationToken ct);

    /// <param name="expectedVersion">Null to create the first table.</param>
    Task<string> SaveAsync(ManagedRateTable table, string? expectedVersion, CancellationToken ct);
}

/// <summary>The rate table quotes are priced with (<see cref="DistanceShippingRates"/>).</summary>
public interface IRateTableSource
{
    Task<RateTable> GetAsync(CancellationToken ct);
}

/// <summary>The checks a rate table must pass before it is saved; every error is keyed by the field at fault.</summary>
public static class RateTableRules
{
    public const int MaximumBands = 20;
    public const int MaximumBusinessDays = 60;
    public const int MaximumCarrierLength = 60;
    public const decimal MaximumFee = 100_000m;

    public static ManagedRateTable? Build(RateTableInput? input, IReadOnlyList<ShippingZone> zones, string currency, Actor actor, DateTimeOffset now, Validator v)
    {
        if (!v.Required(input, "body")) return null;
        var digits = Currencies.MinorDigits(currency);
        var defaults = RateTable.FromZones([]);
        var built = new List<ZoneRates>();
        if (v.Required(input!.Zones, "zones"))
        {
            var configured = zones.Select(z => z.Name).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < input.Zones!.Count; i++)
            {
                var field = $"zones[{i}]";
                if (!v.Required(input.Zones[i], field)) continue;
                var zone = input.Zones[i]!.Zone?.Trim();
                if (!v.Check(zone is not null && configured.Contains(zone), field + ".zone",
                        $"must be one of the shop's zones ({string.Join(", ", configured.Order(StringComparer.Ordinal))}; Shipping:Zones); was '{input.Zones[i]!.Zone}'.")) continue;
                if (!v.Check(built.All(b => b.Zone != zone), field + ".zone", $"repeats zone {zone}: a zone is listed once.")) continue;
                var services = BuildServices(input.Zones[i]!.Services, field + ".services", digits, v);
                if (services is not null) built.Add(new ZoneRates(zone!, services));
            }
            // Every zone the shop ships to needs a price, or a quote to it would fail.
            foreach (var missing in zones.Where(z => input.Zones.All(x => x?.Zone?.Trim() != z.Name)))
                v.Add("zones", $"has no services for zone {missing.Name}: every zone in Shipping:Zones needs at least one service level.");
        }

        var divisor = input.DimensionalDivisorCm3PerKg ?? defaults.DimensionalDivisorCm3PerKg;
        v.Check(divisor is >= 1000 and <= 10_000, "dimensionalDivisorCm3PerKg", $"must be from 1000 to 10000 cm³ per kg (couriers use 4000 to 6000; was {divisor}).");
        var limits = input.Limits is null ? defaults.Limits : new ParcelLimits(input.Limits.MaxWeightGrams ?? 0, input.Limits.MaxLongestSideMm ?? 0);
        v.Check(limits.MaxWeightGrams is > 0 and <= Measurements.MaximumWeightGrams, "limits.maxWeightGrams", $"must be from 1 to {Measurements.MaximumWeightGrams} grams.");
        v.Check(limits.MaxLongestSideMm is > 0 and <= Measurements.MaximumSideMm, "limits.maxLongestSideMm", $"must be from 1 to {Measurements.MaximumSideMm} millimetres.");
        var unmeasured = input.UnmeasuredUnit is null ? defaults.UnmeasuredUnit : MeasurementRules.Build(input.UnmeasuredUnit, "unmeasuredUnit", v);

        return v.IsValid ? new ManagedRateTable(built, divisor, limits, unmeasured!, now, actor.Id) : null;
    }

    private static List<ServiceRate>? BuildServices(IReadOnlyList<ServiceRateInput?>? inputs, string field, int digits, Validator v)
    {
        if (!v.Required(inputs, field) || !v.Check(inputs!.Count > 0, field, "must have at least one service level (standard, express).")) return null;
        var services = new List<ServiceRate>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (!v.Required(inputs[i], at)) continue;
            var input = inputs[i]!;
            var ok = true;
            ShippingServiceLevel level = default;
            ok &= v.Check(input.Level is not null && Enum.TryParse(input.Level.Trim(), ignoreCase: true, out level) && Enum.IsDefined(level) && !int.TryParse(input.Level, out _),
                at + ".level", $"must be standard or express (was '{input.Level}').");
            ok &= v.Check(!ok || services.All(s => s.Level != level), at + ".level", $"repeats {input.Level}: each service level once per zone.");
            var carrier = input.Carrier?.Trim();
            ok &= v.Check(!string.IsNullOrEmpty(carrier) && carrier.Length <= MaximumCarrierLength, at + ".carrier", $"is required, at most {MaximumCarrierLength} characters.");
            ok &= Fee(input.BaseFee, at + ".baseFee", digits, required: true, v);
            ok &= Fee(input.FeePerKg, at + ".feePerKg", digits, required: true, v);
            ok &= Fee(input.FreeShippingThreshold, at + ".freeShippingThreshold", digits, required: false, v);
            var min = input.BusinessDaysMin;
            var max = input.BusinessDaysMax;
            ok &= v.Check(min is >= 0 and <= MaximumBusinessDays, at + ".businessDaysMin", $"must be from 0 to {MaximumBusinessDays} business days.");
            ok &= v.Check(max is >= 0 and <= MaximumBusinessDays, at + ".businessDaysMax", $"must be from 0 to {MaximumBusinessDays} business days.");
            ok &= v.Check(min is null || max is null || min <= max, at + ".businessDaysMax", $"must be at least businessDaysMin ({min}).");
            var bands = Bands(input.DistanceBands, at + ".distanceBands", digits, v);
            if (ok && bands is not null)
                services.Add(new ServiceRate(level, carrier!, input.BaseFee!.Value, input.FeePerKg!.Value, bands, input.FreeShippingThreshold, min!.Value, max!.Value)
                { UsesCarrierRates = input.UsesCarrierRates ?? false });
        }
        return services;
    }

    /// <summary>Bands in ascending order of distance, the last one open (no upToKm), so every distance has a band.</summary>
    private static List<DistanceBand>? Bands(IReadOnlyList<DistanceBandInput?>? inputs, string field, int digits, Validator v)
    {
        if (!v.Required(inputs, field)
            || !v.Check(inputs!.Count is > 0 and <= MaximumBands, field, $"must have 1 to {MaximumBands} bands, the last without upToKm (any farther).")) return null;
        var bands = new List<DistanceBand>();
        var ok = true;
        int? previous = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (!v.Required(inputs[i], at)) { ok = false; continue; }
            var (upTo, surcharge) = (inputs[i]!.UpToKm, inputs[i]!.Surcharge);
            var last = i == inputs.Count - 1;
            if (last) ok &= v.Check(upTo is null, at + ".upToKm", "must be left out on the last band, which covers any farther distance.");
            else if (v.Check(upTo is > 0 and <= 40_075, at + ".upToKm", "must be from 1 to 40075 km (only the last band has none)."))
                ok &= v.Check(previous is null || upTo > previous, at + ".upToKm", $"must be more than the previous band's {previous} km: bands go in ascending order.");
            else ok = false;
            ok &= Fee(surcharge, at + ".surcharge", digits, required: true, v);
            if (upTo is not null) previous = upTo;
            bands.Add(new DistanceBand(upTo, surcharge ?? 0));
        }
        return ok ? bands : null;
    }

    private static bool Fee(decimal? amount, string field, int digits, bool required, Validator v)
    {
        if (amount is null) return !required || v.Required(amount, field);
        return v.Check(amount >= 0 && amount <= MaximumFee, field, $"must be from 0 to {MaximumFee.ToString(CultureInfo.InvariantCulture)} (was {amount.Value.ToString(CultureInfo.InvariantCulture)}).")
            && v.Check(decimal.Round(amount.Value, digits) == amount, field, $"may have at most {digits} decimals in the shop's currency.");
    }
}
