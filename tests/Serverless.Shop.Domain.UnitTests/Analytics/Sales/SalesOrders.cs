using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Sales;

/// <summary>Orders as checkout prices them (through the real promotion engine's arithmetic, written out here) for the sales tests.</summary>
internal static class SalesOrders
{
    public static readonly DateTimeOffset PaidAt = new(2026, 12, 7, 14, 25, 0, TimeSpan.Zero);

    public static Money M(decimal amount, string currency = "EUR") => new(amount, currency);

    /// <summary>A line of <paramref name="quantity"/> at <paramref name="unit"/>, less <paramref name="discount"/>, taxed at <paramref name="taxRate"/> on top.</summary>
    public static PricedLine Line(string product, string sku, int quantity, decimal unit, decimal discount = 0m, decimal taxRate = 0m, string currency = "EUR", string? promotion = null)
    {
        var list = unit * quantity;
        var net = list - discount;
        var tax = decimal.Round(net * taxRate, 2, MidpointRounding.AwayFromZero);
        return new PricedLine("line_" + sku, product, sku, sku, quantity, M(unit, currency), null, M(list, currency),
            promotion is null ? [] : [new AppliedDiscount(promotion, promotion, null, M(discount, currency))], M(discount, currency), M(net, currency),
            taxRate, M(tax, currency), M(net + tax, currency), null);
    }

    public static PricedCart Priced(IReadOnlyList<PricedLine> lines, decimal shippingFee = 0m, decimal shippingDiscount = 0m, decimal shippingTax = 0m, string currency = "EUR", params string[] promotions)
    {
        var subtotal = lines.Sum(l => l.ListTotal.Amount);
        var discount = lines.Sum(l => l.DiscountTotal.Amount);
        var tax = lines.Sum(l => l.Tax.Amount) + shippingTax;
        var net = lines.Sum(l => l.NetTotal.Amount) + shippingFee - shippingDiscount;
        return new PricedCart(currency, lines, [.. promotions.Select(p => new AppliedPromotion(p, p, null, M(0m, currency)))], [],
            M(subtotal, currency), M(discount, currency), M(shippingFee, currency), M(shippingDiscount, currency), M(shippingTax, currency),
            M(tax, currency), M(net, currency), M(net + tax, currency), false);
    }

    public static Order Paid(PricedCart pricing, string? customerId = "cust_ada", string country = "NL", CartAttribution? attribution = null, string number = "ORD-AAAA-BBBB")
    {
        var order = new Order(number, number, customerId, "ada@example.com", OrderStatus.Paid, pricing.Currency, pricing,
            new ShippingAddress("Ada", "Damrak 1", null, "Amsterdam", "1012 LG", null, country, null), null, PaymentMethod.Card,
            new OrderPayment(PaymentMethod.Card, "test", "pi_1", PaymentOutcome.Captured, pricing.Total, M(0m, pricing.Currency)),
            null, null, null, "hash", [], [], [], PaidAt.AddMinutes(-3), PaidAt, PaidAt, null)
        { Attribution = attribution };
        return order;
    }

    public static Order Unpaid(PricedCart pricing) => Paid(pricing) with { Status = OrderStatus.PendingPayment, PaidAt = null, Payment = null };

    public static Order WithRefund(this Order order, decimal amount, DateTimeOffset completedAt, RefundState state = RefundState.Completed) =>
        order with
        {
            Refunds = [.. order.Refunds, new OrderRefund(order.Refunds.Count + 1, "op" + order.Refunds.Count, M(amount, order.Currency), "changed mind", "staff",
                completedAt.AddMinutes(-1), state, "re_" + order.Refunds.Count, state == RefundState.Completed ? completedAt : null)],
        };
}
