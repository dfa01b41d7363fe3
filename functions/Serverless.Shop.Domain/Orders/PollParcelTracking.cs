using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>What one poll did: parcels asked about, new updates applied, and parcels whose carrier failed (asked again next time).</summary>
public sealed record TrackingPollResult(int ParcelsPolled, int UpdatesApplied, IReadOnlyList<string> Failures)
{
    public static readonly TrackingPollResult Nothing = new(0, 0, []);
}

/// <summary>
/// Asks carriers that send no tracking webhooks (<see cref="ICarrier.SendsTrackingWebhooks"/> false) where the parcels
/// of orders processing or shipped are, and applies what is new through the same path as a webhook
/// (<see cref="ReceiveTrackingWebhook.ApplyOnceAsync"/>: once per event id, then <see cref="ManageOrders.ApplyTrackingAsync"/>).
/// Parcels that are delivered or back with the shop are not asked about again. With every configured carrier sending
/// webhooks (EasyPost, the local simulator) a poll reads nothing. Cost: one cross-partition query page per 100 orders
/// in each of the two statuses, a point read per order with a polled parcel, and the inbox and order writes of each new
/// update; updates the parcel already applied are skipped before the inbox. A carrier failing for one parcel does not
/// stop the others; the failures are reported (the timer logs them) and the next poll asks again. Tests: PollParcelTrackingTests.
/// </summary>
public sealed class PollParcelTracking(IOrderStore orders, IEnumerable<ICarrier> carriers, ReceiveTrackingWebhook tracking)
{
    /// <summary>Pages of 100 orders read per status per poll: a shop with more parcels under way is polled over several runs.</summary>
    public const int MaximumPages = 10;

    public async Task<TrackingPollResult> PollAsync(CancellationToken ct)
    {
        var polled = carriers.Where(c => !c.SendsTrackingWebhooks).GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (polled.Count == 0) return TrackingPollResult.Nothing;
        int parcels = 0, applied = 0;
        var failures = new List<string>();
        foreach (var status in (OrderStatus[])[OrderStatus.Processing, OrderStatus.Shipped])
        {
            string? token = null;
            for (var page = 0; page < MaximumPages; page++)
            {
                var found = await orders.SearchAsync(new OrderSearch(Status: status), new PageRequest(100, token), ct);
                foreach (var summary in found.Items)
                {
                    if (await orders.FindAsync(summary.Number, ct) is not { } read) continue;
                    foreach (var parcel in read.Value.AllParcels().Where(p => !ParcelTracking.IsSettled(p) && polled.ContainsKey(p.Carrier)))
                    {
                        parcels++;
                        try
                        {
                            var updates = await polled[parcel.Carrier].GetTrackingAsync(parcel.ShipmentId, ct);
                            foreach (var update in updates.Where(u => !parcel.AppliedEventIds.Contains(u.EventId)))
                                if (await tracking.ApplyOnceAsync(update with { Carrier = parcel.Carrier, OrderId = read.Value.Number }, ct) == WebhookReceipt.Handled)
                                    applied++;
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            failures.Add($"{read.Value.Number} parcel {parcel.TrackingNumber} ({parcel.Carrier}): {e.Message}");
                        }
                    }
                }
                if ((token = found.ContinuationToken) is null) break;
            }
        }
        return new TrackingPollResult(parcels, applied, failures);
    }
}
