using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Functions.Checkout;

/// <summary>Raises a payment event on the order's checkout orchestration (its instance id is the order number), or starts it again.</summary>
public sealed class DurableCheckoutSignals(DurableTaskClient client) : ICheckoutSignals
{
    public async Task<bool> SignalPaymentAsync(PaymentEvent payment, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(payment.OrderId, ct);
        // Durable keeps events raised before the orchestration waits for them, so an early webhook is not lost.
        if (instance is not { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending }) return false;
        await client.RaiseEventAsync(payment.OrderId, CheckoutOrchestration.PaymentEvent, payment, ct);
        return true;
    }

    public async Task<bool> RestartAsync(CheckoutProcess process, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(process.OrderNumber, ct);
        if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended }) return false;
        // A finished, failed or terminated instance keeps its id: purge it so the new one can have it.
        if (instance is not null) await client.PurgeInstanceAsync(process.OrderNumber, cancellation: ct);
        await client.ScheduleNewOrchestrationInstanceAsync(CheckoutOrchestration.Name, process, new StartOrchestrationOptions(process.OrderNumber), ct);
        return true;
    }
}
