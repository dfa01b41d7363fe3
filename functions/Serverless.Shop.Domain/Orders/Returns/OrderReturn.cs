using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Orders;

/// <summary>Why a customer sends items back. A reason in <see cref="ReturnSettings.ReviewReasons"/> makes staff look at the request first.</summary>
public enum ReturnReason { ChangedMind, WrongSize, NotAsDescribed, WrongItem, Damaged, Defective, Other }

/// <summary>
/// Where a return stands: requested, then approved (automatically by <see cref="ReturnRules.AutoApproval"/>, or by
/// staff) or rejected; an approved return is received when staff have inspected the parcel. The refund of a received
/// return is the order refund with operation id <see cref="OrderReturn.RefundOperationId"/>. An approved return whose
/// parcel never set off is expired by <see cref="ExpireOverdueReturns"/> (appended last: the enum is stored by name, but
/// its order is kept for anything that reads numbers).
/// </summary>
public enum ReturnStatus { Requested, Approved, Rejected, Received, Expired }

/// <summary>What staff do with a returned unit after inspecting it.</summary>
public enum ReturnDisposition { Restock, WriteOff }

/// <summary>
/// A return of some items of a delivered order, kept on the order (<see cref="Order.Returns"/>): opening one checks the
/// units already returned and the refund of a received one is claimed in the same conditional write as the receipt,
/// so two requests at once can neither return more units than were bought nor refund twice (docs/shipping.md, "Returns").
/// </summary>
/// <param name="Id">"R1", "R2" ... in the order.</param>
/// <param name="OperationId">The request that opened it: a retry (same Idempotency-Key) finds it again.</param>
/// <param name="RequestedBy">The customer, or the staff member who opened it for them.</param>
public sealed record OrderReturn(
    string Id, string OperationId, ReturnStatus Status, ReturnReason Reason, string? Comment,
    IReadOnlyList<ReturnLine> Lines, string RequestedBy, DateTimeOffset RequestedAt)
{
    /// <summary>Who approved or rejected it ("system:returns" for the automatic rule), when, and why (a rejection's reason is shown to the customer).</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Decision { get; init; }

    /// <summary>The carrier's return label, tracked like an outbound parcel (found by carrier and tracking number).</summary>
    public OrderShipment? Label { get; init; }

    /// <summary>Why the label could not be bought yet (approving again tries again with the same idempotency key).</summary>
    public string? LabelFailure { get; init; }

    public string? ReceivedBy { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>What the refund of the received units gives back (items, and shipping when <see cref="ReturnSettings.RefundShipping"/> says so).</summary>
    public Money? RefundAmount { get; init; }

    /// <summary>The shipping fee is part of <see cref="RefundAmount"/>.</summary>
    public bool ShippingRefunded { get; init; }

    /// <summary>The operation id of the order refund for this return.</summary>
    public string RefundOperationId => RefundPrefix + Id;

    public const string RefundPrefix = "return:";

    /// <summary>Units of the return still counted against the order: all asked for until it is received, then those received; none when rejected or expired (they may be asked for again).</summary>
    public int UnitsOf(string lineId) => Status switch
    {
        ReturnStatus.Rejected or ReturnStatus.Expired => 0,
        ReturnStatus.Received => Lines.Where(l => l.LineId == lineId).Sum(l => l.ReceivedQuantity ?? 0),
        _ => Lines.Where(l => l.LineId == lineId).Sum(l => l.Quantity),
    };
}

/// <summary>Units of one order line in a return, and after inspection what happened to them.</summary>
/// <param name="LineId">The order line (<see cref="Pricing.PricedLine.LineId"/>).</param>
/// <param name="Quantity">Units the customer sends back.</param>
/// <param name="Reason">This item's reason, when it differs from the return's.</param>
public sealed record ReturnLine(string LineId, string Sku, int Quantity, ReturnReason? Reason)
{
    /// <summary>Units that arrived (at most <see cref="Quantity"/>); null until the return is received.</summary>
    public int? ReceivedQuantity { get; init; }

    public ReturnDisposition? Disposition { get; init; }

    /// <summary>The warehouse restocked units go to (the name or id <see cref="Inventory.ManageStock"/> takes).</summary>
    public string? Warehouse { get; init; }

    /// <summary>The stock adjustment (reason Returned) was made; its id is <see cref="ReturnRules.RestockAdjustmentId"/>, so it is made once.</summary>
    public bool Restocked { get; init; }

    /// <summary>The part of the return's refund for these units.</summary>
    public Money? Refund { get; init; }
}

/// <summary>How the shipping fee is refunded with returned items (setting <c>Returns:RefundShipping</c>).</summary>
public enum ShippingRefundPolicy
{
    /// <summary>Shipping is never refunded with a return (staff may still refund it as an amount).</summary>
    Never,

    /// <summary>Shipping is refunded with the return that brings back the last unit of the order.</summary>
    WhenAllReturned,
}

/// <summary>Settings of returns (configuration section <c>Returns</c>); the return window is <see cref="OrderSettings.ReturnWindowDays"/>.</summary>
/// <param name="AutoApproveWithinDays">A customer's return asked for within this many days of delivery is approved at once unless a reason needs review; 0 turns automatic approval off.</param>
/// <param name="ReviewReasons">Reasons staff look at first (photos, a claim with the carrier) instead of approving automatically.</param>
public sealed record ReturnSettings(int AutoApproveWithinDays, IReadOnlyList<ReturnReason> ReviewReasons, ShippingRefundPolicy RefundShipping)
{
    public const int DefaultAutoApproveWithinDays = 14;

    public const int DefaultShipBackWithinDays = 14;

    /// <summary>
    /// Days after its approval that an approved return's parcel has to show a carrier scan on its way back; after that,
    /// <see cref="ExpireOverdueReturns"/> closes it (setting <c>Returns:ShipBackWithinDays</c>, 1 to 365).
    /// </summary>
    public int ShipBackWithinDays { get; init; } = DefaultShipBackWithinDays;

    public static readonly ReturnSettings Default = new(DefaultAutoApproveWithinDays,
        [ReturnReason.Damaged, ReturnReason.Defective, ReturnReason.Other], ShippingRefundPolicy.WhenAllReturned);
}

/// <summary>A return as the API asks for it: the return's reason (a <see cref="ReturnReason"/> in camel case), a comment, and the lines.</summary>
public sealed record ReturnRequestInput(string? Reason, string? Comment, IReadOnlyList<ReturnLineInput?>? Lines);

/// <summary>One line of a return request: the order line by <c>lineId</c> or by <c>sku</c>, the units, and optionally its own reason.</summary>
public sealed record ReturnLineInput(string? LineId, string? Sku, int? Quantity, string? Reason);

/// <summary>Staff's inspection of a received return: for each line of the return, the units that arrived and what to do with them.</summary>
public sealed record ReturnReceiptInput(IReadOnlyList<ReturnReceiptLineInput?>? Lines);

/// <param name="Disposition">"restock" or "writeOff".</param>
/// <param name="Warehouse">Where restocked units go; default the shop's main warehouse.</param>
public sealed record ReturnReceiptLineInput(string? LineId, string? Sku, int? Quantity, string? Disposition, string? Warehouse);
