using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>
/// Answers staff's sales questions from the rollups (never from the orders): checks the query's text as it came in,
/// hands it to <see cref="ISalesAnalytics"/> and names the rows' keys (<see cref="ISalesNames"/>). Bad input throws a
/// validation error naming the field.
/// </summary>
public sealed class ReadSales(ISalesAnalytics analytics, ISalesNames names)
{
    public static readonly TimeSpan LongestRange = TimeSpan.FromDays(400);
    public static readonly TimeSpan LongestHourlyRange = TimeSpan.FromDays(31);
    public const int MaximumTop = 1000;

    public Task<SalesAnswer> QueryAsync(SalesQueryText text, CancellationToken ct) => QueryAsync(Parse(text), ct);

    /// <summary>A checked query answered with names: the rollups' calls, plus one read where the dimension names products or promotions.</summary>
    public async Task<SalesAnswer> QueryAsync(SalesQuery query, CancellationToken ct) => await names.NameAsync(await analytics.QueryAsync(query, ct), ct);

    /// <summary>The query the text asks, or a validation error naming each field at fault.</summary>
    public static SalesQuery Parse(SalesQueryText text)
    {
        var v = new Validator();
        var from = v.Instant(text.From, "from");
        var to = v.Instant(text.To, "to");
        var groupBy = SalesDimension.Total;
        if (text.GroupBy is { } g && !SalesBucket.TryDimension(g.Trim(), out groupBy))
            v.Add("groupBy", $"must be one of {string.Join(", ", Enum.GetValues<SalesDimension>().Select(SalesBucket.Name))}.");
        var grain = SalesTimeGrain.None;
        if (text.Grain is { } gr && !TryGrain(gr.Trim(), out grain)) v.Add("grain", "must be none, hour or day.");
        int? top = null;
        if (text.Top is { } t)
        {
            if (int.TryParse(t.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaximumTop) top = n;
            else v.Add("top", $"must be a whole number from 1 to {MaximumTop}.");
        }
        string? currency = null;
        if (text.Currency is { } c)
        {
            currency = c.Trim().ToUpperInvariant();
            v.Check(Currencies.IsKnown(currency), "currency", "must be an ISO 4217 currency code the shop knows, such as EUR.");
        }
        if (from is { } f && to is { } e)
        {
            if (v.Check(f < e, "to", "must be after from."))
            {
                v.Check(e - f <= LongestRange, "to", $"the range may span at most {LongestRange.TotalDays:0} days.");
                if (grain == SalesTimeGrain.Hour) v.Check(e - f <= LongestHourlyRange, "to", $"an hourly breakdown may span at most {LongestHourlyRange.TotalDays:0} days.");
            }
            v.Check(f.Minute == 0 && f.Second == 0 && f.Millisecond == 0 && f.Microsecond == 0, "from", "must be a whole hour (figures are kept per hour).");
            v.Check(e.Minute == 0 && e.Second == 0 && e.Millisecond == 0 && e.Microsecond == 0, "to", "must be a whole hour (figures are kept per hour).");
        }
        v.ThrowIfInvalid();
        return new SalesQuery(from!.Value, to!.Value, groupBy, grain, top, currency);
    }

    private static bool TryGrain(string text, out SalesTimeGrain grain)
    {
        foreach (var g in Enum.GetValues<SalesTimeGrain>())
        {
            if (string.Equals(g.ToString(), text, StringComparison.OrdinalIgnoreCase)) { grain = g; return true; }
        }
        grain = default;
        return false;
    }
}

/// <summary>A sales query as it came in (query-string text), checked by <see cref="ReadSales.Parse"/>.</summary>
public sealed record SalesQueryText(string? From, string? To, string? GroupBy, string? Grain, string? Top, string? Currency);
