using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Functions.Shipping;

/// <summary>Tracking of carriers that send no webhooks (docs/shipping.md "Carriers and tracking"); webhooks arrive at CheckoutFunctions.</summary>
public sealed class TrackingFunctions(PollParcelTracking poll)
{
    /// <summary>The app setting that holds the poll's schedule (NCRONTAB with seconds); the Functions host reads it when it indexes the function.</summary>
    public const string ScheduleSetting = "TrackingPollSchedule";

    /// <summary>On the schedule of <see cref="ScheduleSetting"/>: asks carriers without webhooks about parcels under way. A parcel whose carrier failed is asked again next time.</summary>
    [Function("PollParcelTracking")]
    public async Task Poll([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken ct)
    {
        var result = await poll.PollAsync(ct);
        if (result.Failures.Count > 0)
            throw new InvalidOperationException($"Tracking of {result.Failures.Count} of {result.ParcelsPolled} parcels could not be read: {string.Join("; ", result.Failures)}");
    }
}
