using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Tracking updates of return labels: a carrier's update whose tracking number is a return's label (not the order's
/// outbound parcel) is recorded on that label, as an outbound parcel's is on the shipment: the event id once, the
/// latest status by when the carrier says it happened, and a history entry (<see cref="OrderChange.TrackingUpdated"/>,
/// reference the return's id). It never moves the order or the return: staff receive the parcel after inspecting it.
/// </summary>
public static class ReturnTracking
{
    /// <summary>The return whose label has this carrier and tracking number, if any.</summary>
    public static OrderReturn? FindByLabel(Order order, string carrier, string trackingNumber) =>
        order.Returns.FirstOrDefault(r => r.Label is { } l && l.Carrier == carrier && string.Equals(l.TrackingNumber, trackingNumber, StringComparison.OrdinalIgnoreCase));

    /// <summary>The decision for <paramref name="e"/> when it is about a return label; null when it is not (the outbound parcel's rules apply).</summary>
    internal static OrderDecision? Apply(Order order, TrackingEvent e, DateTimeOffset now)
    {
        if (FindByLabel(order, e.Carrier, e.TrackingNumber) is not { Label: { } label } ret) return null;
        if (label.AppliedEventIds.Contains(e.EventId))
            return new OrderDecision(order, order.History.LastOrDefault(h => h.Change == OrderChange.TrackingUpdated && h.Reference == ret.Id && h.StaffNote == e.EventId));
        var newest = label.LastTrackingAt is not { } last || e.OccurredAt >= last;
        var updated = label with
        {
            AppliedEventIds = [.. label.AppliedEventIds.TakeLast(OrderShipment.EventIdsKept - 1), e.EventId],
            LastTrackingStatus = newest ? e.Status : label.LastTrackingStatus,
            LastTrackingAt = newest ? e.OccurredAt : label.LastTrackingAt,
        };
        var note = $"Return {ret.Id}: " + (e.Description is { Length: > 0 } d ? d : e.Status switch
        {
            TrackingStatus.Delivered => "the parcel reached the shop.",
            TrackingStatus.InTransit or TrackingStatus.OutForDelivery => "the parcel is on its way back to the shop.",
            _ => $"carrier update ({e.Status}).",
        });
        return OrderDecision.Changed(RequestItemReturns.Replace(order, ret with { Label = updated })
            .Record(OrderChange.TrackingUpdated, order.Status, $"carrier:{e.Carrier}", now, note, staffNote: e.EventId, reference: ret.Id));
    }
}
