using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>
/// What a unit weighs and measures packed for shipping, in whole grams and millimetres (no rounding between units).
/// A product's measurements hold for every variant that gives none of its own. Shipping fees weigh a parcel by these
/// (with dimensional weight, docs/shipping.md "Rates and geocoding").
/// </summary>
public sealed record Measurements(int WeightGrams, int LengthMm, int WidthMm, int HeightMm)
{
    /// <summary>One tonne: more is a freight consignment, not a shop's parcel, and most likely a unit mistake.</summary>
    public const int MaximumWeightGrams = 1_000_000;

    /// <summary>Five metres on any side.</summary>
    public const int MaximumSideMm = 5_000;

    /// <summary>The packed volume in cubic centimetres.</summary>
    public decimal VolumeCm3 => LengthMm / 10m * (WidthMm / 10m) * (HeightMm / 10m);

    public int LongestSideMm => Math.Max(LengthMm, Math.Max(WidthMm, HeightMm));
}

public sealed record MeasurementsInput(int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm);

public static class MeasurementRules
{
    /// <summary>Checks every field (positive, within <see cref="Measurements"/>' limits); null when absent or wrong.</summary>
    public static Measurements? Build(MeasurementsInput? input, string field, Validator v)
    {
        if (input is null) return null;
        var ok = Check(input.WeightGrams, Measurements.MaximumWeightGrams, field + ".weightGrams", "grams", v);
        ok &= Check(input.LengthMm, Measurements.MaximumSideMm, field + ".lengthMm", "millimetres", v);
        ok &= Check(input.WidthMm, Measurements.MaximumSideMm, field + ".widthMm", "millimetres", v);
        ok &= Check(input.HeightMm, Measurements.MaximumSideMm, field + ".heightMm", "millimetres", v);
        return ok ? new Measurements(input.WeightGrams!.Value, input.LengthMm!.Value, input.WidthMm!.Value, input.HeightMm!.Value) : null;
    }

    private static bool Check(int? value, int maximum, string field, string unit, Validator v) =>
        v.Required(value, field) && v.Check(value is >= 1 && value <= maximum, field, $"must be a whole number of {unit} from 1 to {maximum}.");
}
