namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>
/// What a sales figure is grouped by besides time. <see cref="Total"/> is the whole shop; a category includes its
/// children (an order line counts in its category and every ancestor); <see cref="Channel"/> is the order's UTM source
/// and medium (<c>source / medium</c>, <c>(direct)</c> without them).
/// </summary>
public enum SalesDimension { Total, Product, Variant, Category, Customer, Country, Promotion, PaymentMethod, Channel }

/// <summary>How a query's rows are split in time: <see cref="None"/> sums the whole range per dimension value.</summary>
public enum SalesTimeGrain { None, Hour, Day }

/// <summary>
/// The measures of a set of orders in one currency, in minor units (cents): never converted between currencies, never
/// rounded. <c>Net</c> is what the shop kept of them: gross less discounts, plus shipping and tax, less refunds
/// (docs/analytics.md defines each, and what a line-level dimension gets of an order-level amount).
/// </summary>
public sealed record SalesMeasures(
    long Gross, long Discounts, long Tax, long Shipping, long Refunds, long Units, long Orders, long NewCustomerOrders, long ReturningCustomerOrders)
{
    public static readonly SalesMeasures Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long Net => Gross - Discounts + Shipping + Tax - Refunds;

    /// <summary>Average order value: what the shop kept per order, in minor units (null without orders).</summary>
    public long? AverageOrderValue => Orders == 0 ? null : (long)Math.Round((decimal)Net / Orders, MidpointRounding.AwayFromZero);

    public SalesMeasures Plus(SalesMeasures o) => new(
        Gross + o.Gross, Discounts + o.Discounts, Tax + o.Tax, Shipping + o.Shipping, Refunds + o.Refunds, Units + o.Units,
        Orders + o.Orders, NewCustomerOrders + o.NewCustomerOrders, ReturningCustomerOrders + o.ReturningCustomerOrders);

    public SalesMeasures Minus(SalesMeasures o) => new(
        Gross - o.Gross, Discounts - o.Discounts, Tax - o.Tax, Shipping - o.Shipping, Refunds - o.Refunds, Units - o.Units,
        Orders - o.Orders, NewCustomerOrders - o.NewCustomerOrders, ReturningCustomerOrders - o.ReturningCustomerOrders);
}

/// <summary>
/// A question to the sales rollups: the half-open UTC range [<see cref="From"/>, <see cref="To"/>), one dimension, a
/// time grain, and optionally the top <see cref="Top"/> values by net sales (per currency).
/// </summary>
public sealed record SalesQuery(DateTimeOffset From, DateTimeOffset To, SalesDimension GroupBy, SalesTimeGrain Grain, int? Top = null, string? Currency = null);

/// <summary>One row of an answer: the dimension's value (null for <see cref="SalesDimension.Total"/>), the period's start (null for <see cref="SalesTimeGrain.None"/>), the currency and its measures.</summary>
public sealed record SalesRow(string? Key, DateTimeOffset? PeriodStart, string Currency, SalesMeasures Measures)
{
    /// <summary>
    /// What staff call the key, as it is named now (<see cref="ISalesNames"/>): a product's, category's or promotion's
    /// name, a country's English name. Null for the total, for keys that read as names already (SKUs, payment methods,
    /// channels), for customers (their names are personal data, kept encrypted), and for things since deleted.
    /// </summary>
    public string? Name { get; init; }
}

/// <summary>The rows answering a query.</summary>
public sealed record SalesAnswer(SalesQuery Query, IReadOnlyList<SalesRow> Rows);

/// <summary>
/// The names of the rollups' keys as the shop has them now: the rollups keep ids (a renamed product keeps its history),
/// and a merchant reads names. One read per answer at most (products or promotions by id); categories come from the
/// taxonomy's cache and countries from .NET's region data. Keys without a name are left out.
/// </summary>
public interface ISalesNames
{
    Task<IReadOnlyDictionary<string, string>> NamesAsync(SalesDimension dimension, IReadOnlyCollection<string> keys, CancellationToken ct);
}

public static class SalesNaming
{
    /// <summary>The answer with each row's <see cref="SalesRow.Name"/> filled in where its key has one.</summary>
    public static async Task<SalesAnswer> NameAsync(this ISalesNames names, SalesAnswer answer, CancellationToken ct)
    {
        var keys = answer.Rows.Select(r => r.Key).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return answer;
        var found = await names.NamesAsync(answer.Query.GroupBy, keys, ct);
        return found.Count == 0 ? answer
            : answer with { Rows = [.. answer.Rows.Select(r => r.Key is { } key && found.TryGetValue(key, out var name) ? r with { Name = name } : r)] };
    }
}

/// <summary>The sales rollups, read: answered from the buckets in a few calls, never by reading orders.</summary>
public interface ISalesAnalytics
{
    Task<SalesAnswer> QueryAsync(SalesQuery query, CancellationToken ct);
}
