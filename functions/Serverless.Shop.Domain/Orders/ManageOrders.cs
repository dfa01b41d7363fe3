using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Payments;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Everything that happens to an order after checkout creates it: payment, shipment, tracking, cancellation, returns
/// and refunds, and what customers, guests and staff may read.
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
    private const int MaximumAttempts = 8;

    /// <summary>The operation id of the refund a cancellation makes of what was captured.</summary>
    public const string CancellationRefund = "cancellation";

    private static readonly string[] StaffRoles = [ShopRoles.Admin, ShopRoles.Support];

    // ---- Reads -------------------------------------------------------------------------------------------------

    public async Task<Versioned<Order>> GetAsync(string number, CancellationToken ct)
    {
        var normalised = OrderNumbers.Normalise(number) ?? throw new ResourceNotFoundException("Order", number);
        return await orders.FindAsync(normalised, ct) ?? throw new ResourceNotFoundException("Order", normalised);
    }

    /// <summary>A customer's own order; someone else's is 404, as if it did not exist.</summary>
    public async Task<Versioned<OrderView>> GetForCustomerAsync(string number, Actor customer, CancellationToken ct)
    {
        var order = await GetAsync(number, ct);
        if (order.Value.CustomerId is null || order.Value.CustomerId != customer.Id) throw new ResourceNotFoundException("Order", number);
        return new(OrderView.Of(order.Value, settings), order.Version);
    }

    /// <summary>An order seen with its access token (guests, links in emails); a wrong or missing token is 404.</summary>
    public async Task<Versioned<OrderView>> GetWithTokenAsync(string number, string? token, CancellationToken ct)
    {
        var order = await GetAsync(number, ct);
        if (!OrderAccessTokens.Matches(order.Value, token)) throw new ResourceNotFoundException("Order", number);
        return new(OrderView.Of(order.Value, settings), order.Version);
    }

    public async Task<Page<OrderSummary>> ListForCustomerAsync(Actor customer, string? pageSize, string? token, CancellationToken ct)
    {
        var v = new Validator();
        var page = PageRequest.Parse(pageSize, token, v);
        v.ThrowIfInvalid();
        return await orders.ListByCustomerAsync(customer.Id, page, ct);
    }

    public async Task<Page<OrderSummary>> SearchAsync(OrderSearchQuery query, CancellationToken ct)
    {
        var (filter, page) = query.Parse();
        return await orders.SearchAsync(filter, page, ct);
    }

    /// <summary>Until when the customer may ask to return a delivered order; null when the order is not delivered.</summary>
    public static DateTimeOffset? ReturnableUntil(Order order, OrderSettings settings) =>
        order.Status == OrderStatus.Delivered && order.DeliveredAt is { } delivered ? delivered.AddDays(settings.ReturnWindowDays) : null;

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
            OrderAccessTokens.Hash(cmd.AccessToken), [], [], [], now, now, null, null)
            .Record(OrderChange.Placed, OrderStatus.PendingPayment, cmd.CustomerId ?? "guest", now);
        try
        {
            await orders.CreateAsync(order, ct);
        }
        catch (DuplicateResourceException)
        {
            var existing = await orders.FindAsync(cmd.Number, ct);
            if (existing is null || !IsSamePlacement(existing.Value, order)) throw;
            await PublishAsync(existing.Value, existing.Value.History.Where(h => h.Change == OrderChange.Placed), ct);
            return existing.Value;
        }
        await PublishAsync(order, order.History, ct);
        return order;
    }

    /// <summary>
    /// Records a payment that is not (yet) money in the bank: waiting for the customer (a redirect, a bank transfer with
    /// its instructions) or declined. The status stays pending payment. Captured payments go to <see cref="MarkPaidAsync"/>.
    /// </summary>
    public Task<Order> RecordPaymentAttemptAsync(string number, OrderPayment payment, CancellationToken ct)
    {
        if (payment.Outcome == PaymentOutcome.Captured)
            throw new ArgumentException("A captured payment marks the order paid: call MarkPaidAsync.", nameof(payment));
        var change = payment.Outcome == PaymentOutcome.Declined ? OrderChange.PaymentDeclined : OrderChange.PaymentPending;
        return ChangeAsync(number, order =>
        {
            if (order.Payment is { } recorded && IsSameAttempt(recorded, payment)) return AlreadyDone(order, change);
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
            return Changed((order with { Payment = payment with { CapturedAmount = zero, RefundedAmount = zero } })
                .Record(change, OrderStatus.PendingPayment, $"payment:{payment.Provider}", clock.GetUtcNow(), note, staffNote, reference: payment.PaymentId));
        }, ct);
    }

    /// <summary>The money is in: pending payment becomes paid. At least the order total must have been captured.</summary>
    public Task<Order> MarkPaidAsync(string number, OrderPayment payment, Actor actor, CancellationToken ct)
    {
        if (payment.Outcome != PaymentOutcome.Captured)
            throw new ArgumentException("Only a captured payment marks an order paid: record others with RecordPaymentAttemptAsync.", nameof(payment));
        return ChangeAsync(number, order =>
        {
            if (order.PaidAt is not null)
            {
                if (order.Payment is { } paid && paid.Provider == payment.Provider && paid.PaymentId == payment.PaymentId) return AlreadyDone(order, OrderChange.Paid);
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
            return Changed((order with { Payment = payment with { RefundedAmount = new Money(0m, order.Currency) }, PaidAt = now })
                .Record(OrderChange.Paid, OrderStatus.Paid, actor.Id, now, $"Payment of {OrderEmails.Format(payment.CapturedAmount)} received.", reference: payment.PaymentId));
        }, ct);
    }

    /// <summary>The carrier has the parcel's label: paid becomes processing.</summary>
    public Task<Order> AttachShipmentAsync(string number, Shipment shipment, CancellationToken ct) =>
        ChangeAsync(number, order =>
        {
            if (order.Shipment is { } attached)
            {
                if (attached.ShipmentId == shipment.ShipmentId && attached.Carrier == shipment.Carrier) return AlreadyDone(order, OrderChange.ShipmentCreated);
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and already has shipment {attached.ShipmentId} with {attached.Carrier}.", "status");
            }
            OrderTransitions.Ensure(order, OrderStatus.Processing, "get a shipment");
            return Changed((order with { Shipment = OrderShipment.From(shipment) })
                .Record(OrderChange.ShipmentCreated, OrderStatus.Processing, $"carrier:{shipment.Carrier}", clock.GetUtcNow(),
                    $"Parcel registered with {shipment.Carrier}, tracking number {shipment.TrackingNumber}.", reference: shipment.ShipmentId));
        }, ct);

    /// <summary>
    /// Applies a carrier's tracking update. In transit or out for delivery means shipped; delivered means delivered (also
    /// straight from processing, when that is the first scan the carrier sends); returned to sender means returned.
    /// Updates are ordered by when the carrier says they happened: one older than the last applied is recorded but never
    /// moves the order back. An event id seen before changes nothing.
    /// </summary>
    public Task<Order> ApplyTrackingAsync(TrackingEvent e, CancellationToken ct) =>
        ChangeAsync(OrderNumbers.Normalise(e.OrderId) ?? throw new ResourceNotFoundException("Order", e.OrderId), order =>
        {
            var shipment = order.Shipment
                ?? throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and has no shipment yet; the tracking update cannot be applied.", "orderId");
            if (!string.Equals(shipment.TrackingNumber, e.TrackingNumber, StringComparison.OrdinalIgnoreCase) || shipment.Carrier != e.Carrier)
                throw new BusinessRuleViolationException($"Tracking number {e.TrackingNumber} ({e.Carrier}) is not the shipment of order {order.Number}.", "trackingNumber");
            if (shipment.AppliedEventIds.Contains(e.EventId))
                return new Decision(order, order.History.LastOrDefault(h => h.Reference == e.EventId));

            var newest = shipment.LastTrackingAt is not { } last || e.OccurredAt >= last;
            var updated = shipment with
            {
                AppliedEventIds = [.. shipment.AppliedEventIds.TakeLast(OrderShipment.EventIdsKept - 1), e.EventId],
                LastTrackingStatus = newest ? e.Status : shipment.LastTrackingStatus,
                LastTrackingAt = newest ? e.OccurredAt : shipment.LastTrackingAt,
            };
            var now = clock.GetUtcNow();
            var actor = $"carrier:{e.Carrier}";
            var note = e.Description is { Length: > 0 } d ? d : DescribeTracking(e.Status);
            // Only the parcel's journey moves the order here; returns and refunds are the shop's to decide.
            if (newest && order.Status is OrderStatus.Processing or OrderStatus.Shipped && StatusFor(e.Status) is { } target
                && target != order.Status && OrderTransitions.IsAllowed(order.Status, target))
            {
                var change = target switch { OrderStatus.Delivered => OrderChange.Delivered, OrderStatus.Returned => OrderChange.Returned, _ => OrderChange.Shipped };
                return Changed((order with { Shipment = updated, DeliveredAt = target == OrderStatus.Delivered ? e.OccurredAt : order.DeliveredAt })
                    .Record(change, target, actor, now, note, reference: e.EventId));
            }
            return Changed((order with { Shipment = updated }).Record(OrderChange.TrackingUpdated, order.Status, actor, now, note,
                staffNote: newest ? null : $"Arrived after a later update ({shipment.LastTrackingStatus} at {shipment.LastTrackingAt:u}); the status was left as it was.", reference: e.EventId));
        }, ct);

    // ---- Staff and customers ---------------------------------------------------------------------------------------

    /// <summary>
    /// Cancels an order that has not left the warehouse. A shipment is cancelled with the carrier first (a parcel already
    /// handed over makes the carrier refuse, and nothing changes); what was captured is refunded, all of it.
    /// </summary>
    public async Task<Order> CancelAsync(string number, string reason, Actor actor, CancellationToken ct)
    {
        ValidateReason(reason);
        var current = (await GetAsync(number, ct)).Value;
        if (current.Status != OrderStatus.Cancelled)
        {
            OrderTransitions.Ensure(current, OrderStatus.Cancelled, "be cancelled");
            if (current.Status == OrderStatus.Processing && current.Shipment is { } shipment)
            {
                var carrier = carriers.FirstOrDefault(c => c.Name == shipment.Carrier)
                    ?? throw new BusinessRuleViolationException($"Order {current.Number} is processing with carrier {shipment.Carrier}, which is not configured here, so its shipment cannot be cancelled.", "status");
                await carrier.CancelShipmentAsync(shipment.ShipmentId, $"{current.Number}-cancel-shipment", ct);
            }
        }

        var cancelled = await ChangeAsync(current.Number, order =>
        {
            if (order.Status == OrderStatus.Cancelled) return AlreadyDone(order, OrderChange.Cancelled);
            OrderTransitions.Ensure(order, OrderStatus.Cancelled, "be cancelled");
            var now = clock.GetUtcNow();
            var next = order with { CancellationReason = reason.Trim() };
            if (order.RefundableAmount.Amount > 0)
                next = next with { Refunds = [.. order.Refunds, NewRefund(order, CancellationRefund, order.RefundableAmount, reason.Trim(), actor, now)] };
            return Changed(next.Record(OrderChange.Cancelled, OrderStatus.Cancelled, actor.Id, now, reason.Trim()));
        }, ct);

        var refund = cancelled.Refunds.FirstOrDefault(r => r.OperationId == CancellationRefund && r.State != RefundState.Completed);
        return refund is null ? cancelled : await CompleteRefundAsync(cancelled.Number, CancellationRefund, ct);
    }

    /// <summary>
    /// The customer asks to send a delivered order back, within the return window (Orders:ReturnWindowDays after
    /// delivery). Someone else's order is 404. Support and admins may open a return for the customer, also later.
    /// </summary>
    public Task<Order> RequestReturnAsync(string number, string reason, Actor actor, CancellationToken ct)
    {
        ValidateReason(reason);
        var staff = actor.IsInAnyRole(StaffRoles);
        return ChangeAsync(Normalised(number), order =>
        {
            if (!staff && (order.CustomerId is null || order.CustomerId != actor.Id)) throw new ResourceNotFoundException("Order", number);
            if (order.Status == OrderStatus.ReturnRequested) return AlreadyDone(order, OrderChange.ReturnRequested);
            OrderTransitions.Ensure(order, OrderStatus.ReturnRequested, "have a return requested (only delivered orders can)");
            var now = clock.GetUtcNow();
            if (!staff && ReturnableUntil(order, settings) is { } until && now > until)
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} was delivered on {order.DeliveredAt:yyyy-MM-dd}; returns could be requested for {settings.ReturnWindowDays} days, until {until:yyyy-MM-dd}.", "status");
            return Changed((order with { ReturnReason = reason.Trim() }).Record(OrderChange.ReturnRequested, OrderStatus.ReturnRequested, actor.Id, now, reason.Trim()));
        }, ct);
    }

    /// <summary>Staff refuse a requested return: the order is delivered again, and the customer is told why.</summary>
    public Task<Order> RejectReturnAsync(string number, string reason, Actor actor, CancellationToken ct)
    {
        ValidateReason(reason);
        return ChangeAsync(Normalised(number), order =>
        {
            if (order.Status == OrderStatus.Delivered && order.LastEntryOf(OrderChange.ReturnRejected) is { } rejected
                && rejected.Sequence > (order.LastEntryOf(OrderChange.ReturnRequested)?.Sequence ?? 0))
                return AlreadyDone(order, OrderChange.ReturnRejected);
            if (order.Status != OrderStatus.ReturnRequested)
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; only a requested return can be rejected.", "status");
            return Changed(order.Record(OrderChange.ReturnRejected, OrderStatus.Delivered, actor.Id, clock.GetUtcNow(), reason.Trim()));
        }, ct);
    }

    /// <summary>The parcel came back to the shop (a requested return, or one the carrier returned to the sender).</summary>
    public Task<Order> MarkReturnedAsync(string number, Actor actor, CancellationToken ct) =>
        ChangeAsync(Normalised(number), order =>
        {
            if (order.Status == OrderStatus.Returned || (order.Status == OrderStatus.Refunded && order.LastEntryOf(OrderChange.Returned) is not null))
                return AlreadyDone(order, OrderChange.Returned);
            OrderTransitions.Ensure(order, OrderStatus.Returned, "be marked returned");
            return Changed(order.Record(OrderChange.Returned, OrderStatus.Returned, actor.Id, clock.GetUtcNow(), "The returned parcel arrived."));
        }, ct);

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
    /// </summary>
    /// <param name="operationId">Identifies this request: the same id (a retry) finds its refund again.</param>
    public async Task<Order> RefundAsync(string number, Money amount, string reason, Actor actor, string operationId, CancellationToken ct)
    {
        ValidateReason(reason);
        var claimed = await ChangeAsync(Normalised(number), order =>
        {
            var existing = order.Refunds.FirstOrDefault(r => r.OperationId == operationId);
            if (existing is { State: RefundState.Completed }) return new Decision(order, order.History.LastOrDefault(h => h.Reference == existing.RefundId && h.Amount is not null));
            if (existing is { State: RefundState.Pending }) return new Decision(order, null);

            var v = new Validator();
            Money.Validate(amount, "amount", v, order.Currency);
            v.ThrowIfInvalid();
            if (order.CapturedAmount == 0)
                throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and nothing was captured, so there is nothing to refund.", "amount");
            if (amount.Amount > order.RefundableAmount.Amount)
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; only {OrderEmails.Format(order.RefundableAmount)} of the {OrderEmails.Format(order.Payment!.CapturedAmount)} captured can still be refunded.", "amount");
            GatewayFor(order);
            var now = clock.GetUtcNow();
            // A failed refund asked again keeps its sequence (and so its idempotency key): if the gateway did refund, it says so now.
            var refunds = existing is { State: RefundState.Failed }
                ? order.Refunds.Select(r => r == existing ? existing with { State = RefundState.Pending, Failure = null, Amount = amount } : r).ToList()
                : [.. order.Refunds, NewRefund(order, operationId, amount, reason.Trim(), actor, now)];
            return Changed(order with { Refunds = refunds, UpdatedAt = now });
        }, ct);

        var refund = claimed.Refunds.Single(r => r.OperationId == operationId);
        return refund.State == RefundState.Completed ? claimed : await CompleteRefundAsync(claimed.Number, operationId, ct);
    }

    public static string RefundIdempotencyKey(string number, long sequence) => $"{number}-refund-{sequence.ToString(CultureInfo.InvariantCulture)}";

    private async Task<Order> CompleteRefundAsync(string number, string operationId, CancellationToken ct)
    {
        var order = (await GetAsync(number, ct)).Value;
        var refund = order.Refunds.Single(r => r.OperationId == operationId);
        if (refund.State == RefundState.Completed) return order;

        RefundResult result;
        try
        {
            result = await GatewayFor(order).RefundAsync(order.Payment!.PaymentId ?? order.Number, refund.Amount, RefundIdempotencyKey(order.Number, refund.Sequence), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The amount is free again; asking again with the same operation id retries with the same idempotency key.
            await ChangeAsync(number, o => o.Refunds.Single(r => r.OperationId == operationId) is { State: RefundState.Pending } pending
                ? Changed(o with { Refunds = o.Refunds.Select(r => r == pending ? r with { State = RefundState.Failed, Failure = e.Message } : r).ToList(), UpdatedAt = clock.GetUtcNow() })
                : new Decision(o, null), CancellationToken.None);
            throw;
        }

        return await ChangeAsync(number, o =>
        {
            var pending = o.Refunds.Single(r => r.OperationId == operationId);
            if (pending.State == RefundState.Completed) return new Decision(o, o.History.LastOrDefault(h => h.Reference == pending.RefundId && h.Amount is not null));
            var now = clock.GetUtcNow();
            var refunded = o.RefundedAmount + pending.Amount.Amount;
            var everything = refunded >= o.CapturedAmount;
            var status = everything && OrderTransitions.IsAllowed(o.Status, OrderStatus.Refunded) ? OrderStatus.Refunded : o.Status;
            var next = o with
            {
                Refunds = o.Refunds.Select(r => r == pending ? r with { State = RefundState.Completed, RefundId = result.RefundId, CompletedAt = now, Failure = null } : r).ToList(),
                Payment = o.Payment! with { RefundedAmount = new Money(refunded, o.Currency) },
            };
            return Changed(next.Record(everything ? OrderChange.Refunded : OrderChange.PartiallyRefunded, status, pending.Actor, now,
                $"Refund of {OrderEmails.Format(pending.Amount)}.", pending.Reason, pending.Amount, result.RefundId));
        }, CancellationToken.None);
    }

    // ---- The one way orders change -----------------------------------------------------------------------------------

    /// <summary>
    /// What a command decided: the order after it, or the same order when the change was applied before; then
    /// <see cref="Replayed"/> is the entry that change made, whose message is sent again.
    /// </summary>
    private readonly record struct Decision(Order Order, OrderHistoryEntry? Replayed);

    private static Decision Changed(Order order) => new(order, null);

    private static Decision AlreadyDone(Order order, OrderChange change) => new(order, order.LastEntryOf(change));

    private async Task<Order> ChangeAsync(string number, Func<Order, Decision> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await orders.FindAsync(number, ct) ?? throw new ResourceNotFoundException("Order", number);
            var decision = decide(current.Value);
            if (ReferenceEquals(decision.Order, current.Value))
            {
                if (decision.Replayed is { } entry) await PublishAsync(current.Value, [entry], ct);
                return current.Value;
            }
            try
            {
                await orders.SaveAsync(decision.Order, current.Version, ct);
            }
            catch (StaleVersionException) when (attempt < MaximumAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
                continue;
            }
            catch (StaleVersionException)
            {
                throw new BusyResourceException("Order");
            }
            await PublishAsync(decision.Order, decision.Order.History.Where(h => h.Sequence > current.Value.LastSequence), ct);
            return decision.Order;
        }
    }

    private async Task PublishAsync(Order order, IEnumerable<OrderHistoryEntry> entries, CancellationToken ct)
    {
        foreach (var entry in entries)
            await queue.EnqueueAsync(WorkQueues.OrderEvents, OrderChanged.For(order, entry), ct);
    }

    // ---- Rules -------------------------------------------------------------------------------------------------------

    private static string Normalised(string number) => OrderNumbers.Normalise(number) ?? throw new ResourceNotFoundException("Order", number);

    private IPaymentGateway GatewayFor(Order order)
    {
        var provider = order.Payment?.Provider;
        return gateways.FirstOrDefault(g => g.Provider == provider)
            ?? throw new BusinessRuleViolationException($"Order {order.Number} was paid through '{provider}', which is not configured here, so it cannot be refunded through the shop.", "amount");
    }

    private static OrderRefund NewRefund(Order order, string operationId, Money amount, string reason, Actor actor, DateTimeOffset at) =>
        new(order.Refunds.Count + 1, operationId, amount, reason, actor.Id, at, RefundState.Pending);

    private static void ValidateReason(string? reason)
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

    private static OrderStatus? StatusFor(TrackingStatus status) => status switch
    {
        TrackingStatus.InTransit or TrackingStatus.OutForDelivery => OrderStatus.Shipped,
        TrackingStatus.Delivered => OrderStatus.Delivered,
        TrackingStatus.ReturnedToSender => OrderStatus.Returned,
        _ => null,
    };

    private static string DescribeTracking(TrackingStatus status) => status switch
    {
        TrackingStatus.LabelCreated => "The carrier has the parcel's label.",
        TrackingStatus.InTransit => "The parcel is on its way.",
        TrackingStatus.OutForDelivery => "The parcel is out for delivery.",
        TrackingStatus.Delivered => "The parcel was delivered.",
        TrackingStatus.DeliveryFailed => "The carrier could not deliver the parcel.",
        _ => "The parcel is on its way back to the shop.",
    };
}

/// <summary>A refund as staff ask for it: how much, and why (kept for staff; the customer sees the amount).</summary>
public sealed record RefundInput(Money? Amount, string? Reason);

/// <summary>The body of cancellations, return requests and rejections.</summary>
public sealed record ReasonInput(string? Reason);
