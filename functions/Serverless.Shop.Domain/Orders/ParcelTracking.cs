using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// The rules of an order's outbound parcels (docs/shipping.md "Carriers and tracking", docs/orders.md): a label per
/// allocated parcel, and each parcel's carrier scans applied to it and, through it, to the order.
/// <list type="bullet">
/// <item>Each parcel is tracked on its own: its scans (its timeline), its latest status by when the carrier says it
/// happened, and the event ids it applied (a redelivered event changes nothing).</item>
/// <item>The order's status follows its parcels: shipped when the first parcel has left (any scan past the label),
/// delivered when every parcel is delivered or back with the shop and at least one was delivered, returned when every
/// parcel went back to the shop. A scan older than the parcel's latest is kept in the timeline but moves nothing.</item>
/// <item>A scan that delivers or returns the order is named for the move (<see cref="OrderChange.Delivered"/>,
/// <see cref="OrderChange.Returned"/>: once per order, as reviews, points and other consumers expect), and so is an
/// in-transit scan that ships it (<see cref="OrderChange.Shipped"/>). Any other is named for what happened to the
/// parcel (<see cref="OrderChange.ParcelShipped"/>, <see cref="OrderChange.InTransit"/>, <see cref="OrderChange.OutForDelivery"/>,
/// <see cref="OrderChange.DeliveryFailed"/>, <see cref="OrderChange.ParcelDelivered"/>, <see cref="OrderChange.ReturnedToSender"/>),
/// even when it ships the order (a first scan "out for delivery" tells the customer that, not "on its way"); the
/// entry's status says the order is shipped.</item>
/// <item>Only the parcels' journey moves the order here: once it is delivered, returned, refunded or cancelled, a scan
/// is recorded as <see cref="OrderChange.TrackingUpdated"/> and the shop's own decisions stand.</item>
/// </list>
/// Tests: ParcelTrackingTests, TrackingTests.
/// </summary>
public static class ParcelTracking
{
    /// <summary>The order with the label of one allocated parcel: the first moves it from paid to processing.</summary>
    internal static OrderDecision Attach(Order order, AllocatedParcel parcel, Shipment shipment, DateTimeOffset now)
    {
        if (order.Shipment is { } single)
            throw new BusinessRuleViolationException($"Order {order.Number} ships as one parcel, shipment {single.ShipmentId} with {single.Carrier}.", "status");
        if (order.Parcels.FirstOrDefault(p => p.WarehouseId == parcel.WarehouseId) is { } attached)
        {
            if (attached.ShipmentId == shipment.ShipmentId && attached.Carrier == shipment.Carrier)
                return new OrderDecision(order, order.History.LastOrDefault(h => h.Change == OrderChange.ShipmentCreated && h.Reference == shipment.ShipmentId));
            throw new BusinessRuleViolationException(
                $"The parcel of order {order.Number} from warehouse {parcel.WarehouseId} already has shipment {attached.ShipmentId} with {attached.Carrier}.", "status");
        }
        var status = order.Status;
        if (order.Parcels.Count == 0)
        {
            OrderTransitions.Ensure(order, OrderStatus.Processing, "get a shipment");
            status = OrderStatus.Processing;
        }
        else if (order.Status is not (OrderStatus.Processing or OrderStatus.Shipped))
            throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)}; no more parcels can be labelled.", "status");

        var labelled = OrderShipment.From(shipment) with { WarehouseId = parcel.WarehouseId, Items = parcel.Items };
        var next = order with { Parcels = [.. order.Parcels, labelled] };
        var note = $"{Name(next, next.Parcels.Count - 1)} registered with {shipment.Carrier}, tracking number {shipment.TrackingNumber}.";
        return OrderDecision.Changed(next.Record(OrderChange.ShipmentCreated, status, $"carrier:{shipment.Carrier}", now, note,
            reference: shipment.ShipmentId, parcel: shipment.TrackingNumber));
    }

    /// <summary>The order with the carrier's scan <paramref name="e"/> applied to its parcel (see the class).</summary>
    internal static OrderDecision Apply(Order order, TrackingEvent e, DateTimeOffset now)
    {
        var parcels = order.AllParcels();
        if (parcels.Count == 0)
            throw new BusinessRuleViolationException($"Order {order.Number} is {OrderTransitions.Describe(order.Status)} and has no shipment yet; the tracking update cannot be applied.", "orderId");
        var index = IndexOf(parcels, e.Carrier, e.TrackingNumber);
        if (index < 0) throw new BusinessRuleViolationException($"Tracking number {e.TrackingNumber} ({e.Carrier}) is not a parcel of order {order.Number}.", "trackingNumber");
        var parcel = parcels[index];
        if (parcel.AppliedEventIds.Contains(e.EventId))
            return new OrderDecision(order, order.History.LastOrDefault(h => h.Reference == e.EventId));

        var newest = parcel.LastTrackingAt is not { } last || e.OccurredAt >= last;
        var updated = parcel with
        {
            AppliedEventIds = [.. parcel.AppliedEventIds.TakeLast(OrderShipment.EventIdsKept - 1), e.EventId],
            LastTrackingStatus = newest ? e.Status : parcel.LastTrackingStatus,
            LastTrackingAt = newest ? e.OccurredAt : parcel.LastTrackingAt,
            Scans = [.. parcel.Scans.Append(new TrackingScan(e.EventId, e.Status, e.OccurredAt, e.Description)).OrderBy(s => s.At).TakeLast(OrderShipment.EventIdsKept)],
        };
        var next = WithParcel(order, index, updated);
        var actor = $"carrier:{e.Carrier}";
        var said = e.Description is { Length: > 0 } d ? d : Describe(e.Status);
        var note = order.ParcelCount() > 1 ? $"{Name(order, index)}: {said}" : said;

        if (!newest)
            return OrderDecision.Changed(next.Record(OrderChange.TrackingUpdated, order.Status, actor, now, note,
                staffNote: $"Arrived after a later update ({parcel.LastTrackingStatus} at {parcel.LastTrackingAt:u}); the status was left as it was.",
                reference: e.EventId, parcel: parcel.TrackingNumber));
        if (order.Status is not (OrderStatus.Processing or OrderStatus.Shipped))
            return OrderDecision.Changed(next.Record(OrderChange.TrackingUpdated, order.Status, actor, now, note, reference: e.EventId, parcel: parcel.TrackingNumber));

        var target = StatusOf(next);
        var moved = target != order.Status && OrderTransitions.IsAllowed(order.Status, target);
        var status = moved ? target : order.Status;
        var change = (moved, target, e.Status) switch
        {
            (true, OrderStatus.Delivered, _) => OrderChange.Delivered,
            (true, OrderStatus.Returned, _) => OrderChange.Returned,
            (true, OrderStatus.Shipped, TrackingStatus.InTransit) => OrderChange.Shipped,
            _ => ParcelChange(e.Status, hadLeft: HasLeft(parcel)),
        };
        return OrderDecision.Changed((next with { DeliveredAt = moved && target == OrderStatus.Delivered ? e.OccurredAt : next.DeliveredAt })
            .Record(change, status, actor, now, note, reference: e.EventId, parcel: parcel.TrackingNumber));
    }

    /// <summary>Where the parcels put the order: see the class.</summary>
    public static OrderStatus StatusOf(Order order)
    {
        var parcels = order.AllParcels();
        if (parcels.Count >= order.ParcelCount() && parcels.All(IsSettled))
            return parcels.Any(p => p.LastTrackingStatus == TrackingStatus.Delivered) ? OrderStatus.Delivered : OrderStatus.Returned;
        return parcels.Any(HasLeft) ? OrderStatus.Shipped : OrderStatus.Processing;
    }

    /// <summary>"Parcel 2 of 3" for an order in several parcels, "Your parcel" for one.</summary>
    public static string Name(Order order, int index) =>
        order.ParcelCount() > 1 ? $"Parcel {index + 1} of {order.ParcelCount()}" : "Your parcel";

    /// <summary>The index of the parcel with this carrier and tracking number among <see cref="Order.AllParcels"/>; -1 when none.</summary>
    public static int IndexOf(IReadOnlyList<OrderShipment> parcels, string carrier, string? trackingNumber)
    {
        for (var i = 0; i < parcels.Count; i++)
            if (parcels[i].Carrier == carrier && string.Equals(parcels[i].TrackingNumber, trackingNumber, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>Delivered or back with the shop: the carrier is done with it.</summary>
    public static bool IsSettled(OrderShipment parcel) => parcel.LastTrackingStatus is TrackingStatus.Delivered or TrackingStatus.ReturnedToSender;

    private static bool HasLeft(OrderShipment parcel) => parcel.LastTrackingStatus is not (null or TrackingStatus.LabelCreated);

    private static OrderChange ParcelChange(TrackingStatus status, bool hadLeft) => status switch
    {
        TrackingStatus.InTransit => hadLeft ? OrderChange.InTransit : OrderChange.ParcelShipped,
        TrackingStatus.OutForDelivery => OrderChange.OutForDelivery,
        TrackingStatus.Delivered => OrderChange.ParcelDelivered,
        TrackingStatus.DeliveryFailed => OrderChange.DeliveryFailed,
        TrackingStatus.ReturnedToSender => OrderChange.ReturnedToSender,
        _ => OrderChange.TrackingUpdated,
    };

    private static Order WithParcel(Order order, int index, OrderShipment parcel) => order.Parcels.Count > 0
        ? order with { Parcels = [.. order.Parcels.Select((p, i) => i == index ? parcel : p)] }
        : order with { Shipment = parcel };

    public static string Describe(TrackingStatus status) => status switch
    {
        TrackingStatus.LabelCreated => "The carrier has the parcel's label.",
        TrackingStatus.InTransit => "The parcel is on its way.",
        TrackingStatus.OutForDelivery => "The parcel is out for delivery.",
        TrackingStatus.Delivered => "The parcel was delivered.",
        TrackingStatus.DeliveryFailed => "The carrier could not deliver the parcel.",
        _ => "The parcel is on its way back to the shop.",
    };
}
