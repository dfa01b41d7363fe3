using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <summary>
/// Usage of limited promotions in the <c>coupon-usage</c> container (partition key /code). Every document of a
/// promotion shares the partition <c>promo:&lt;promotionId&gt;</c>, for coupons too: a use belongs to the promotion, not
/// to the text of its code, so renaming a code keeps its count and a new promotion that reuses a deleted one's code
/// starts from zero. In that partition:
/// <list type="bullet">
/// <item><c>uses</c> and <c>redemptions</c>: counters; <c>customer:&lt;hash of the customer id&gt;</c>: one customer's uses.</item>
/// <item><c>order:&lt;orderId&gt;</c>: one small record per order that used the promotion (held, redeemed or released).</item>
/// </list>
/// A counter is a keyed counter (<see cref="CosmosKeyedCounter"/>: one conditional patch per change, a bounded journal of
/// the change keys it applied, so a change retried after a crash is not made twice) that changes by one unit; what
/// applies to promotions: a take is refused at the promotion's <c>UsageLimit</c> (<c>uses</c>) or <c>PerCustomerLimit</c>
/// (<c>customer:…</c>), a give-back is made only if the counter's journal reaches back to its covered-from instant.
/// Use records change with If-Match. Cosmos DB calls: take or give back a unit = 1 (a take 2 the first time a counter is
/// used; a take or give-back that is refused, or finds its key already applied, reads the counter to tell why: 2);
/// about one call in 200 more to trim; read or write a use record = 1; the usage figures = 1 (ReadMany).
/// </summary>
public sealed class CosmosPromotionUsageStore(ShopContainers containers, TimeProvider clock) : IPromotionUsageStore
{
    /// <summary>How many keys a counter's journal takes in between two trims (<see cref="CosmosKeyedCounter.KeysPerTrim"/>).</summary>
    public const int KeysPerTrim = CosmosKeyedCounter.KeysPerTrim;

    private readonly CosmosKeyedCounter _counters = new(containers.CouponUsage, clock, "Promotion");

    private Container Usage => containers.CouponUsage;

    public static string PartitionFor(string promotionId) => "promo:" + promotionId;

    public async Task<CounterChange> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, string changeKey, DateTimeOffset? coveredFrom, CancellationToken ct)
    {
        var partition = PartitionFor(promotionId);
        var (change, _) = await _counters.TryAddAsync(partition, CounterId(counter), 1, limit, changeKey, coveredFrom, () =>
        {
            var doc = new JsonObject { ["code"] = partition, ["type"] = CounterDocument.Kind, ["promotionId"] = promotionId };
            if (counter.CustomerId is { } customerId) doc["customerId"] = customerId;
            return doc;
        }, ct);
        return change;
    }

    public async Task<bool> DecrementAsync(string promotionId, UsageCounter counter, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct) =>
        (await _counters.TrySubtractAsync(PartitionFor(promotionId), CounterId(counter), 1, changeKey, coveredFrom, ct)).Change == CounterChange.Applied;

    public async Task<(int Uses, int Redemptions)> GetCountsAsync(string promotionId, CancellationToken ct)
    {
        var partition = new PartitionKey(PartitionFor(promotionId));
        var ids = new[] { CounterId(UsageCounter.Uses), CounterId(UsageCounter.Redemptions) };
        var found = await Usage.ReadManyItemsAsync<CounterDocument>(ids.Select(id => (id, partition)).ToList(), cancellationToken: ct);
        int Units(string id) => found.FirstOrDefault(d => d.Id == id)?.Units ?? 0;
        return (Units(ids[0]), Units(ids[1]));
    }

    public async Task<Versioned<PromotionUse>?> FindUseAsync(string promotionId, string orderId, CancellationToken ct)
    {
        try
        {
            var response = await Usage.ReadItemAsync<UseDocument>(UseDocument.IdFor(orderId), new PartitionKey(PartitionFor(promotionId)), cancellationToken: ct);
            return new(response.Resource.Use, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveUseAsync(PromotionUse use, string? expectedVersion, CancellationToken ct)
    {
        var partition = PartitionFor(use.PromotionId);
        var doc = new UseDocument { Id = UseDocument.IdFor(use.OrderId), Code = partition, Type = UseDocument.Kind, Use = use };
        try
        {
            var response = expectedVersion is null
                ? await Usage.CreateItemAsync(doc, new PartitionKey(partition), cancellationToken: ct)
                : await Usage.ReplaceItemAsync(doc, doc.Id, new PartitionKey(partition), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new StaleVersionException("Promotion use");
        }
    }

    // Customer ids come from identity providers and may hold characters a document id cannot ('/', '#', '?'); a hash fits.
    public static string CounterId(UsageCounter counter) => counter.CustomerId is null
        ? counter.Name
        : $"{counter.Name}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(counter.CustomerId)))[..32].ToLowerInvariant()}";

    /// <summary>An instant as a counter's journal keeps it (<see cref="CosmosKeyedCounter.Stamp"/>).</summary>
    public static string Stamp(DateTimeOffset instant) => CosmosKeyedCounter.Stamp(instant);

    internal sealed record CounterDocument
    {
        public const string Kind = "counter";
        public required string Id { get; init; }
        public required string Code { get; init; }
        public required string Type { get; init; }
        public required string PromotionId { get; init; }
        public string? CustomerId { get; init; }
        public required int Units { get; init; }
    }

    internal sealed record UseDocument
    {
        public const string Kind = "use";
        public static string IdFor(string orderId) => "order:" + orderId;
        public required string Id { get; init; }
        public required string Code { get; init; }
        public required string Type { get; init; }
        public required PromotionUse Use { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
