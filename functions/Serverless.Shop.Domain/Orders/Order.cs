using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>Where an order stands. The moves between them are in <see cref="OrderTransitions"/>; docs/orders.md explains them.</summary>
public enum OrderStatus { PendingPayment, Paid, Processing, Shipped, Delivered, Cancelled, ReturnRequested, Returned, Refunded }

/// <summary>What happened to an order: one per history entry, and the name of its event (<c>order.&lt;change&gt;</c>, kebab case).</summary>
public enum OrderChange
{
    Placed,
    /// <summary>The customer must act: approve at a redirect, or pay by bank transfer with the instructions given.</summary>
    PaymentPending,
    PaymentDeclined,
    Paid,
    /// <summary>The carrier has the parcel's label; the order is being packed.</summary>
    ShipmentCreated,
    /// <summary>A carrier update that does not change the status (a scan, a failed delivery attempt, an update that came late).</summary>
    TrackingUpdated,
    Shipped,
    Delivered,
    Cancelled,
    ReturnRequested,
    ReturnRejected,
    Returned,
    PartiallyRefunded,
    Refunded,
    /// <summary>A return of items was approved (by the rule or by staff); its reference is the return's id. A requested or rejected return of items uses <see cref="ReturnRequested"/> and <see cref="ReturnRejected"/> with that reference.</summary>
    ReturnApproved,
    /// <summary>The carrier has the return label of an approved return (reference: the return's id).</summary>
    ReturnLabelCreated,
    /// <summary>Staff inspected the items of a return that came back (reference: the return's id); its refund follows.</summary>
    ReturnReceived,
    /// <summary>A parcel moved on its way (a scan after it shipped); no email: customers do not want one per hub.</summary>
    InTransit,
    /// <summary>A parcel is with the driver today.</summary>
    OutForDelivery,
    /// <summary>The carrier could not deliver a parcel (an exception: nobody home, address problem, damage).</summary>
    DeliveryFailed,
    /// <summary>Another parcel of an order that had already shipped left its warehouse (the first parcel's is <see cref="Shipped"/>).</summary>
    ParcelShipped,
    /// <summary>A parcel was delivered while others are still on their way (the last one's is <see cref="Delivered"/>).</summary>
    ParcelDelivered,
    /// <summary>A parcel is going back to the shop while others are not all back (when all are, the entry is <see cref="Returned"/>).</summary>
    ReturnedToSender,
    /// <summary>An approved return whose parcel never set off was closed (reference: the return's id; <see cref="ExpireOverdueReturns"/>).</summary>
    ReturnExpired,
}

