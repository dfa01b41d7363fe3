using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Sales;

/// <summary>
/// After a customer's erasure, forgets which order was their first (<c>first:customer:&lt;id&gt;</c>), the one document
/// of the sales rollups kept per customer. The figures stay: they are sums, and the customer dimension names the
/// customer by their pseudonymous id only. Tests: SalesPersonalDataCleanupTests.
/// </summary>
public sealed class SalesPersonalDataCleanup(CosmosSalesRollups rollups) : IPersonalDataCleanup
{
    public async Task CleanUpAsync(string customerId, CancellationToken ct)
    {
        var id = CosmosSalesRollups.FirstOrderId("customer:" + customerId);
        try
        {
            await rollups.Container.DeleteItemAsync<object>(id, new PartitionKey(id), cancellationToken: ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            // Never counted, or cleaned up before: erasure runs again until it completes.
        }
    }
}
