using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// The one table of allowed status moves. Modelled on what Shopify, commercetools and Magento let merchants do, folded
/// into one status (docs/orders.md has the diagram and the reasons):
/// <list type="bullet">
/// <item>money first: nothing ships before it is paid; an unpaid order can only be paid or cancelled;</item>
/// <item>cancelling is possible until the parcel leaves (Processing: the label is cancelled with the carrier); a paid order is refunded when cancelled;</item>
/// <item>tracking may skip steps (a Delivered scan can be the first one the carrier sends), and a parcel may come back to the sender;</item>
/// <item>a return is requested after delivery, then received (Returned) or rejected (back to Delivered);</item>
/// <item>a refund of everything captured ends an order whose goods are settled: kept by the customer (Delivered, ReturnRequested), back in the shop (Returned), or never sent (Paid).</item>
/// </list>
/// </summary>
public static class OrderTransitions
{
    public static readonly IReadOnlyDictionary<OrderStatus, IReadOnlyList<OrderStatus>> Allowed = new Dictionary<OrderStatus, IReadOnlyList<OrderStatus>>
    {
        [OrderStatus.PendingPayment] = [OrderStatus.Paid, OrderStatus.Cancelled],
        [OrderStatus.Paid] = [OrderStatus.Processing, OrderStatus.Cancelled, OrderStatus.Refunded],
        [OrderStatus.Processing] = [OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Returned, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [OrderStatus.Delivered, OrderStatus.Returned],
        [OrderStatus.Delivered] = [OrderStatus.ReturnRequested, OrderStatus.Refunded],
        [OrderStatus.ReturnRequested] = [OrderStatus.Returned, OrderStatus.Delivered, OrderStatus.Refunded],
        [OrderStatus.Returned] = [OrderStatus.Refunded],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Refunded] = [],
    };

    public static bool IsAllowed(OrderStatus from, OrderStatus to) => Allowed[from].Contains(to);

    /// <summary>Throws a 409 that names the current status when the order may not move to <paramref name="to"/>.</summary>
    /// <param name="action">What was asked, as a verb phrase: "be cancelled", "be marked paid".</param>
    public static void Ensure(Order order, OrderStatus to, string action)
    {
        if (!IsAllowed(order.Status, to))
            throw new BusinessRuleViolationException($"Order {order.Number} is {Describe(order.Status)}; it cannot {action}.", "status");
    }

    /// <summary>The status as people read it: "pending payment", "return requested".</summary>
    public static string Describe(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "pending payment",
        OrderStatus.ReturnRequested => "return requested",
        _ => status.ToString().ToLowerInvariant(),
    };
}