/// <summary>
/// An order: what was bought at which price (the full, explainable breakdown checkout priced), where it goes, how it was
/// paid and shipped, and everything that happened to it. The id is the order number (see <see cref="OrderNumbers"/>).
/// Changes go through <see cref="ManageOrders"/>, which keeps the status moves to <see cref="OrderTransitions"/>.
/// </summary>
/// <param name="CustomerId">The signed-in customer (the token's subject); null for guests.</param>
/// <param name="PaymentMethod">The method chosen at checkout; <see cref="Payment"/> says how paying it went.</param>
/// <param name="AccessTokenHash">SHA-256 of the token checkout gave the buyer, so a guest can view the order (<see cref="OrderAccessTokens"/>).</param>
/// <param name="Refunds">Every refund asked for, in order; their sequence numbers make the gateway's idempotency keys.</param>
/// <param name="NotifiedSequences">History entries the customer was emailed about, so a redelivered message sends no second email.</param>
/// <param name="Ledger">Every authorisation, capture, void and refund at the providers, once each (null on orders stored before it existed).</param>
public sealed record Order(
    string Id,
    string Number,
    string? CustomerId,
    string Email,
    OrderStatus Status,
    string Currency,
    PricedCart Pricing,
    ShippingAddress ShippingAddress,
    ShippingQuote? ShippingQuote,
    PaymentMethod PaymentMethod,
    OrderPayment? Payment,
    OrderShipment? Shipment,
    string? CancellationReason,
    string? ReturnReason,
    string AccessTokenHash,
    IReadOnlyList<OrderRefund> Refunds,
    IReadOnlyList<OrderHistoryEntry> History,
    IReadOnlyList<long> NotifiedSequences,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? DeliveredAt,
    PaymentLedger? Ledger = null)
{
    /// <summary>History entries whose integration event was published, so a redelivered message publishes none again (<see cref="NotifyOrderChange"/>).</summary>
    public IReadOnlyList<long> PublishedSequences { get; init; } = [];

    /// <summary>Emails a copy of an order-event message is sending right now, so another copy waits instead of sending too (<see cref="NotifyOrderChange"/>).</summary>
    public IReadOnlyList<EmailClaim> EmailClaims { get; init; } = [];

    /// <summary>
    /// What the checkout was started with and the order alone cannot tell (<see cref="CheckoutResumeInputs"/>), kept so
    /// a checkout whose orchestration never started, or was lost, can be started again as it was. Never shown to anyone.
    /// </summary>
    public CheckoutResumeInputs? CheckoutInputs { get; init; }

    /// <summary>Loyalty points the customer spends on this order (its <c>loyalty-points</c> discount), held and redeemed by checkout.</summary>
    public int PointsSpent { get; init; }

    /// <summary>The visits that led to the order, copied from its cart at checkout (docs/marketing.md, "Ads feeds and attribution"); null when the cart had none.</summary>
    public Marketing.Attribution.CartAttribution? Attribution { get; init; }

    /// <summary>Returns of some of the order's items, oldest first (<see cref="OrderReturn"/>, docs/shipping.md "Returns").</summary>
    public IReadOnlyList<OrderReturn> Returns { get; init; } = [];

    /// <summary>
    /// The warehouses the order ships from, one parcel each, as checkout allocated and reserved them (docs/shipping.md#allocation);
    /// null until stock is reserved, and for orders placed before warehouses.
    /// </summary>
    public Allocation? Allocation { get; init; }

    /// <summary>
    /// The parcels of an allocated order, one per warehouse, each with its own label and tracking (docs/shipping.md
    /// "Carriers and tracking"); empty for an order shipped as one <see cref="Shipment"/> (no allocation, or placed before parcels).
    /// </summary>
    public IReadOnlyList<OrderShipment> Parcels { get; init; } = [];

    /// <summary>Every outbound parcel: <see cref="Parcels"/>, or the one <see cref="Shipment"/> of an order without parcels.</summary>
    public IReadOnlyList<OrderShipment> AllParcels() => Parcels.Count > 0 ? Parcels : Shipment is { } single ? [single] : [];

    /// <summary>How many parcels the order ships in: one for a single <see cref="Shipment"/>, else one per allocated warehouse (labels may still be missing).</summary>
    public int ParcelCount() => Shipment is not null ? 1 : Math.Max(Math.Max(Parcels.Count, Allocation?.Parcels.Count ?? 0), 1);

    internal long LastSequence => History.Count == 0 ? 0 : History[^1].Sequence;

    /// <summary>The ledger, empty for an order stored before there was one.</summary>
    internal PaymentLedger Books => Ledger ?? PaymentLedger.Empty;

    // The ledger is the record of money; an order stored before it existed has only its payment's totals.
    internal decimal CapturedAmount => Math.Max(Payment?.CapturedAmount.Amount ?? 0m, Books.Captured);

    internal decimal RefundedAmount => Math.Max(Payment?.RefundedAmount.Amount ?? 0m, Books.Refunded);

    /// <summary>Refunds claimed and not completed: under way, waiting for a person, or failed and to be tried again.</summary>
    internal decimal OpenRefundAmount => Refunds.Where(r => r.State != RefundState.Completed).Sum(r => r.Amount.Amount);

    /// <summary>Money that may still be refunded: captured, less what was refunded and what refunds under way hold.</summary>
    public Money RefundableAmount => new(CapturedAmount - RefundedAmount - Refunds.Where(r => r.State is RefundState.Pending or RefundState.AwaitingStaff).Sum(r => r.Amount.Amount), Currency);

    /// <summary>This order with one more history entry (the next sequence number) and the new status.</summary>
    internal Order Record(OrderChange change, OrderStatus status, string actor, DateTimeOffset at, string? note = null, string? staffNote = null, Money? amount = null, string? reference = null, string? parcel = null) =>
        this with
        {
            Status = status,
            UpdatedAt = at,
            History = [.. History, new OrderHistoryEntry(LastSequence + 1, at, change, status, actor, note, staffNote, amount, reference) { Parcel = parcel }],
        };

    internal OrderHistoryEntry? LastEntryOf(OrderChange change) => History.LastOrDefault(h => h.Change == change);
}

