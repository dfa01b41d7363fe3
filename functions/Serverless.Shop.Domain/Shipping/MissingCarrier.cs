using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Shipping;

/// <summary>
/// Stands in for the carrier when none is configured (in Azure: <c>Shipping:Carrier:Provider</c> is not set). Nothing
/// can be shipped, so checkout refuses physical goods before anything is written (<see cref="EnsureOneIsConfigured"/>),
/// /api/health reports the carrier unhealthy with <see cref="Problem"/>, and any call that reaches it throws
/// <see cref="NotConfiguredException"/> (503). Never a simulator in its place: the local host registers its own.
/// Tests: CarrierNotConfiguredTests.
/// </summary>
public sealed class MissingCarrier(string problem) : ICarrier
{
    public const string CarrierName = "none";

    /// <summary>Why nothing can be shipped, naming the setting to set.</summary>
    public string Problem { get; } = problem;

    public string Name => CarrierName;

    public Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct) => throw new NotConfiguredException(Problem);

    public Task CancelShipmentAsync(string shipmentId, string idempotencyKey, CancellationToken ct) => throw new NotConfiguredException(Problem);

    public Task<IReadOnlyList<CarrierRate>> GetRatesAsync(ShipmentRequest request, CancellationToken ct) => throw new NotConfiguredException(Problem);

    public bool SendsTrackingWebhooks => false;

    public Task<IReadOnlyList<TrackingEvent>> GetTrackingAsync(string shipmentId, CancellationToken ct) => throw new NotConfiguredException(Problem);

    /// <summary>Refuses (503) when no real carrier is registered: every product the shop sells today is a physical good that must ship.</summary>
    /// <exception cref="NotConfiguredException">Only <see cref="MissingCarrier"/>s, or no carrier at all.</exception>
    public static void EnsureOneIsConfigured(IEnumerable<ICarrier> carriers)
    {
        var all = carriers.ToList();
        if (all.Any(c => c is not MissingCarrier)) return;
        throw new NotConfiguredException(all.OfType<MissingCarrier>().FirstOrDefault()?.Problem ?? "No carrier is configured, so nothing can be shipped.");
    }
}
