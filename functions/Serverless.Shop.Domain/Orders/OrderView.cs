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
    /// <summary>The returns of some of the order's items, with their labels and refunds.</summary>
    public IReadOnlyList<OrderReturnView> Returns { get; init; } = [];

    /// <summary>Every parcel with its tracking timeline (<see cref="Tracking"/> is the first one, as before parcels).</summary>
    public IReadOnlyList<OrderParcelView> Parcels { get; init; } = [];

    public static OrderView Of(Order order, OrderSettings settings) => new(
        order.Number, order.Status, order.Email, order.Currency, order.Pricing, order.ShippingAddress, order.ShippingQuote,
        order.PaymentMethod,
        order.Payment is { } p ? new OrderPaymentView(p.Method, p.Outcome, p.CapturedAmount, p.RefundedAmount,
            p.Outcome == PaymentOutcome.ActionRequired ? p.RedirectUrl : null, p.Outcome == PaymentOutcome.AwaitingTransfer ? p.Transfer : null) : null,
        order.AllParcels().FirstOrDefault() is { } s ? new OrderTrackingView(s.Carrier, s.TrackingNumber, s.TrackingUrl, s.LastTrackingStatus, s.LastTrackingAt) : null,
        order.CancellationReason,
        OrderReturns.ReturnableUntil(order, settings),
        order.History.Select(h => new OrderHistoryView(h.At, h.Change, h.Status, h.Note, h.Amount)).ToList(),
        order.CreatedAt, order.UpdatedAt)
    {
        Returns = [.. order.Returns.Select(r => OrderReturnView.Of(order, r))],
        Parcels = [.. order.AllParcels().Select((p, i) => OrderParcelView.Of(order, p, i))],
    };
}

/// <summary>A return as its buyer sees it: what goes back, where it stands, the label to print and track, and the refund.</summary>
/// <param name="Decision">Why a return was rejected (null otherwise: approvals' notes are for staff).</param>
/// <param name="RefundState">The refund of a received return (null before, or when nothing is refunded).</param>
public sealed record OrderReturnView(
    string Id, ReturnStatus Status, ReturnReason Reason, string? Comment, IReadOnlyList<OrderReturnLineView> Lines, DateTimeOffset RequestedAt,
    string? Decision, OrderTrackingView? Label, string? LabelUrl, DateTimeOffset? ReceivedAt, Money? RefundAmount, RefundState? RefundState)
{
    public static OrderReturnView Of(Order order, OrderReturn r) => new(
        r.Id, r.Status, r.Reason, r.Comment,
        [.. r.Lines.Select(l => new OrderReturnLineView(l.LineId, l.Sku, l.Quantity, l.Reason, l.ReceivedQuantity, l.Refund))],
        r.RequestedAt, r.Status == ReturnStatus.Rejected ? r.Decision : null,
        r.Label is { } s ? new OrderTrackingView(s.Carrier, s.TrackingNumber, s.TrackingUrl, s.LastTrackingStatus, s.LastTrackingAt) : null,
        r.Label?.LabelUrl, r.ReceivedAt, r.RefundAmount, order.Refunds.FirstOrDefault(f => f.OperationId == r.RefundOperationId)?.State);
}

public sealed record OrderReturnLineView(string LineId, string Sku, int Quantity, ReturnReason? Reason, int? ReceivedQuantity, Money? Refund);

/// <param name="RedirectUrl">Where to approve the payment, while it waits for that.</param>
/// <param name="Transfer">How to pay, while the shop waits for the bank transfer.</param>
public sealed record OrderPaymentView(
    PaymentMethod Method, PaymentOutcome Outcome, Money CapturedAmount, Money RefundedAmount, string? RedirectUrl, BankTransferInstructions? Transfer);

/// <summary>One parcel as its buyer sees it: what is in it, where it is, and every scan the carrier sent (oldest first).</summary>
/// <param name="Parcel">Its place among the order's parcels, from 1.</param>
/// <param name="Items">What is in it; empty when the order is one parcel (it holds every line).</param>
public sealed record OrderParcelView(
    int Parcel, int ParcelCount, string Carrier, string TrackingNumber, string TrackingUrl, IReadOnlyList<ParcelItem> Items,
    TrackingStatus? Status, DateTimeOffset? LastUpdateAt, IReadOnlyList<TrackingScanView> Timeline)
{
    public static OrderParcelView Of(Order order, OrderShipment p, int index) => new(
        index + 1, order.ParcelCount(), p.Carrier, p.TrackingNumber, p.TrackingUrl, [.. p.Items.Select(i => new ParcelItem(i.Sku, i.Quantity))],
        p.LastTrackingStatus, p.LastTrackingAt,
        [.. p.Scans.Select(s => new TrackingScanView(s.Status, s.At, s.Description is { Length: > 0 } d ? d : ParcelTracking.Describe(s.Status)))]);
}

/// <summary>One carrier scan: the status it reported, when it happened, and what the carrier said.</summary>
public sealed record TrackingScanView(TrackingStatus Status, DateTimeOffset At, string Description);

public sealed record OrderTrackingView(string Carrier, string TrackingNumber, string TrackingUrl, TrackingStatus? Status, DateTimeOffset? LastUpdateAt);

public sealed record OrderHistoryView(DateTimeOffset At, OrderChange Change, OrderStatus Status, string? Note, Money? Amount);