/// <summary>
/// How paying went. <see cref="Outcome"/> is the provider's last word; <see cref="CapturedAmount"/> is what was taken,
/// <see cref="RefundedAmount"/> what was given back (the order keeps the sum of its completed refunds here).
/// </summary>
public sealed record OrderPayment(
    PaymentMethod Method, string Provider, string? PaymentId, PaymentOutcome Outcome,
    Money CapturedAmount, Money RefundedAmount,
    string? RedirectUrl = null, BankTransferInstructions? Transfer = null, string? DeclineCode = null)
{
    /// <summary>
    /// The payment as a gateway answered a charge of <paramref name="amount"/>: captured means all of it was taken.
    /// Checkout hands the result to <see cref="ManageOrders.MarkPaidAsync"/> (captured) or <see cref="ManageOrders.RecordPaymentAttemptAsync"/> (anything else).
    /// </summary>
    public static OrderPayment From(PaymentResult result, PaymentMethod method, Money amount) =>
        new(method, result.Provider, result.PaymentId, result.Outcome,
            result.Outcome == PaymentOutcome.Captured ? amount : new Money(0m, amount.Currency), new Money(0m, amount.Currency),
            result.RedirectUrl, result.Transfer, result.DeclineCode);
}

/// <summary>The carrier's shipment (one parcel) and the latest tracking update applied (by the time the carrier says it happened).</summary>
/// <param name="AppliedEventIds">Ids of the carrier events already applied (the latest <see cref="OrderShipment.EventIdsKept"/>), so a redelivered webhook changes nothing.</param>
public sealed record OrderShipment(
    string Carrier, string ShipmentId, string TrackingNumber, string TrackingUrl, string? LabelUrl,
    TrackingStatus? LastTrackingStatus, DateTimeOffset? LastTrackingAt, IReadOnlyList<string> AppliedEventIds)
{
    public const int EventIdsKept = 100;

    /// <summary>The warehouse the parcel leaves from; null for an order's single shipment from the shop's default origin.</summary>
    public string? WarehouseId { get; init; }

    /// <summary>What is in the parcel; empty for an order's single shipment (it holds every line).</summary>
    public IReadOnlyList<ParcelItem> Items { get; init; } = [];

    /// <summary>The carrier's scans, oldest first by when they happened (the latest <see cref="EventIdsKept"/>): the customer's tracking timeline.</summary>
    public IReadOnlyList<TrackingScan> Scans { get; init; } = [];

    public static OrderShipment From(Shipment shipment) =>
        new(shipment.Carrier, shipment.ShipmentId, shipment.TrackingNumber, shipment.TrackingUrl, shipment.LabelUrl, null, null, []);
}

/// <summary>
/// Where a refund stands. <see cref="AwaitingStaff"/>: the provider cannot send money back by itself (a bank transfer), so
/// a person must, and the refund is an open task on the order until staff confirm it with the bank's reference.
/// </summary>
public enum RefundState { Pending, Completed, Failed, AwaitingStaff }

