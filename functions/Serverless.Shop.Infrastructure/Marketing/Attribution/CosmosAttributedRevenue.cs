using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Attribution;

/// <summary>
/// Revenue attributed to email campaigns and flows, in the <c>marketing-revenue</c> container (partition key
/// /campaignId): per campaign or flow one document per day the credited orders were placed (UTC),
/// <c>{ id: "day:2026-12-07", type: "attributed-revenue", campaignId, day, orders: 2, revenue: { "EUR": 12345 }, orderNumbers: [...] }</c>.
/// </summary>
/// <remarks>
/// Exactly once with one write: an order is counted by a single patch of its day's document that increments
/// <c>orders</c> and <c>revenue/&lt;currency&gt;</c> and appends the order number, conditional on the number not being
/// there yet (<c>FilterPredicate NOT ARRAY_CONTAINS(c.orderNumbers, ...)</c>). Cosmos DB applies a patch atomically, so
/// there is no moment at which the order is counted but not remembered, or remembered but not counted: a crash before
/// the write counts nothing (the redelivered event counts it), after it a redelivery finds the number (412) and counts
/// nothing. A separate marker would need a transactional batch (which the local emulator cannot run) or leave a gap
/// between the two writes. The first order of a day creates the document with itself in it (409: another order of that
/// day created it first, so patch again). Day documents keep each list small (a document holds 2 MB: some 100,000
/// order numbers a day per campaign) and the campaign's partition holds them all, so its results are one
/// single-partition query that projects the counters only. Cosmos DB calls: count = 1 (2 or 3 for a day's first
/// order); read = 1 query (a page per 100 days with orders). Tests: CosmosAttributedRevenueTests, AttributedRevenueApiTests.
/// </remarks>
public sealed class CosmosAttributedRevenue(ShopContainers containers) : IAttributedRevenueCounters
{
    public const string ContainerName = "marketing-revenue";
    private const int MaximumAttempts = 4;

    private Container Container => containers.DataKeys.Database.GetContainer(ContainerName);

    public async Task<bool> CountAsync(AttributedOrder order, CancellationToken ct)
    {
        // The number goes into the predicate's text and the currency into a patch path: both are checked to be plain.
        if (!Ids.IsWellFormed(order.OrderNumber)) throw new ArgumentException($"'{order.OrderNumber}' is not an order number.", nameof(order));
        if (!Currencies.IsKnown(order.Currency)) throw new ArgumentException($"'{order.Currency}' is not a currency the shop knows.", nameof(order));
        if (!Ids.IsWellFormed(order.CampaignId)) throw new ArgumentException($"'{order.CampaignId}' cannot be a campaign id.", nameof(order));

        var day = order.PlacedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var id = "day:" + day;
        var partition = new PartitionKey(order.CampaignId);
        var options = new PatchItemRequestOptions
        {
            FilterPredicate = $"FROM c WHERE NOT ARRAY_CONTAINS(c.orderNumbers, '{order.OrderNumber}')",
            EnableContentResponseOnWrite = false,
        };
        PatchOperation[] count =
        [
            PatchOperation.Increment("/orders", 1),
            PatchOperation.Increment("/revenue/" + order.Currency, order.MinorUnits),
            PatchOperation.Add("/orderNumbers/-", order.OrderNumber),
        ];
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await Container.PatchItemStreamAsync(id, partition, count, options, ct))
            {
                if (patched.IsSuccessStatusCode) return true;
                if (patched.StatusCode == HttpStatusCode.PreconditionFailed) return false;
                if (patched.StatusCode != HttpStatusCode.NotFound || attempt >= MaximumAttempts) patched.EnsureSuccessStatusCode();
            }

            var first = new RevenueDayDocument
            {
                Id = id, Type = RevenueDayDocument.Kind, CampaignId = order.CampaignId, Day = day, Orders = 1,
                Revenue = new Dictionary<string, long>(StringComparer.Ordinal) { [order.Currency] = order.MinorUnits },
                OrderNumbers = [order.OrderNumber],
            };
            try
            {
                await Container.CreateItemAsync(first, partition, new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
                return true;
            }
            catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict))
            {
                // Another order of that day created the document first: add this one to it.
            }
        }
    }

    public async Task<AttributedRevenue> ReadAsync(string campaignOrFlowId, CancellationToken ct)
    {
        if (!Ids.IsWellFormed(campaignOrFlowId)) return AttributedRevenue.None;
        var query = new QueryDefinition("SELECT c.orders, c.revenue FROM c WHERE c.campaignId = @campaign AND c.type = @type")
            .WithParameter("@campaign", campaignOrFlowId).WithParameter("@type", RevenueDayDocument.Kind);
        long orders = 0;
        var revenue = new Dictionary<string, long>(StringComparer.Ordinal);
        using var feed = Container.GetItemQueryIterator<DayCounters>(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(campaignOrFlowId),
            MaxItemCount = 100,
        });
        while (feed.HasMoreResults)
        {
            foreach (var day in await feed.ReadNextAsync(ct))
            {
                orders += day.Orders;
                foreach (var (currency, units) in day.Revenue ?? []) revenue[currency] = revenue.GetValueOrDefault(currency) + units;
            }
        }
        return orders == 0 ? AttributedRevenue.None : new AttributedRevenue(orders, revenue);
    }

    private sealed record DayCounters(long Orders, Dictionary<string, long>? Revenue);

    internal sealed record RevenueDayDocument
    {
        public const string Kind = "attributed-revenue";

        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string CampaignId { get; init; }
        public required string Day { get; init; }
        public long Orders { get; init; }
        public required Dictionary<string, long> Revenue { get; init; }
        public required List<string> OrderNumbers { get; init; }
    }
}
