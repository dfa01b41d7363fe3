using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Everything that happens to an order after checkout creates it: payment, shipment, tracking, cancellation and
/// refunds. What customers, guests and staff may read is <see cref="OrderQueries"/>. Returns are <see cref="OrderReturns"/> (whole orders), <see cref="RequestItemReturns"/> and <see cref="ReceiveItemReturns"/> (some items).
/// <para>
/// Every command is idempotent: a change already applied (a retried request, a replayed orchestration step, a webhook
/// delivered twice) adds no history entry and no event. Concurrent changes are read-change-write with the order's ETag,
/// read again on a conflict (like <see cref="Inventory.ManageStock"/>). Each change appends a history entry and, after the
/// save succeeded, puts an <see cref="OrderChanged"/> message on <see cref="WorkQueues.OrderEvents"/>; a replayed
/// command puts its entry's message there again, so a message lost between the save and the queue goes out on the retry
/// (consumers dedupe by message id).
/// </para>
/// </summary>
public sealed class ManageOrders(
    IOrderStore orders, IWorkQueue queue, IEnumerable<IPaymentGateway> gateways, IEnumerable<ICarrier> carriers,
    OrderSettings settings, TimeProvider clock)
{
    public const int MaximumReasonLength = 500;

    /// <summary>The operation id of the refund a cancellation makes of what was captured.</summary>
    public const string CancellationRefund = OrderRefunds.CancellationRefund;

    private readonly OrderWrites _writes = new(orders, queue);
    private readonly OrderRefunds _refunds = new(orders, queue, gateways, clock);
    private readonly OrderQueries _queries = new(orders, settings);

    internal static readonly string[] StaffRoles = [ShopRoles.Admin, ShopRoles.Support];

    // ---- Checkout --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Creates the order, pending payment. Placing the same order again (a replayed checkout step) returns the one
    /// placed first; another order under the same number fails with <see cref="DuplicateResourceException"/>.
    /// </summary>
    public async Task<Order> PlaceAsync(PlaceOrder cmd, CancellationToken ct)
    {
        Validate(cmd);
        var now = clock.GetUtcNow();
        var order = new Order(
            cmd.Number, cmd.Number, string.IsNullOrWhiteSpace(cmd.CustomerId) ? null : cmd.CustomerId, cmd.Email.Trim(), OrderStatus.PendingPayment,
            cmd.Pricing.Currency, cmd.Pricing, cmd.ShippingAddress, cmd.ShippingQuote, cmd.PaymentMethod, null, null, null, null,
            OrderAccessTokens.Hash(cmd.AccessToken), [], [], [], now, now, null, null) { CheckoutInputs = cmd.CheckoutInputs, PointsSpent = cmd.PointsSpent, Attribution = cmd.Attribution }
            .Record(OrderChange.Placed, OrderStatus.PendingPayment, cmd.CustomerId ?? "guest", now);
        try
        {
            await orders.CreateAsync(order, ct);
        }
        catch (DuplicateResourceException)
        {
            var existing = await orders.FindAsync(cmd.Number, ct);
            if (existing is null || !IsSamePlacement(existing.Value, order)) throw;
            await _writes.PublishAsync(existing.Value, existing.Value.History.Where(h => h.Change == OrderChange.Placed), ct);
            return existing.Value;
        }
        await _writes.PublishAsync(order, order.History, ct);
        return order;
    }

    /// <summary>Records where the order ships from (checkout's stock step); the same allocation again writes nothing.</summary>
    public Task<Order> RecordAllocationAsync(string number, Allocation allocation, CancellationToken ct, Versioned<Order>? lastRead = null) =>
        _writes.ChangeAsync(number, order => order.Allocation is { } recorded && recorded.SameAs(allocation)
            ? new OrderDecision(order, null)
            : OrderDecision.Changed(order with { Allocation = allocation }), ct, lastRead);

    /// <summary>
    /// Records a payment that is not (yet) money in the bank: waiting for the customer (a redirect, a bank transfer with
    /// its instructions) or declined. The status stays pending payment. Captured payments go to <see cref="MarkPaidAsync"/>.
    /// </summary>
    public Task<Order> RecordPaymentAttemptAsync(string number, OrderPayment payment, CancellationToken ct)
    {
        if (payment.Outcome == PaymentOutcome.Captured)
            throw new ArgumentException("A captured payment marks the order paid: call MarkPaidAsync.", nameof(payment));
        var change = payment.Outcome == PaymentOutcome.Declined ? OrderChange.PaymentDeclined : OrderChange.PaymentPending;
        return _writes.ChangeAsync(number, order =>
        {
            if (order.Payment is { } recorded && IsSameAttempt(recorded, payment)) return OrderDecision.AlreadyDone(order, change);
            if (order.Status != OrderStatus.PendingPayment)
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; a payment attempt can only be recorded while it is pending payment.", "status");
            var zero = new Money(0m, order.Currency);
            var note = payment.Outcome switch
            {
                PaymentOutcome.AwaitingTransfer when payment.Transfer is { } t =>
                    $"Waiting for a bank transfer of {OrderEmails.Format(t.Amount)} with reference {t.Reference}, due by {t.PayBy.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.",
                PaymentOutcome.AwaitingTransfer => "Waiting for the bank transfer.",
                PaymentOutcome.ActionRequired => "Waiting for the payment to be approved.",
                _ => "The payment was declined.",
            };
            var staffNote = payment.Outcome == PaymentOutcome.Declined ? $"Declined by {payment.Provider}: {payment.DeclineCode ?? "no code"}." : null;
            // A payment waiting for the customer is an authorisation asked of the provider: the ledger notes it, so a void can be matched to it.
            var ledger = payment is { Outcome: PaymentOutcome.ActionRequired, PaymentId: { } pending }
                ? order.Books.With(new LedgerEntry(LedgerKeys.Authorised(payment.Provider, pending), payment.Provider, pending, LedgerEntryKind.Authorised, order.Pricing.Total, clock.GetUtcNow(), "checkout"))
                : order.Ledger;
            return OrderDecision.Changed((order with { Payment = payment with { CapturedAmount = zero, RefundedAmount = zero }, Ledger = ledger })
                .Record(change, OrderStatus.PendingPayment, $"payment:{payment.Provider}", clock.GetUtcNow(), note, staffNote, reference: payment.PaymentId));
        }, ct);
    }

    /// <summary>
    /// The money is in: pending payment becomes paid. At least the order total must have been captured. The capture is
    /// recorded in the ledger under <paramref name="ledgerKey"/> (the key it was first recorded with, by the webhook or
    /// the payment step), so marking paid never counts the money twice.
    /// </summary>
    /// <param name="lastRead">The order as the caller has just read it, if it has (OrderWrites).</param>
    public Task<Order> MarkPaidAsync(string number, OrderPayment payment, Actor actor, CancellationToken ct, string? ledgerKey = null, Versioned<Order>? lastRead = null)
    {
        if (payment.Outcome != PaymentOutcome.Captured)
            throw new ArgumentException("Only a captured payment marks an order paid: record others with RecordPaymentAttemptAsync.", nameof(payment));
        return _writes.ChangeAsync(number, order =>
        {
            if (order.PaidAt is not null)
            {
                if (order.Payment is { } paid && paid.Provider == payment.Provider && paid.PaymentId == payment.PaymentId) return OrderDecision.AlreadyDone(order, OrderChange.Paid);
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and was already paid with payment {order.Payment?.PaymentId ?? "(none)"} ({order.Payment?.Provider}); a second payment must be refunded.", "status");
            }
            OrderTransitions.Ensure(order, OrderStatus.Paid, "be marked paid");
            if (payment.CapturedAmount.Currency != order.Currency)
                throw ValidationFailedException.For("amount.currency", $"must be the order's currency, {order.Currency}.");
            if (payment.CapturedAmount.Amount < order.Pricing.Total.Amount)
                throw new BusinessRuleViolationException(
                    $"{OrderEmails.Format(payment.CapturedAmount)} was captured, less than the order total of {OrderEmails.Format(order.Pricing.Total)}.", "amount");
            var now = clock.GetUtcNow();
            var paymentId = payment.PaymentId ?? order.Number;
            var capture = new LedgerEntry(ledgerKey ?? LedgerKeys.Captured(payment.Provider, paymentId), payment.Provider, paymentId,
                LedgerEntryKind.Captured, payment.CapturedAmount, now, actor.Id);
            // Without a key (a checkout started before the ledger existed) a capture of this payment already recorded is this one.
            var known = ledgerKey is null && order.Books.Entries.Any(e => e.Kind == LedgerEntryKind.Captured && e.Provider == payment.Provider && e.PaymentId == paymentId);
            return OrderDecision.Changed((order with { Payment = payment with { RefundedAmount = new Money(0m, order.Currency) }, PaidAt = now, Ledger = known ? order.Ledger : order.Books.With(capture) })
                .Record(OrderChange.Paid, OrderStatus.Paid, actor.Id, now, $"Payment of {OrderEmails.Format(payment.CapturedAmount)} received.", reference: payment.PaymentId));
        }, ct, lastRead);
    }

    /// <summary>The carrier has the label of the order's one parcel (an order without an allocation): paid becomes processing.</summary>
    public Task<Order> AttachShipmentAsync(string number, Shipment shipment, CancellationToken ct, Versioned<Order>? lastRead = null) =>
        _writes.ChangeAsync(number, order =>
        {
            if (order.Shipment is { } attached)
            {
                if (attached.ShipmentId == shipment.ShipmentId && attached.Carrier == shipment.Carrier) return OrderDecision.AlreadyDone(order, OrderChange.ShipmentCreated);
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and already has shipment {attached.ShipmentId} with {attached.Carrier}.", "status");
            }
            if (order.Parcels.Count > 0)
                throw new BusinessRuleViolationException($"Order {order.Number} ships in {order.ParcelCount()} parcels, one per warehouse; it takes no single shipment.", "status");
            OrderTransitions.Ensure(order, OrderStatus.Processing, "get a shipment");
            return OrderDecision.Changed((order with { Shipment = OrderShipment.From(shipment) })
                .Record(OrderChange.ShipmentCreated, OrderStatus.Processing, $"carrier:{shipment.Carrier}", clock.GetUtcNow(),
                    $"Parcel registered with {shipment.Carrier}, tracking number {shipment.TrackingNumber}.", reference: shipment.ShipmentId, parcel: shipment.TrackingNumber));
        }, ct, lastRead);

    /// <summary>
    /// The carrier has the label of one allocated parcel (its warehouse's items): the first moves paid to processing.
    /// The same label again writes nothing; another label for a warehouse already labelled is refused (<see cref="ParcelTracking.Attach"/>).
    /// </summary>
    public Task<Order> AttachParcelAsync(string number, AllocatedParcel parcel, Shipment shipment, CancellationToken ct, Versioned<Order>? lastRead = null) =>
        _writes.ChangeAsync(number, order => ParcelTracking.Attach(order, parcel, shipment, clock.GetUtcNow()), ct, lastRead);

    /// <summary>
    /// Applies a carrier's tracking update to its parcel, and through it to the order (<see cref="ParcelTracking"/>): the
    /// first parcel to leave ships the order, the last to be delivered delivers it, every parcel back returns it.
    /// Updates are ordered by when the carrier says they happened: one older than the parcel's last applied is recorded
    /// but never moves the order back. An event id seen before changes nothing.
    /// </summary>
    public Task<Order> ApplyTrackingAsync(TrackingEvent e, CancellationToken ct) =>
        _writes.ChangeAsync(OrderNumbers.Normalise(e.OrderId) ?? throw new ResourceNotFoundException("Order", e.OrderId), order =>
            // A return's label is tracked on the return (docs/shipping.md, "Returns").
            ReturnTracking.Apply(order, e, clock.GetUtcNow()) ?? ParcelTracking.Apply(order, e, clock.GetUtcNow()), ct);

    // ---- Staff and customers ---------------------------------------------------------------------------------------

    /// <summary>
    /// Cancels an order that has not left the warehouse. A shipment is cancelled with the carrier first (a parcel already
    /// handed over makes the carrier refuse, and nothing changes); what was captured is refunded, all of it.
    /// </summary>
    public async Task<Order> CancelAsync(string number, string reason, Actor actor, CancellationToken ct)
    {
        ValidateReason(reason);
        var current = (await _queries.GetAsync(number, ct)).Value;
        if (current.Status != OrderStatus.Cancelled)
        {
            OrderTransitions.Ensure(current, OrderStatus.Cancelled, "be cancelled");
            if (current.Status == OrderStatus.Processing)
                foreach (var shipment in current.AllParcels())
                {
                    var carrier = carriers.FirstOrDefault(c => c.Name == shipment.Carrier)
                        ?? throw new BusinessRuleViolationException($"Order {current.Number} is processing with carrier {shipment.Carrier}, which is not configured here, so its shipment cannot be cancelled.", "status");
                    await carrier.CancelShipmentAsync(shipment.ShipmentId,
                        shipment.WarehouseId is { } warehouse ? $"{current.Number}-cancel-shipment-{warehouse}" : $"{current.Number}-cancel-shipment", ct);
                }
        }

        var cancelled = await _writes.ChangeAsync(current.Number, order =>
        {
            if (order.Status == OrderStatus.Cancelled) return OrderDecision.AlreadyDone(order, OrderChange.Cancelled);
            OrderTransitions.Ensure(order, OrderStatus.Cancelled, "be cancelled");
            var now = clock.GetUtcNow();
            // Whatever the ledger says was captured and not given back is claimed for refund in the same write that cancels.
            var next = OrderRefunds.ClaimEverything(order with { CancellationReason = reason.Trim() }, CancellationRefund, reason.Trim(), actor.Id, now);
            return OrderDecision.Changed(next.Record(OrderChange.Cancelled, OrderStatus.Cancelled, actor.Id, now, reason.Trim()));
        }, ct);

        return await _refunds.CompleteOpenAsync(cancelled.Number, CancellationRefund, ct);
    }

    /// <summary>Refunds a request from the API: both fields are checked as input (400) before anything else.</summary>
    public Task<Order> RefundAsync(string number, RefundInput input, Actor actor, string operationId, CancellationToken ct)
    {
        var v = new Validator();
        v.Required(input.Amount, "amount");
        if (v.Required(input.Reason, "reason")) v.MaxLength(input.Reason, MaximumReasonLength, "reason");
        v.ThrowIfInvalid();
        return RefundAsync(number, input.Amount!, input.Reason!, actor, operationId, ct);
    }

    public Task<Order> RefundAsync(string number, Money amount, string reason, Actor actor, CancellationToken ct) =>
        RefundAsync(number, amount, reason, actor, Ids.New("rfd"), ct);

    /// <summary>
    /// Gives back part or all of what was captured, through the gateway that took the payment, never more than captured
    /// less refunded (409, field amount). The refund is claimed on the order first, so concurrent refunds cannot together
    /// exceed the captured amount, then made with the idempotency key "&lt;number&gt;-refund-&lt;sequence&gt;": a retry
    /// (the same <paramref name="operationId"/>) resumes the same refund and never refunds twice. Refunding everything ends
    /// the order as refunded when its goods are settled (see <see cref="OrderTransitions"/>); a partial refund keeps the status.
    /// A refund a person must make (a bank transfer) stays an open task until staff confirm it (<see cref="OrderRefunds"/>).
    /// </summary>
    /// <param name="operationId">Identifies this request: the same id (a retry) finds its refund again.</param>
    public Task<Order> RefundAsync(string number, Money amount, string reason, Actor actor, string operationId, CancellationToken ct)
    {
        ValidateReason(reason);
        return _refunds.RefundAsync(Normalised(number), amount, reason.Trim(), actor, operationId, ct);
    }

    public static string RefundIdempotencyKey(string number, long sequence) => OrderRefunds.RefundIdempotencyKey(number, sequence);

    // ---- Rules -------------------------------------------------------------------------------------------------------

    internal static string Normalised(string number) => OrderNumbers.Normalise(number) ?? throw new ResourceNotFoundException("Order", number);

    internal static void ValidateReason(string? reason)
    {
        var v = new Validator();
        if (v.Required(reason, "reason")) v.MaxLength(reason, MaximumReasonLength, "reason");
        v.ThrowIfInvalid();
    }

    private static void Validate(PlaceOrder cmd)
    {
        var v = new Validator();
        v.Check(OrderNumbers.IsWellFormed(cmd.Number), "number", "must be an order number from OrderNumbers.New (SS-XXXX-XXXX).");
        v.Check(cmd.CustomerId is null || cmd.CustomerId.Length <= 200, "customerId", "must be at most 200 characters.");
        if (v.Required(cmd.Email, "email"))
            v.Check(cmd.Email.Trim() is { Length: <= 254 } e && e.IndexOf('@') is > 0 and var at && at < e.Length - 1 && !e.Any(char.IsWhiteSpace), "email", "must be an email address.");
        if (v.Required(cmd.Pricing, "pricing"))
        {
            v.Check(Currencies.IsKnown(cmd.Pricing.Currency), "pricing.currency", "must be an ISO 4217 currency code.");
            v.Check(cmd.Pricing.Lines.Count > 0, "pricing.lines", "an order needs at least one line.");
            v.Check(cmd.Pricing.Total.Currency == cmd.Pricing.Currency, "pricing.total.currency", "must be the order's currency.");
            for (var i = 0; i < cmd.Pricing.Lines.Count; i++)
                if (cmd.Pricing.Lines[i].Problem is { } problem) v.Add($"pricing.lines[{i}]", $"cannot be bought: {problem}");
        }
        if (v.Required(cmd.ShippingAddress, "shippingAddress")) v.Required(cmd.ShippingAddress.Country, "shippingAddress.country");
        if (v.Required(cmd.AccessToken, "accessToken")) v.Check(cmd.AccessToken.Length is >= 16 and <= 200, "accessToken", "must be 16 to 200 characters.");
        v.ThrowIfInvalid();
    }

    private static bool IsSamePlacement(Order existing, Order placed) =>
        existing.CustomerId == placed.CustomerId
        && string.Equals(existing.Email, placed.Email, StringComparison.OrdinalIgnoreCase)
        && existing.Pricing.Total == placed.Pricing.Total
        && existing.Pricing.Lines.Select(l => (l.Sku, l.Quantity)).SequenceEqual(placed.Pricing.Lines.Select(l => (l.Sku, l.Quantity)))
        && existing.ShippingAddress == placed.ShippingAddress
        && existing.PaymentMethod == placed.PaymentMethod
        && existing.AccessTokenHash == placed.AccessTokenHash;

    private static bool IsSameAttempt(OrderPayment recorded, OrderPayment attempt) =>
        recorded.Provider == attempt.Provider && recorded.PaymentId == attempt.PaymentId && recorded.Outcome == attempt.Outcome
        && recorded.RedirectUrl == attempt.RedirectUrl && recorded.DeclineCode == attempt.DeclineCode
        && recorded.Transfer?.Reference == attempt.Transfer?.Reference;
}

/// <summary>A refund as staff ask for it: how much, and why (kept for staff; the customer sees the amount).</summary>
public sealed record RefundInput(Money? Amount, string? Reason);

/// <summary>The body of cancellations, return requests and rejections.</summary>
public sealed record ReasonInput(string? Reason);
