using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// The rule between an order's status and its money (docs/orders.md, "The payment ledger"): no order ends cancelled or
/// refunded while its ledger holds captured money that was not refunded. Such an order always carries refunds for all
/// of it: under way, failed and to be tried again, or waiting for a person (a bank transfer). Refunded means every cent
/// is back, and no refund waits for staff. The shop has no "failed" order status: a checkout that fails ends cancelled.
/// Tested by OrderPaymentRulesTests and LedgerTests.
/// </summary>
public static class OrderPaymentRules
{
    /// <summary>Money the shop holds for the order that no refund is giving back (zero when every cent is accounted for).</summary>
    public static decimal UnclaimedCapture(Order order) => order.CapturedAmount - order.RefundedAmount - order.OpenRefundAmount;

    /// <summary>A refund a person must make and has not confirmed yet: an open task for staff.</summary>
    public static bool HasOpenRefundTask(Order order) => order.Refunds.Any(r => r.State == RefundState.AwaitingStaff);

    /// <summary>
    /// Whether the order's ledger and status disagree, so reconciliation must look at it: money captured on an order
    /// still pending payment; money no refund is giving back on a cancelled or refunded order; or a refund the shop
    /// started itself (a cancellation, a late or second payment) that failed or stopped half-way.
    /// </summary>
    public static bool NeedsAttention(Order order) => order.Status switch
    {
        OrderStatus.PendingPayment => order.Books.HasCapture,
        OrderStatus.Cancelled or OrderStatus.Refunded when UnclaimedCapture(order) > 0 => true,
        _ => order.Refunds.Any(r => r.State is RefundState.Failed or RefundState.Pending && OrderRefunds.IsShopInitiated(r.OperationId)),
    };

    /// <summary>Throws when <paramref name="order"/> would be saved ending cancelled or refunded with money unaccounted for: a bug, never a customer's error.</summary>
    internal static void EnsureMoneyAccountedFor(Order order)
    {
        if (order.Status is not (OrderStatus.Cancelled or OrderStatus.Refunded)) return;
        var unclaimed = UnclaimedCapture(order);
        if (unclaimed > 0)
            throw new InvalidOperationException(
                $"Order {order.Number} would be {OrderTransitions.Describe(order.Status)} while {unclaimed} {order.Currency} it captured is neither refunded nor being refunded.");
        if (order.Status == OrderStatus.Refunded && (order.CapturedAmount > order.RefundedAmount || HasOpenRefundTask(order)))
            throw new InvalidOperationException($"Order {order.Number} would be refunded while a refund is still open.");
    }
}
