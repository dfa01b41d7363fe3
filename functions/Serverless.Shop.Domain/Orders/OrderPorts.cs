using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>What staff may search orders by; every given filter must hold. Emails match whole, ignoring case.</summary>
/// <param name="PaymentMethod">How the order is paid (reconciliation asks card providers about card orders only).</param>
/// <param name="PaidBefore">Only orders paid before this instant (never-paid orders are left out).</param>
/// <param name="UpdatedFrom">Only orders changed at or after this instant (a sales rebuild's period start).</param>
public sealed record OrderSearch(
    string? Number = null, string? Email = null, OrderStatus? Status = null, string? CustomerId = null,
    DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, Payments.PaymentMethod? PaymentMethod = null,
    string? CartId = null, DateTimeOffset? PaidBefore = null, DateTimeOffset? UpdatedFrom = null);

/// <summary>An order in a listing: enough to find it and tell it apart, without its breakdown and history.</summary>
public sealed record OrderSummary(
    string Number, OrderStatus Status, string? CustomerId, string Email, Money Total, int ItemCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OrderSummary Of(Order order) =>
        new(order.Number, order.Status, order.CustomerId, order.Email, order.Pricing.Total,
            order.Pricing.Lines.Sum(l => l.Quantity), order.CreatedAt, order.UpdatedAt);
}

/// <summary>
/// Where orders live, one document per order with its number as id and partition key. <see cref="SaveAsync"/> is
/// optimistic: it throws <see cref="StaleVersionException"/> when the order changed since it was read.
/// </summary>
public interface IOrderStore
{
    Task<Versioned<Order>?> FindAsync(string number, CancellationToken ct);

    /// <summary>Throws <see cref="DuplicateResourceException"/> (field <c>number</c>) when an order with this number exists.</summary>
    Task<string> CreateAsync(Order order, CancellationToken ct);

    Task<string> SaveAsync(Order order, string expectedVersion, CancellationToken ct);

    /// <summary>A customer's orders, newest first.</summary>
    Task<Page<OrderSummary>> ListByCustomerAsync(string customerId, PageRequest page, CancellationToken ct);

    /// <summary>Orders matching the filter, newest first (for support and admins).</summary>
    Task<Page<OrderSummary>> SearchAsync(OrderSearch filter, PageRequest page, CancellationToken ct);

    /// <summary>Orders with a refund a person must make and has not confirmed (<see cref="OrderPaymentRules.HasOpenRefundTask"/>), oldest first.</summary>
    Task<Page<OrderSummary>> ListWithOpenRefundTasksAsync(PageRequest page, CancellationToken ct);

    /// <summary>Orders whose ledger and status disagree (<see cref="OrderPaymentRules.NeedsAttention"/>), oldest first: summaries only.</summary>
    Task<Page<OrderSummary>> ListNeedingReconciliationAsync(PageRequest page, CancellationToken ct);

    /// <summary>Orders with an approved return of items (<see cref="ReturnRules.AwaitsParcel"/>), oldest first: summaries only (<see cref="ExpireOverdueReturns"/>).</summary>
    Task<Page<OrderSummary>> ListAwaitingReturnParcelsAsync(PageRequest page, CancellationToken ct);

    /// <summary>Whether the customer has any order that was ever paid (refunded or cancelled later included).</summary>
    Task<bool> HasPaidOrderAsync(string customerId, CancellationToken ct);
}
