using System.Globalization;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.Analytics.Sales;

/// <summary>
/// One sales bucket: a dimension's value in one currency during one UTC hour. Its text form
/// (<c>product|2026-12-07T14|EUR|prod_123</c>) keys a contribution; the value comes last because it is free text
/// (a UTM source may hold anything, a bar included).
/// </summary>
public sealed record SalesBucket(SalesDimension Dimension, DateTimeOffset Hour, string Currency, string Value)
{
    public override string ToString() =>
        $"{Name(Dimension)}|{Hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture)}|{Currency}|{Value}";

    public static SalesBucket Parse(string key)
    {
        var parts = key.Split('|', 4);
        if (parts.Length != 4 || !TryDimension(parts[0], out var dimension)
            || !DateTime.TryParseExact(parts[1], "yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var hour))
            throw new FormatException($"'{key}' is not a sales bucket key.");
        return new SalesBucket(dimension, new DateTimeOffset(hour, TimeSpan.Zero), parts[2], parts[3]);
    }

    /// <summary>The dimension as the API and the documents name it: <c>total</c>, <c>product</c>, <c>paymentMethod</c> ...</summary>
    public static string Name(SalesDimension dimension) => JsonNamingPolicyCamelCase(dimension.ToString());

    public static bool TryDimension(string? name, out SalesDimension dimension)
    {
        foreach (var d in Enum.GetValues<SalesDimension>())
        {
            if (string.Equals(Name(d), name, StringComparison.OrdinalIgnoreCase)) { dimension = d; return true; }
        }
        dimension = default;
        return false;
    }

    private static string JsonNamingPolicyCamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>
/// What is decided about an order once, when its sale is first counted, and kept with what was counted so the figures
/// never move afterwards: whether it was the customer's first paid order, and the category path of each product as it
/// was then (a product moved to another category later leaves its past sales where they were).
/// </summary>
public sealed record SalesFacts(bool NewCustomer, IReadOnlyDictionary<string, IReadOnlyList<string>> CategoryPaths);

/// <summary>
/// An order's contribution to the sales rollups, computed from the order as it stands (state, not events): its sale in
/// the hour it was paid, each completed refund in the hour it completed. docs/analytics.md ("Sales") says what each
/// dimension gets; tests: SalesContributionTests.
/// </summary>
public static class SalesContribution
{
    public const string Direct = "(direct)";
    public const string None = "(none)";
    public const string Guest = "(guest)";

    /// <summary>
    /// The buckets the order adds to, and how much (minor units). An order never paid adds nothing; a paid order adds its
    /// sale whatever happened since (a cancelled or refunded order keeps its sale and adds its refunds), so a refund is
    /// never in the figures without its sale.
    /// </summary>
    public static IReadOnlyDictionary<string, SalesMeasures> Of(Order order, SalesFacts facts)
    {
        var result = new Dictionary<string, SalesMeasures>(StringComparer.Ordinal);
        if (order.PaidAt is not { } paidAt) return result;

        var pricing = order.Pricing;
        var currency = order.Currency;
        long Minor(Money m) => ToMinor(m.Amount, currency);

        var lines = pricing.Lines.Where(l => l.Problem is null && l.Quantity > 0).ToList();
        var includesTax = pricing.PricesIncludeTax;
        var shippingCharged = Minor(pricing.ShippingFee) - Minor(pricing.ShippingDiscount);
        var shippingTax = Minor(pricing.ShippingTax);
        var shippingNet = includesTax ? shippingCharged - shippingTax : shippingCharged;
        var lineGross = lines.Select(l => Minor(l.ListTotal) - (includesTax ? Minor(l.Tax) : 0)).ToArray();
        var lineDiscounts = lines.Select(l => Minor(l.DiscountTotal)).ToArray();
        var lineTax = lines.Select(l => Minor(l.Tax)).ToArray();
        var weights = lines.Select(l => Minor(l.NetTotal)).ToArray();
        var shippingShares = Split(shippingNet, weights);
        var shippingTaxShares = Split(shippingTax, weights);
        // Tax on the order beyond its lines' and its shipping's (none today) still belongs to the order: split like shipping.
        var otherTaxShares = Split(Minor(pricing.TaxTotal) - lineTax.Sum() - shippingTax, weights);
        // A discount on the order beyond its lines' (none today: promotions discount lines or shipping) likewise.
        var otherDiscountShares = Split(Minor(pricing.DiscountTotal) - lineDiscounts.Sum(), weights);

        var newCustomer = facts.NewCustomer ? 1 : 0;
        var sale = new SalesMeasures(
            lineGross.Sum(), Minor(pricing.DiscountTotal), Minor(pricing.TaxTotal), shippingNet, 0,
            lines.Sum(l => (long)l.Quantity), 1, newCustomer, 1 - newCustomer);
        var saleHour = Hour(paidAt);

        var lineSales = new SalesMeasures[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            lineSales[i] = new SalesMeasures(lineGross[i], lineDiscounts[i] + otherDiscountShares[i], lineTax[i] + shippingTaxShares[i] + otherTaxShares[i],
                shippingShares[i], 0, lines[i].Quantity, 0, 0, 0);
        }

        var refunds = order.Refunds.Where(r => r.State == RefundState.Completed)
            .Select(r => (Hour: Hour(r.CompletedAt ?? r.RequestedAt), Amount: ToMinor(r.Amount.Amount, currency)))
            .Where(r => r.Amount != 0).ToList();

        foreach (var (dimension, value) in OrderValues(order))
        {
            Add(result, new SalesBucket(dimension, saleHour, currency, value), sale);
            foreach (var refund in refunds)
                Add(result, new SalesBucket(dimension, refund.Hour, currency, value), SalesMeasures.Zero with { Refunds = refund.Amount });
        }

        var refundShares = refunds.Select(r => Split(r.Amount, weights)).ToList();
        foreach (var dimension in (SalesDimension[])[SalesDimension.Product, SalesDimension.Variant, SalesDimension.Category])
        {
            // A value's share of the order: its lines' amounts; it counts the order once however many of its lines it has.
            var byValue = new Dictionary<string, (SalesMeasures Sale, long[] Refunds)>(StringComparer.Ordinal);
            for (var i = 0; i < lines.Count; i++)
            {
                foreach (var value in LineValues(dimension, lines[i], facts))
                {
                    var (sold, refunded) = byValue.TryGetValue(value, out var had) ? had : (SalesMeasures.Zero with { Orders = 1, NewCustomerOrders = newCustomer, ReturningCustomerOrders = 1 - newCustomer }, new long[refunds.Count]);
                    for (var r = 0; r < refunds.Count; r++) refunded[r] += refundShares[r][i];
                    byValue[value] = (sold.Plus(lineSales[i]), refunded);
                }
            }
            foreach (var (value, (sold, refunded)) in byValue)
            {
                Add(result, new SalesBucket(dimension, saleHour, currency, value), sold);
                for (var r = 0; r < refunds.Count; r++)
                    Add(result, new SalesBucket(dimension, refunds[r].Hour, currency, value), SalesMeasures.Zero with { Refunds = refunded[r] });
            }
        }
        return result;
    }

    /// <summary>What takes <paramref name="target"/> from <paramref name="counted"/>: per bucket the difference, buckets that do not change left out.</summary>
    public static IReadOnlyDictionary<string, SalesMeasures> Delta(IReadOnlyDictionary<string, SalesMeasures> counted, IReadOnlyDictionary<string, SalesMeasures> target)
    {
        var delta = new Dictionary<string, SalesMeasures>(StringComparer.Ordinal);
        foreach (var key in counted.Keys.Union(target.Keys, StringComparer.Ordinal))
        {
            var change = target.GetValueOrDefault(key, SalesMeasures.Zero).Minus(counted.GetValueOrDefault(key, SalesMeasures.Zero));
            if (change != SalesMeasures.Zero) delta[key] = change;
        }
        return delta;
    }

    /// <summary>The products of the order's lines, whose category paths <see cref="SalesFacts"/> must hold.</summary>
    public static IReadOnlyList<string> ProductIds(Order order) =>
        order.Pricing.Lines.Where(l => l.Problem is null).Select(l => l.ProductId).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Splits <paramref name="amount"/> over the lines in proportion to <paramref name="weights"/> (their net), to the
    /// minor unit: each line gets the floor of its exact share, and the units left over go one each to the lines with
    /// the largest remainders (the earlier line on a tie), so the shares always add up to the amount. Lines that all weigh
    /// nothing (a free order) share it equally.
    /// </summary>
    public static long[] Split(long amount, IReadOnlyList<long> weights)
    {
        var shares = new long[weights.Count];
        if (weights.Count == 0 || amount == 0) return shares;
        var w = weights.Sum() > 0 && weights.All(x => x >= 0) ? weights.ToArray() : weights.Select(_ => 1L).ToArray();
        var total = (decimal)w.Sum();
        var sign = Math.Sign(amount);
        var magnitude = Math.Abs(amount);
        var remainders = new decimal[w.Length];
        long given = 0;
        for (var i = 0; i < w.Length; i++)
        {
            var exact = magnitude * w[i] / total;
            shares[i] = (long)Math.Floor(exact);
            remainders[i] = exact - shares[i];
            given += shares[i];
        }
        foreach (var i in Enumerable.Range(0, w.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)(magnitude - given)))
            shares[i]++;
        if (sign < 0) for (var i = 0; i < shares.Length; i++) shares[i] = -shares[i];
        return shares;
    }

    public static long ToMinor(decimal amount, string currency) =>
        (long)decimal.Round(amount * Pow10(Currencies.MinorDigits(currency)), 0, MidpointRounding.AwayFromZero);

    public static decimal FromMinor(long minor, string currency) => minor / (decimal)Pow10(Currencies.MinorDigits(currency));

    private static long Pow10(int digits)
    {
        long p = 1;
        for (var i = 0; i < digits; i++) p *= 10;
        return p;
    }

    public static DateTimeOffset Hour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The order-level dimensions' values: the order counts whole in each.</summary>
    private static IEnumerable<(SalesDimension, string)> OrderValues(Order order)
    {
        yield return (SalesDimension.Total, "");
        yield return (SalesDimension.Customer, order.CustomerId ?? Guest);
        yield return (SalesDimension.Country, order.ShippingAddress.Country ?? None);
        yield return (SalesDimension.PaymentMethod, order.PaymentMethod.ToString());
        yield return (SalesDimension.Channel, Channel(order));
        var promotions = order.Pricing.Promotions.Select(p => p.PromotionId).Distinct(StringComparer.Ordinal).ToList();
        if (promotions.Count == 0) yield return (SalesDimension.Promotion, None);
        foreach (var promotion in promotions) yield return (SalesDimension.Promotion, promotion);
    }

    /// <summary><c>source / medium</c> of the order's last marketing touch; <c>(direct)</c> without one.</summary>
    public static string Channel(Order order) =>
        order.Attribution?.LastTouch is { } touch && (touch.UtmSource is not null || touch.UtmMedium is not null)
            ? $"{touch.UtmSource ?? None} / {touch.UtmMedium ?? None}"
            : Direct;

    private static IEnumerable<string> LineValues(SalesDimension dimension, PricedLine line, SalesFacts facts) => dimension switch
    {
        SalesDimension.Product => [line.ProductId],
        SalesDimension.Variant => [line.Sku],
        SalesDimension.Category => facts.CategoryPaths.TryGetValue(line.ProductId, out var path) && path.Count > 0
            ? path.Distinct(StringComparer.Ordinal)
            : [None],
        _ => [],
    };

    private static void Add(Dictionary<string, SalesMeasures> into, SalesBucket bucket, SalesMeasures measures)
    {
        var key = bucket.ToString();
        into[key] = into.TryGetValue(key, out var had) ? had.Plus(measures) : measures;
    }
}