/// <summary>
/// One refund. It is claimed (Pending, holding its amount) before the gateway is called, so two refunds at once can never
/// give back more than was captured, and completed after. <see cref="Sequence"/> makes the gateway's idempotency key.
/// </summary>
/// <param name="OperationId">Who asked: a retry of the same request (same Idempotency-Key) finds its refund again.</param>
/// <param name="Provider">The provider of the payment refunded; null: the order's payment (<see cref="Order.Payment"/>).</param>
/// <param name="PaymentId">The provider's payment refunded; null: the order's payment.</param>
/// <param name="Instruction">For a refund a person makes: what the provider said must be done (its instruction id).</param>
public sealed record OrderRefund(
    long Sequence, string OperationId, Money Amount, string Reason, string Actor, DateTimeOffset RequestedAt,
    RefundState State, string? RefundId = null, DateTimeOffset? CompletedAt = null, string? Failure = null,
    string? Provider = null, string? PaymentId = null, string? Instruction = null);

/// <summary>
/// One thing that happened to an order. <see cref="Note"/> is for the customer (a cancellation reason, a carrier's
/// message); <see cref="StaffNote"/> and <see cref="Actor"/> are shown to staff only.
/// </summary>
public sealed record OrderHistoryEntry(
    long Sequence, DateTimeOffset At, OrderChange Change, OrderStatus Status, string Actor,
    string? Note = null, string? StaffNote = null, Money? Amount = null, string? Reference = null)
{
    /// <summary>The tracking number of the parcel the entry is about (a label bought, a scan); null for the order as a whole.</summary>
    public string? Parcel { get; init; }
}

/// <summary>One carrier scan of a parcel: what the carrier said happened, and when.</summary>
public sealed record TrackingScan(string EventId, TrackingStatus Status, DateTimeOffset At, string? Description);

/// <summary>What checkout hands over to create an order. The number is chosen before checkout starts (<see cref="OrderNumbers.New"/>).</summary>
/// <param name="AccessToken">The secret the buyer gets to view the order without signing in (<see cref="OrderAccessTokens.New"/>); only its hash is kept.</param>
public sealed record PlaceOrder(
    string Number, string? CustomerId, string Email, PricedCart Pricing, ShippingAddress ShippingAddress,
    ShippingQuote? ShippingQuote, PaymentMethod PaymentMethod, string AccessToken, CheckoutResumeInputs? CheckoutInputs = null)
{
    /// <summary>Loyalty points spent on the order (already priced into <see cref="Pricing"/> as a discount).</summary>
    public int PointsSpent { get; init; }

    /// <summary>The cart's first and last visit (UTM parameters, click ids), copied to the order.</summary>
    public Marketing.Attribution.CartAttribution? Attribution { get; init; }
}

/// <summary>
/// The checkout's inputs that live nowhere else: the payment token the storefront got from the provider (a Stripe
/// PaymentMethod id, never card data: a provider accepts it for one payment only), where to send the shopper back
/// after 3-D Secure, and the cart to close. Without them a card checkout whose process died between placing the order
/// and starting its orchestration could only be cancelled (CrashMatrixTests, "Card killed at start:before").
/// </summary>
public sealed record CheckoutResumeInputs(string? PaymentToken, string? ReturnUrl, string? CartId);

/// <summary>
/// Told through the order-events queue after an order changed (at least once). The message id (number and history
/// sequence) lets every consumer ignore a redelivery.
/// </summary>
public sealed record OrderChanged(string MessageId, string Number, long Sequence, OrderChange Change, OrderStatus Status, DateTimeOffset At)
{
    public static OrderChanged For(Order order, OrderHistoryEntry entry) =>
        new($"{order.Number}:{entry.Sequence}", order.Number, entry.Sequence, entry.Change, entry.Status, entry.At);
}

/// <summary>Settings of the order capability (configuration section <c>Orders</c>).</summary>
public sealed record OrderSettings(int ReturnWindowDays)
{
    public const int DefaultReturnWindowDays = 30;
    public static readonly OrderSettings Default = new(DefaultReturnWindowDays);
}

/// <summary>The email of history entry <paramref name="Sequence"/> is being sent; after <paramref name="Until"/> the sender is presumed dead.</summary>
public sealed record EmailClaim(long Sequence, DateTimeOffset Until);
