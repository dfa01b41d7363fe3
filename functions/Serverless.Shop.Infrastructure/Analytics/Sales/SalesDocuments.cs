using System.Globalization;
using Serverless.Shop.Domain.Analytics.Sales;

namespace Serverless.Shop.Infrastructure.Analytics.Sales;

/// <summary>
/// The documents of the <c>analytics-sales</c> container (partition key <c>/period</c>). docs/analytics.md ("Sales",
/// "Where the figures live") shows each.
/// </summary>
internal static class SalesDocuments
{
    public const string ContainerName = "analytics-sales";
    public const string ContributionType = "sales-contribution";
    public const string DayType = "sales-day";
    public const string MonthType = "sales-month";
    public const string FirstOrderType = "sales-first-order";

    /// <summary>The measures as a bucket document names its counters (one object per measure, keyed by hour or day).</summary>
    public static readonly string[] MeasureNames = ["gross", "discounts", "tax", "shipping", "refunds", "units", "orders", "newCustomerOrders", "returningCustomerOrders"];

    public static long[] ToArray(SalesMeasures m) =>
        [m.Gross, m.Discounts, m.Tax, m.Shipping, m.Refunds, m.Units, m.Orders, m.NewCustomerOrders, m.ReturningCustomerOrders];

    public static SalesMeasures FromArray(IReadOnlyList<long> a) => a.Count == 9
        ? new SalesMeasures(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8])
        : throw new FormatException($"A sales measure array has 9 counters, not {a.Count}.");

    public static string DayPeriod(SalesDimension dimension, DateTimeOffset at) =>
        SalesBucket.Name(dimension) + ":" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string MonthPeriod(SalesDimension dimension, DateTimeOffset at) =>
        SalesBucket.Name(dimension) + ":" + at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>A bucket's id in its period: currency and value (<see cref="IdPart"/>).</summary>
    public static string BucketId(string currency, string value) => currency + ":" + IdPart(value);

    /// <summary>
    /// Free text as part of an id: as it is when it holds only letters, digits, '_' and '-' (product ids, SKUs, countries),
    /// else <c>b64-</c> and its UTF-8 in base64url. An id may hold no '/', '\', '?' or '#', and the emulator finds no
    /// document by an id with '|' or '%' in it; a UTM source may hold any of them.
    /// </summary>
    public static string IdPart(string text) =>
        text.Length <= 100 && !text.StartsWith("b64-", StringComparison.Ordinal) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? text
            : "b64-" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What the rollups counted of one order (<see cref="SalesCounted"/>): id and period <c>order:&lt;number&gt;</c>.</summary>
internal sealed record ContributionDocument
{
    public required string Id { get; init; }
    public required string Period { get; init; }
    public string Type { get; init; } = SalesDocuments.ContributionType;
    public required string OrderNumber { get; init; }
    public long Sequence { get; init; }
    public required Dictionary<string, long[]> Counted { get; init; }
    public FactsDocument? Facts { get; init; }
    public PendingDocument? Pending { get; init; }
}

internal sealed record FactsDocument(bool NewCustomer, Dictionary<string, List<string>> CategoryPaths);

internal sealed record PendingDocument(string Id, long Sequence, Dictionary<string, long[]> Delta, Dictionary<string, long[]> Target, string WrittenAt);

/// <summary>
/// One dimension value's counters in one currency for one day (<c>sales-day</c>, keys are hours <c>h00</c>-<c>h23</c>) or
/// one month (<c>sales-month</c>, keys are days <c>d01</c>-<c>d31</c>), and the deltas it applied.
/// </summary>
internal sealed record BucketDocument
{
    public required string Id { get; init; }
    public required string Period { get; init; }
    public required string Type { get; init; }
    public required string Dimension { get; init; }
    public required string Value { get; init; }
    public required string Currency { get; init; }
    /// <summary>The day (<c>2026-12-07</c>) or month (<c>2026-12</c>).</summary>
    public required string Start { get; init; }
    public Dictionary<string, long> Gross { get; init; } = [];
    public Dictionary<string, long> Discounts { get; init; } = [];
    public Dictionary<string, long> Tax { get; init; } = [];
    public Dictionary<string, long> Shipping { get; init; } = [];
    public Dictionary<string, long> Refunds { get; init; } = [];
    public Dictionary<string, long> Units { get; init; } = [];
    public Dictionary<string, long> Orders { get; init; } = [];
    public Dictionary<string, long> NewCustomerOrders { get; init; } = [];
    public Dictionary<string, long> ReturningCustomerOrders { get; init; } = [];
    public List<string> Applied { get; init; } = [];

    public SalesMeasures At(string slot) => new(
        Gross.GetValueOrDefault(slot), Discounts.GetValueOrDefault(slot), Tax.GetValueOrDefault(slot), Shipping.GetValueOrDefault(slot),
        Refunds.GetValueOrDefault(slot), Units.GetValueOrDefault(slot), Orders.GetValueOrDefault(slot),
        NewCustomerOrders.GetValueOrDefault(slot), ReturningCustomerOrders.GetValueOrDefault(slot));

    public IEnumerable<string> Slots() =>
        new[] { Gross, Discounts, Tax, Shipping, Refunds, Units, Orders, NewCustomerOrders, ReturningCustomerOrders }
            .SelectMany(d => d.Keys).Distinct(StringComparer.Ordinal);

    public static BucketDocument Holding(string id, string period, string type, string dimension, string value, string currency, string start, string slot, SalesMeasures m, string deltaId)
    {
        Dictionary<string, long> One(long v) => v == 0 ? [] : new() { [slot] = v };
        return new BucketDocument
        {
            Id = id, Period = period, Type = type, Dimension = dimension, Value = value, Currency = currency, Start = start,
            Gross = One(m.Gross), Discounts = One(m.Discounts), Tax = One(m.Tax), Shipping = One(m.Shipping), Refunds = One(m.Refunds),
            Units = One(m.Units), Orders = One(m.Orders), NewCustomerOrders = One(m.NewCustomerOrders), ReturningCustomerOrders = One(m.ReturningCustomerOrders),
            Applied = [deltaId],
        };
    }
}

/// <summary>The first paid order counted for a customer (id and period <c>first:&lt;customer key&gt;</c>, <see cref="SalesDocuments.IdPart"/>).</summary>
internal sealed record FirstOrderDocument(string Id, string Period, string Type, string OrderNumber, DateTimeOffset PaidAt);
