using System.Collections.Concurrent;

namespace Serverless.Shop.LocalHost.Simulators;

/// <summary>
/// Moves every parcel of the local carrier along its route on a schedule (<see cref="LocalCarrierRoute"/>): a step
/// <see cref="PerStep"/> after the parcel's last scan, through <see cref="LocalCarrierCourier"/>, so each step reaches
/// the shop as the carrier's signed webhook. What has been sent is kept on the parcels in Blob Storage, so a restarted
/// host carries on where the last one stopped and sends no step twice (CarrierScheduleTests). Runs only on the local
/// host, and only when <c>Shipping:LocalCarrier:SecondsPerStep</c> is set (<see cref="LocalCarrierRegistration"/>).
/// </summary>
public sealed class LocalCarrierSchedule(
    LocalCarrierSimulator carrier, LocalCarrierCourier courier, TimeSpan perStep, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<LocalCarrierSchedule> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refusedUntil = new(StringComparer.Ordinal);

    public TimeSpan PerStep { get; } = perStep;

    /// <summary>How often the parcels are looked at: a quarter of a step, between 100 ms and a second.</summary>
    public TimeSpan Tick => TimeSpan.FromTicks(Math.Clamp(PerStep.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>How long a step the shop refused waits before it is sent again (the shop's answer is logged).</summary>
    public TimeSpan RetryRefusedAfter => PerStep > TimeSpan.FromSeconds(5) ? PerStep : TimeSpan.FromSeconds(5);

    /// <summary>When the parcel's next step is due: at once for a step still owed to the shop, else a step after its latest scan; null when it is not moving.</summary>
    public DateTimeOffset? DueAt(SimulatedShipment parcel)
    {
        if (parcel.UnsentEventId is not null) return _refusedUntil.TryGetValue(parcel.TrackingNumber, out var until) ? until : DateTimeOffset.MinValue;
        return parcel.NextStep() is null ? null : parcel.History.Max(h => h.At) + PerStep;
    }

    /// <summary>Sends the steps that are due now, parcel by parcel; one parcel's failure does not hold up the others.</summary>
    public async Task RunDueStepsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var parcel in await carrier.ListAsync(movingOnly: true, ct))
        {
            if (DueAt(parcel) is not { } due || due > now) continue;
            try
            {
                var delivery = await courier.AdvanceAsync(parcel.TrackingNumber, ct);
                if (delivery is { Accepted: false }) _refusedUntil[parcel.TrackingNumber] = now + RetryRefusedAfter;
                else _refusedUntil.TryRemove(parcel.TrackingNumber, out _);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _refusedUntil[parcel.TrackingNumber] = now + RetryRefusedAfter;
                logger.LogWarning(e, "Local carrier: moving parcel {TrackingNumber} on failed; it is tried again later.", parcel.TrackingNumber);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The webhooks go to this host: nothing is sent before it listens.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
                await started.Task;

            logger.LogInformation("Local carrier: parcels move one step every {PerStep} (Shipping:LocalCarrier:SecondsPerStep).", PerStep);
            using var timer = new PeriodicTimer(Tick, clock);
            do
            {
                try { await RunDueStepsAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Local carrier: listing the parcels failed; the schedule tries again at its next tick.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; a step recorded but not sent is sent by the next host.
        }
    }
}
