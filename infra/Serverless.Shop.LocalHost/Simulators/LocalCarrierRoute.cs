using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// The scans the local carrier's schedule sends for a parcel, in order. Every parcel goes label created, in transit,
/// out for delivery, delivered, unless its address (name, <c>line1</c> or <c>line2</c>, any case) carries a failure
/// marker: <see cref="ExceptionMarker"/> ends out for delivery with a failed delivery (an exception), and
/// <see cref="ReturnMarker"/> goes on from the failed delivery to returned to sender. Tests: LocalCarrierRouteTests.
/// </summary>
public sealed record LocalCarrierRoute(string Name, IReadOnlyList<TrackingStatus> Steps)
{
    public const string ExceptionMarker = "CARRIER-EXCEPTION";
    public const string ReturnMarker = "CARRIER-RETURN";

    public static readonly LocalCarrierRoute Delivery = new("delivery",
        [TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.Delivered]);

    public static readonly LocalCarrierRoute Exception = new("exception",
        [TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.DeliveryFailed]);

    public static readonly LocalCarrierRoute ReturnToSender = new("return to sender",
        [TrackingStatus.LabelCreated, TrackingStatus.InTransit, TrackingStatus.OutForDelivery, TrackingStatus.DeliveryFailed, TrackingStatus.ReturnedToSender]);

    /// <summary>The route the markers in <paramref name="address"/> choose; the return marker wins over the exception marker.</summary>
    public static LocalCarrierRoute For(ShippingAddress address)
    {
        bool Has(string marker) => new[] { address.Name, address.Line1, address.Line2 }
            .Any(part => part?.Contains(marker, StringComparison.OrdinalIgnoreCase) == true);
        return Has(ReturnMarker) ? ReturnToSender : Has(ExceptionMarker) ? Exception : Delivery;
    }

    /// <summary>
    /// The step after <paramref name="current"/>; null at the end of the route, and for a status the route does not
    /// pass (a scan pressed by hand on the depot page, such as a failed delivery of an ordinary parcel): the schedule
    /// leaves such a parcel where the person put it.
    /// </summary>
    public TrackingStatus? After(TrackingStatus current)
    {
        var at = Steps.ToList().IndexOf(current);
        return at >= 0 && at + 1 < Steps.Count ? Steps[at + 1] : null;
    }

    /// <summary>What the carrier says about a scheduled scan; null lets the shop describe the status itself.</summary>
    public string? Describe(TrackingStatus step) => step switch
    {
        TrackingStatus.DeliveryFailed when ReferenceEquals(this, Exception) => $"Delivery failed: nobody could take the parcel (the address contains {ExceptionMarker}).",
        TrackingStatus.DeliveryFailed => $"Delivery failed; the parcel goes back to the sender (the address contains {ReturnMarker}).",
        TrackingStatus.ReturnedToSender => $"Returned to the sender (the address contains {ReturnMarker}).",
        _ => null,
    };
}
