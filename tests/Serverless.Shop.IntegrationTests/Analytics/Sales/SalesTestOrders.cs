using System.Globalization;
using System.Text.Json;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.IntegrationTests.Analytics.Sales;

/// <summary>
/// Orders as they stand after each change (placed, paid, refunded), for tests that hand them to the sales counting
/// directly: the counting reads nothing of an order but what it is given, so a test can deliver its states twice, out of
/// order, or at any past time. Products and customers are new per test, so tests sharing the shop never mix figures.
/// </summary>
internal static class SalesTestOrders
{
    public static Money Eur(decimal amount) => new(amount, "EUR");

    public static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..12];

    public static PricedLine Line(string product, int quantity, decimal unit, decimal discount = 0m, decimal taxRate = 0m)
    {
        var list = unit * quantity;
        var net = list - discount;
        var tax = decimal.Round(net * taxRate, 2, MidpointRounding.AwayFromZero);
        return new PricedLine("line_" + product, product, "SKU-" + product, product, quantity, Eur(unit), null, Eur(list), [], Eur(discount), Eur(net),
            taxRate, Eur(tax), Eur(net + tax), null);
    }

    /// <summary>The order placed with <paramref name="lines"/> and <paramref name="shipping"/>, then paid at <paramref name="paidAt"/>: history entries 1 and 2.</summary>
    public static Order Paid(string? customerId, IReadOnlyList<PricedLine> lines, decimal shipping, DateTimeOffset paidAt)
    {
        var shippingTax = decimal.Round(shipping * 0.21m, 2, MidpointRounding.AwayFromZero);
        var net = lines.Sum(l => l.NetTotal.Amount) + shipping;
        var tax = lines.Sum(l => l.Tax.Amount) + shippingTax;
        var pricing = new PricedCart("EUR", lines, [], [], Eur(lines.Sum(l => l.ListTotal.Amount)), Eur(lines.Sum(l => l.DiscountTotal.Amount)),
            Eur(shipping), Eur(0m), Eur(shippingTax), Eur(tax), Eur(net), Eur(net + tax), false);
        var number = OrderNumbers.New();
        var placedAt = paidAt.AddMinutes(-2);
        return new Order(number, number, customerId, $"buyer-{Guid.NewGuid():N}@example.com", OrderStatus.Paid, "EUR", pricing,
            new ShippingAddress("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, "NL", null), null, PaymentMethod.Card,
            new OrderPayment(PaymentMethod.Card, "test-gateway", "pi_" + number, PaymentOutcome.Captured, pricing.Total, Eur(0m)),
            null, null, null, "hash", [],
            [
                new OrderHistoryEntry(1, placedAt, OrderChange.Placed, OrderStatus.PendingPayment, "customer"),
                new OrderHistoryEntry(2, paidAt, OrderChange.Paid, OrderStatus.Paid, "system:checkout"),
            ],
            [], placedAt, paidAt, paidAt, null);
    }

    /// <summary>The same order before it was paid (entry 1 only).</summary>
    public static Order Placed(Order paid) => paid with
    {
        Status = OrderStatus.PendingPayment, PaidAt = null, Payment = null, History = [paid.History[0]], UpdatedAt = paid.CreatedAt,
    };

    /// <summary>The order after one more completed refund of <paramref name="amount"/> at <paramref name="at"/> (one more history entry).</summary>
    public static Order Refunded(Order order, decimal amount, DateTimeOffset at)
    {
        var sequence = order.History[^1].Sequence + 1;
        var refund = new OrderRefund(sequence, "op_" + sequence.ToString(CultureInfo.InvariantCulture), Eur(amount), "changed mind", "staff", at, RefundState.Completed,
            "re_" + sequence.ToString(CultureInfo.InvariantCulture), at);
        return order with
        {
            Refunds = [.. order.Refunds, refund],
            History = [.. order.History, new OrderHistoryEntry(sequence, at, OrderChange.PartiallyRefunded, order.Status, "staff", Amount: Eur(amount))],
            UpdatedAt = at,
        };
    }

    /// <summary>Net sales of the orders in [from, to), computed from the orders alone: totals paid in it, less refunds completed in it (minor units).</summary>
    public static long ExpectedNet(IEnumerable<Order> orders, DateTimeOffset from, DateTimeOffset to) =>
        orders.Sum(o =>
            (o.PaidAt is { } paid && paid >= from && paid < to ? Cents(o.Pricing.Total.Amount) : 0)
            - o.Refunds.Where(r => r.State == RefundState.Completed && r.CompletedAt >= from && r.CompletedAt < to).Sum(r => Cents(r.Amount.Amount)));

    /// <summary>GET /api/analytics/sales with this query, as <paramref name="staff"/>; it must answer 200.</summary>
    public static async Task<JsonElement> SalesAsync(HttpClient staff, string query)
    {
        var response = await staff.GetAsync("api/analytics/sales?" + query);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>Each customer's figures in [from, to), as <paramref name="staff"/> reads them, are the sums of their orders: none where they had no sale or refund in it.</summary>
    public static async Task ShouldMatchTheOrdersByCustomerAsync(HttpClient staff, IReadOnlyList<Order> orders, IReadOnlyList<string> customers, DateTimeOffset from, DateTimeOffset to)
    {
        var rows = RowsByKey(await SalesAsync(staff, $"groupBy=customer&from={Iso(from)}&to={Iso(to)}"));
        foreach (var customer in customers)
        {
            var theirs = orders.Where(o => o.CustomerId == customer).ToList();
            var paid = theirs.Where(o => o.PaidAt >= from && o.PaidAt < to).ToList();
            var refunds = theirs.SelectMany(o => o.Refunds).Where(r => r.CompletedAt >= from && r.CompletedAt < to).Sum(r => Cents(r.Amount.Amount));
            var why = $"{customer} in [{from:O}, {to:O})";
            if (paid.Count == 0 && refunds == 0)
            {
                rows.ContainsKey(customer).ShouldBeFalse(why);
                continue;
            }
            var row = rows[customer];
            row.GetProperty("net").GetInt64().ShouldBe(ExpectedNet(theirs, from, to), why);
            row.GetProperty("orders").GetInt64().ShouldBe(paid.Count, why);
            row.GetProperty("refunds").GetInt64().ShouldBe(refunds, why);
            row.GetProperty("gross").GetInt64().ShouldBe(paid.SelectMany(o => o.Pricing.Lines).Sum(l => Cents(l.ListTotal.Amount)), why);
            row.GetProperty("discounts").GetInt64().ShouldBe(paid.Sum(o => Cents(o.Pricing.DiscountTotal.Amount)), why);
            row.GetProperty("tax").GetInt64().ShouldBe(paid.Sum(o => Cents(o.Pricing.TaxTotal.Amount)), why);
            row.GetProperty("shipping").GetInt64().ShouldBe(paid.Sum(o => Cents(o.Pricing.ShippingFee.Amount)), why);
            row.GetProperty("units").GetInt64().ShouldBe(paid.SelectMany(o => o.Pricing.Lines).Sum(l => (long)l.Quantity), why);
        }
    }

    public static long Cents(decimal amount) => (long)decimal.Round(amount * 100m, 0, MidpointRounding.AwayFromZero);

    /// <summary>The rows of a sales answer, by key.</summary>
    public static Dictionary<string, JsonElement> RowsByKey(JsonElement answer) =>
        answer.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r);

    public static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    public static DateTimeOffset Hour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
}
