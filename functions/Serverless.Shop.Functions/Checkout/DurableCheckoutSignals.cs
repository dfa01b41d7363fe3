using Microsoft.DurableTask.Client;
using Serverless.Shop.Domain.Checkout;
using Serverless.Shop.Domain.Payments;

namespace Serverless.Shop.Functions.Checkout;

/// <summary>Raises a payment event on the order's checkout orchestration (its instance id is the order number).</summary>
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
}
