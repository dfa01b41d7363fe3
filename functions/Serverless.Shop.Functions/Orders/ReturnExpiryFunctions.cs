using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Orders;

namespace Serverless.Shop.Functions.Orders;

/// <summary>The daily close of approved returns whose parcel never set off (docs/shipping.md, "Returns").</summary>
public sealed class ReturnExpiryFunctions(ExpireOverdueReturns expiry)
{
    /// <summary>
    /// Every day at 04:30 UTC. Labels it could not void and orders it could not read fail the run, so they are logged
    /// with their shipment ids; the returns themselves are closed all the same, and the next run tries the orders again.
    /// </summary>
    [Function("ExpireOverdueReturns")]
    public async Task Expire([TimerTrigger("0 30 4 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var result = await expiry.RunAsync(ct);
        if (result.Failures.Count > 0)
            throw new InvalidOperationException($"{result.Expired} overdue returns were closed; {result.Failures.Count} problems: {string.Join("; ", result.Failures)}");
    }
}
