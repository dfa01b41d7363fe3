using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.Orders;

/// <summary>
/// Closes approved returns whose parcel never set off (<see cref="ReturnRules.IsOverdue"/>), so a return does not stay
/// open for ever: run daily by the ExpireOverdueReturns timer. It lists the orders with an approved return
/// (<see cref="IOrderStore.ListAwaitingReturnParcelsAsync"/>), and for each overdue return makes one conditional write
/// of the order (its ETag, like every return step, <see cref="OrderWrites"/>) that checks the rule again on the order as
/// it is then: the return becomes <see cref="ReturnStatus.Expired"/> (its units may be asked for again) with a history
/// entry <see cref="OrderChange.ReturnExpired"/>, which NotifyOrderChange turns into the customer's email and the event
/// <c>order.return-expired</c>. A carrier scan that lands first keeps the return open; a second run, or two at once,
/// changes nothing. The order's status is not touched: a return of items never moves it (it stays delivered, as a
/// rejection leaves it). Then the label is voided with its own idempotency key. Tests: ExpireOverdueReturnsTests,
/// OverdueReturnTimerTests.
/// </summary>
public sealed class ExpireOverdueReturns(IOrderStore orders, IWorkQueue queue, IEnumerable<ICarrier> carriers, ReturnSettings settings, TimeProvider clock)
{
    /// <summary>Pages of 100 orders read per run: more than that waits for the next day's run.</summary>
    public const int MaximumPages = 20;

    private readonly OrderWrites _writes = new(orders, queue);

    public async Task<ReturnExpiryResult> RunAsync(CancellationToken ct)
    {
        var expired = 0;
        var failures = new List<string>();
        string? token = null;
        for (var page = 0; page < MaximumPages; page++)
        {
            var found = await orders.ListAwaitingReturnParcelsAsync(new PageRequest(100, token), ct);
            foreach (var summary in found.Items)
            {
                try
                {
                    var (closed, voidFailures) = await ExpireAsync(summary.Number, ct);
                    expired += closed;
                    failures.AddRange(voidFailures);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add($"{summary.Number}: {e.Message}");
                }
            }
            if ((token = found.ContinuationToken) is null) break;
        }
        return new ReturnExpiryResult(expired, failures);
    }

    /// <summary>Expires the order's overdue returns, if any; returns how many it closed now and the labels it could not void.</summary>
    public async Task<(int Expired, IReadOnlyList<string> VoidFailures)> ExpireAsync(string number, CancellationToken ct)
    {
        var closedNow = new List<string>();
        var order = await _writes.ChangeAsync(number, current =>
        {
            closedNow.Clear();
            var now = clock.GetUtcNow();
            var next = current;
            foreach (var ret in current.Returns.Where(r => ReturnRules.IsOverdue(r, settings, now)))
            {
                closedNow.Add(ret.Id);
                var note = $"Return {ret.Id} for order {current.Number} was closed: we did not receive the parcel within {settings.ShipBackWithinDays} days.";
                next = RequestItemReturns.Replace(next, ret with { Status = ReturnStatus.Expired })
                    .Record(OrderChange.ReturnExpired, current.Status, ReturnRules.Expirer, now, note, reference: ret.Id);
            }
            return ReferenceEquals(next, current) ? new OrderDecision(current, null) : OrderDecision.Changed(next);
        }, ct);

        var voidFailures = new List<string>();
        foreach (var ret in order.Returns.Where(r => closedNow.Contains(r.Id)))
        {
            // Voided after the expiry is written, never before: a scan that wins the race keeps the return and its
            // label alive. A failure to void does not reopen the return: the customer's time is up either way, and an
            // unused label is only money to claim back (EasyPost refunds an unscanned label on request, and the void is
            // idempotent), so it is reported (the timer logs it, with the shipment id) for staff to void by hand.
            var label = ret.Label!;
            var carrier = carriers.FirstOrDefault(c => c.Name == label.Carrier);
            try
            {
                if (carrier is null) throw new InvalidOperationException($"the carrier {label.Carrier} is not configured");
                await carrier.CancelShipmentAsync(label.ShipmentId, ReturnRules.VoidLabelIdempotencyKey(order.Number, ret.Id), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                voidFailures.Add($"{order.Number} return {ret.Id}: label {label.ShipmentId} ({label.Carrier}) was not voided: {e.Message}");
            }
        }
        return (closedNow.Count, voidFailures);
    }
}

/// <summary>What a run of <see cref="ExpireOverdueReturns"/> did: returns closed, and what failed (labels not voided, orders not read).</summary>
public sealed record ReturnExpiryResult(int Expired, IReadOnlyList<string> Failures);
