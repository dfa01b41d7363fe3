using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// An order as its buyer sees it (signed in, or as a guest with the order's token): status, the price breakdown, payment
/// and tracking, and the history without who did what inside the shop or the staff's notes.
/// </summary>
public sealed record OrderView(
    string Number, OrderStatus Status, string Email, string Currency, PricedCart Pricing,
    ShippingAddress ShippingAddress, ShippingQuote? ShippingQuote, PaymentMethod PaymentMethod, OrderPaymentView? Payment,
    OrderTrackingView? Tracking, string? CancellationReason, DateTimeOffset? ReturnableUntil,
    IReadOnlyList<OrderHistoryView> History, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OrderView Of(Order order, OrderSettings settings) => new(
        order.Number, order.Status, order.Email, order.Currency, order.Pricing, order.ShippingAddress, order.ShippingQuote,
        order.PaymentMethod,
        order.Payment is { } p ? new OrderPaymentView(p.Method, p.Outcome, p.CapturedAmount, p.RefundedAmount,
            p.Outcome == PaymentOutcome.ActionRequired ? p.RedirectUrl : null, p.Outcome == PaymentOutcome.AwaitingTransfer ? p.Transfer : null) : null,
        order.Shipment is { } s ? new OrderTrackingView(s.Carrier, s.TrackingNumber, s.TrackingUrl, s.LastTrackingStatus, s.LastTrackingAt) : null,
        order.CancellationReason,
        OrderReturns.ReturnableUntil(order, settings),
        order.History.Select(h => new OrderHistoryView(h.At, h.Change, h.Status, h.Note, h.Amount)).ToList(),
        order.CreatedAt, order.UpdatedAt);
}

/// <param name="RedirectUrl">Where to approve the payment, while it waits for that.</param>
/// <param name="Transfer">How to pay, while the shop waits for the bank transfer.</param>
public sealed record OrderPaymentView(
    PaymentMethod Method, PaymentOutcome Outcome, Money CapturedAmount, Money RefundedAmount, string? RedirectUrl, BankTransferInstructions? Transfer);

public sealed record OrderTrackingView(string Carrier, string TrackingNumber, string TrackingUrl, TrackingStatus? Status, DateTimeOffset? LastUpdateAt);

public sealed record OrderHistoryView(DateTimeOffset At, OrderChange Change, OrderStatus Status, string? Note, Money? Amount);
