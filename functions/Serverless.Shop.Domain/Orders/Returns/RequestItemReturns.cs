using System.Globalization;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Opening and deciding returns of some items of a delivered order: the customer (within the return window) or support
/// (also later) asks, <see cref="ReturnRules.AutoApproval"/> approves or staff approve or reject, and an approved
/// return gets a return label from the carrier. Receiving it is <see cref="ReceiveItemReturns"/>. Every command is
/// idempotent and written like every order change (<see cref="OrderWrites"/>).
/// </summary>
public sealed class RequestItemReturns(
    IOrderStore orders, IWorkQueue queue, IEnumerable<ICarrier> carriers, OrderSettings orderSettings, ReturnSettings settings, TimeProvider clock)
{
    private readonly OrderWrites _writes = new(orders, queue);

    /// <summary>
    /// Opens a return. Someone else's order is 404 for a customer. The order must be delivered (409, field status) and,
    /// for a customer, within the return window (409, field status); no line may return more units than were bought less
    /// those already in returns (409, field <c>lines[i].quantity</c>). A return opened by support is approved at once (staff
    /// decided when they opened it); a customer's is approved by the rule or waits for staff. The same
    /// <paramref name="operationId"/> again (a retry) returns the order with that return, and opens nothing.
    /// </summary>
    public async Task<(Order Order, OrderReturn Return)> OpenAsync(string number, ReturnRequestInput input, Actor actor, string operationId, CancellationToken ct)
    {
        var staff = actor.IsInAnyRole(ManageOrders.StaffRoles);
        var opened = await _writes.ChangeAsync(ManageOrders.Normalised(number), order =>
        {
            if (!staff && (order.CustomerId is null || order.CustomerId != actor.Id)) throw new ResourceNotFoundException("Order", number);
            if (order.Returns.FirstOrDefault(r => r.OperationId == operationId) is { } known)
                return Replay(order, OrderChange.ReturnRequested, known.Id);
            var (reason, lines) = ReturnRules.Parse(order, input);
            if (order.Status != OrderStatus.Delivered || order.DeliveredAt is not { } delivered)
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; items can be returned only from a delivered order.", "status");
            var now = clock.GetUtcNow();
            var until = delivered.AddDays(orderSettings.ReturnWindowDays);
            if (!staff && now > until)
                throw new BusinessRuleViolationException(
                    $"Order {order.Number} was delivered on {delivered:yyyy-MM-dd}; items could be returned for {orderSettings.ReturnWindowDays} days, until {until:yyyy-MM-dd}.", "status");
            ReturnRules.EnsureReturnable(order, lines, input);

            var id = "R" + (order.Returns.Count + 1).ToString(CultureInfo.InvariantCulture);
            var comment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim();
            var ret = new OrderReturn(id, operationId, ReturnStatus.Requested, reason, comment, lines, actor.Id, now);
            var next = (order with { Returns = [.. order.Returns, ret] })
                .Record(OrderChange.ReturnRequested, order.Status, actor.Id, now, Describe(ret), comment, reference: id);
            var approval = staff ? $"Opened and approved by staff ({actor.Id})." : ReturnRules.AutoApproval(order, reason, lines, settings, now);
            if (approval is not null) next = Approve(next, ret, staff ? actor.Id : ReturnRules.AutomaticApprover, approval, now);
            return OrderDecision.Changed(next);
        }, ct);

        var created = opened.Returns.Single(r => r.OperationId == operationId);
        if (created.Status == ReturnStatus.Approved && created.Label is null) opened = await BuyLabelAsync(opened, created.Id, ct);
        return (opened, opened.Returns.Single(r => r.OperationId == operationId));
    }

    /// <summary>
    /// Staff approve a requested return, and the carrier is asked for its label. Approving an approved return again
    /// changes nothing but tries the label again when buying it failed (the same idempotency key, so never two labels).
    /// </summary>
    public async Task<Order> ApproveAsync(string number, string returnId, string? note, Actor actor, CancellationToken ct)
    {
        ValidateNote(note, required: false);
        var approved = await _writes.ChangeAsync(ManageOrders.Normalised(number), order =>
        {
            var ret = Find(order, returnId);
            if (ret.Status == ReturnStatus.Approved) return Replay(order, OrderChange.ReturnApproved, ret.Id);
            if (ret.Status != ReturnStatus.Requested)
                throw new BusinessRuleViolationException($"Return {ret.Id} of order {order.Number} is {Describe(ret.Status)}; only a requested return can be approved.", "status");
            return OrderDecision.Changed(Approve(order, ret, actor.Id, string.IsNullOrWhiteSpace(note) ? "Approved by staff." : note.Trim(), clock.GetUtcNow()));
        }, ct);
        return Find(approved, returnId) is { Status: ReturnStatus.Approved, Label: null } ? await BuyLabelAsync(approved, returnId, ct) : approved;
    }

    /// <summary>Staff refuse a requested return; the customer is told why. Its units can be asked for again in another return.</summary>
    public Task<Order> RejectAsync(string number, string returnId, string? reason, Actor actor, CancellationToken ct)
    {
        ValidateNote(reason, required: true);
        return _writes.ChangeAsync(ManageOrders.Normalised(number), order =>
        {
            var ret = Find(order, returnId);
            if (ret.Status == ReturnStatus.Rejected) return Replay(order, OrderChange.ReturnRejected, ret.Id);
            if (ret.Status != ReturnStatus.Requested)
                throw new BusinessRuleViolationException($"Return {ret.Id} of order {order.Number} is {Describe(ret.Status)}; only a requested return can be rejected.", "status");
            var now = clock.GetUtcNow();
            var rejected = ret with { Status = ReturnStatus.Rejected, DecidedBy = actor.Id, DecidedAt = now, Decision = reason!.Trim() };
            return OrderDecision.Changed(Replace(order, rejected).Record(OrderChange.ReturnRejected, order.Status, actor.Id, now, reason.Trim(), reference: ret.Id));
        }, ct);
    }

    internal static OrderReturn Find(Order order, string returnId) =>
        order.Returns.FirstOrDefault(r => string.Equals(r.Id, returnId?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? throw new ResourceNotFoundException("Return", returnId ?? "");

    internal static Order Replace(Order order, OrderReturn updated) =>
        order with { Returns = [.. order.Returns.Select(r => r.Id == updated.Id ? updated : r)] };

    /// <summary>The change was made before: its entry (of this return) is published again.</summary>
    internal static OrderDecision Replay(Order order, OrderChange change, string returnId) =>
        new(order, order.History.LastOrDefault(h => h.Change == change && h.Reference == returnId));

    internal static string Describe(ReturnStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>"Return R1: 1 x MUG-BLUE, 1 x TEE-M (wrongSize)."</summary>
    internal static string Describe(OrderReturn ret) =>
        $"Return {ret.Id}: {string.Join(", ", ret.Lines.Select(l => $"{l.Quantity} x {l.Sku}"))} ({ReturnRules.Camel(ret.Reason.ToString())}).";

    private static Order Approve(Order order, OrderReturn ret, string actor, string why, DateTimeOffset now) =>
        Replace(order, ret with { Status = ReturnStatus.Approved, DecidedBy = actor, DecidedAt = now, Decision = why })
            .Record(OrderChange.ReturnApproved, order.Status, actor, now, $"Return {ret.Id} was approved. We are getting a return label for it.", why, reference: ret.Id);

    /// <summary>
    /// Asks the carrier of the order's parcel for a return label (from the customer's address back to the shop), with
    /// the return's idempotency key, then records it. A carrier that fails or is not configured leaves the return
    /// approved without a label and says why (<see cref="OrderReturn.LabelFailure"/>); approving again retries.
    /// </summary>
    private async Task<Order> BuyLabelAsync(Order order, string returnId, CancellationToken ct)
    {
        var ret = Find(order, returnId);
        var name = order.AllParcels().FirstOrDefault()?.Carrier ?? order.ShippingQuote?.Carrier;
        var carrier = carriers.FirstOrDefault(c => c.Name == name) ?? carriers.FirstOrDefault();
        Shipment? label = null;
        string? failure;
        if (carrier is null) failure = "No carrier is configured, so no return label can be bought.";
        else
        {
            try
            {
                // Origin null: the parcel goes back to the carrier's ship-from address; staff restock into the warehouse they choose.
                label = await carrier.CreateShipmentAsync(new ShipmentRequest(order.Number, order.ShippingAddress,
                    [.. ret.Lines.Select(l => new ParcelItem(l.Sku, l.Quantity))], order.ShippingQuote?.Service ?? "standard",
                    ReturnRules.LabelIdempotencyKey(order.Number, ret.Id)) { IsReturn = true }, ct);
                failure = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failure = $"The carrier {carrier.Name} did not give a return label: {e.Message}";
            }
        }

        return await _writes.ChangeAsync(order.Number, current =>
        {
            var now = Find(current, returnId);
            if (now.Label is not null || now.Status != ReturnStatus.Approved) return Replay(current, OrderChange.ReturnLabelCreated, now.Id);
            if (label is null)
                return now.LabelFailure == failure ? new OrderDecision(current, null) : OrderDecision.Changed(Replace(current, now with { LabelFailure = failure }));
            var withLabel = Replace(current, now with { Label = OrderShipment.From(label), LabelFailure = null });
            return OrderDecision.Changed(withLabel.Record(OrderChange.ReturnLabelCreated, current.Status, $"carrier:{label.Carrier}", clock.GetUtcNow(),
                $"Return label for return {now.Id} from {label.Carrier}, tracking number {label.TrackingNumber}.", reference: now.Id));
        }, CancellationToken.None);
    }

    private static void ValidateNote(string? note, bool required)
    {
        var v = new Validator();
        if (!required || v.Required(note, "reason")) v.MaxLength(note, ManageOrders.MaximumReasonLength, "reason");
        v.ThrowIfInvalid();
    }
}

/// <summary>Staff approve a return, optionally saying why (kept for staff).</summary>
public sealed record ReturnDecisionInput(string? Reason);
