using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Pricing;

/// <summary>
/// The shop's one rounding rule (docs/pricing.md), used by pricing and by anything that splits an amount over lines:
/// <list type="bullet">
/// <item>every amount is rounded to the currency's minor unit (<see cref="Currencies.MinorDigits"/>: 2 for EUR, 0 for JPY,
/// 3 for KWD), half away from zero (0.005 EUR becomes 0.01);</item>
/// <item>an amount that belongs to several lines (a promotion's discount) is rounded once, as a whole, and then split over
/// the lines in whole minor units with the largest-remainder method, so the line parts add up to exactly the whole;</item>
/// <item>totals are sums of rounded line amounts, never rounded again, so no cent is lost between lines and total.</item>
/// </list>
/// Pricing computes in whole minor units (<see langword="long"/>) and converts to <see cref="Money"/> only at the end.
/// </summary>
public static class MoneyRounding
{
    public const MidpointRounding Midpoint = MidpointRounding.AwayFromZero;

    /// <summary>Rounds to the currency's minor unit, half away from zero.</summary>
    public static decimal Round(decimal amount, string currency) => decimal.Round(amount, Currencies.MinorDigits(currency), Midpoint);

    /// <summary>The amount in whole minor units (cents), rounded half away from zero.</summary>
    public static long ToMinorUnits(decimal amount, int minorDigits) => (long)decimal.Round(amount * Scale(minorDigits), 0, Midpoint);

    /// <summary>Whole minor units back to an amount that carries the currency's decimals (12.50, not 12.5).</summary>
    public static decimal FromMinorUnits(long units, int minorDigits)
    {
        var magnitude = (ulong)Math.Abs(units);
        return new decimal((int)(magnitude & 0xFFFF_FFFF), (int)(magnitude >> 32), 0, units < 0, (byte)minorDigits);
    }

    public static Money ToMoney(long units, string currency) => new(FromMinorUnits(units, Currencies.MinorDigits(currency)), currency);

    /// <summary>Rounds an amount given in minor units (possibly fractional) to whole minor units, half away from zero.</summary>
    public static long RoundMinorUnits(decimal minorUnits) => (long)decimal.Round(minorUnits, 0, Midpoint);

    /// <summary>
    /// Splits <paramref name="total"/> whole minor units over parts in proportion to <paramref name="weights"/> (largest
    /// remainder): each part gets the floor of its exact share, and the units left over go one each to the parts with the
    /// largest fractions (ties: the earlier part). No part gets more than its <paramref name="caps"/> value. The parts sum
    /// to exactly <paramref name="total"/>, which must not exceed the sum of the caps.
    /// </summary>
    public static void Allocate(long total, ReadOnlySpan<decimal> weights, ReadOnlySpan<long> caps, Span<long> parts)
    {
        if (weights.Length != parts.Length || caps.Length != parts.Length) throw new ArgumentException("weights, caps and parts must have the same length.");
        parts.Clear();
        if (total == 0 || parts.Length == 0) return;

        decimal weightSum = 0;
        foreach (var w in weights) weightSum += w;
        var leftover = total;
        Span<decimal> fractions = parts.Length <= 128 ? stackalloc decimal[parts.Length] : new decimal[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var exact = weightSum == 0 ? 0 : total * weights[i] / weightSum;
            var floor = Math.Min((long)decimal.Floor(exact), caps[i]);
            parts[i] = floor;
            fractions[i] = exact - floor;
            leftover -= floor;
        }

        // Usually fewer units are left over than there are parts; the loop also covers the rare part held down by its cap.
        while (leftover > 0)
        {
            var best = -1;
            for (var i = 0; i < parts.Length; i++)
                if (parts[i] < caps[i] && (best < 0 || fractions[i] > fractions[best])) best = i;
            if (best < 0) throw new InvalidOperationException("The total is larger than the parts can hold.");
            parts[best]++;
            fractions[best] -= 1;
            leftover--;
        }
    }

    /// <summary>
    /// Rounds the sum of exact (fractional) minor-unit shares once and splits it over the parts by largest remainder, as
    /// <see cref="Allocate"/> does, taking the shares themselves as the exact parts. Returns the rounded total, capped at
    /// the sum of the caps.
    /// </summary>
    public static long AllocateShares(ReadOnlySpan<decimal> shares, ReadOnlySpan<long> caps, Span<long> parts)
    {
        if (shares.Length != parts.Length || caps.Length != parts.Length) throw new ArgumentException("shares, caps and parts must have the same length.");
        decimal sum = 0;
        long capacity = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            sum += shares[i];
            capacity += caps[i];
        }
        var total = Math.Min(RoundMinorUnits(sum), capacity);
        parts.Clear();
        if (total <= 0) return 0;

        // floor(share) <= round(sum of shares), so what is left over is never negative, and it is at most the number of
        // parts with a fraction: each gets at most one more unit.
        var leftover = total;
        Span<decimal> fractions = parts.Length <= 128 ? stackalloc decimal[parts.Length] : new decimal[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var floor = Math.Min((long)decimal.Floor(shares[i]), caps[i]);
            parts[i] = floor;
            fractions[i] = shares[i] - floor;
            leftover -= floor;
        }
        while (leftover > 0)
        {
            var best = -1;
            for (var i = 0; i < parts.Length; i++)
                if (parts[i] < caps[i] && (best < 0 || fractions[i] > fractions[best])) best = i;
            if (best < 0) throw new InvalidOperationException("The total is larger than the parts can hold.");
            parts[best]++;
            fractions[best] -= 1;
            leftover--;
        }
        return total;
    }

    internal static decimal Scale(int minorDigits) => minorDigits switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => (decimal)Math.Pow(10, minorDigits) };
}
