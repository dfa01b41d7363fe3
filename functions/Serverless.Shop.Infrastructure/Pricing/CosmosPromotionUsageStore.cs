using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
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
/// <item><c>uses</c> and <c>redemptions</c>: counters <c>{ units }</c>; <c>customer:&lt;hash of the customer id&gt;</c>: one customer's uses.</item>
/// <item><c>order:&lt;orderId&gt;</c>: one small record per order that used the promotion (held, redeemed or released).</item>
/// </list>
/// Documents stay small however high the limit: counters are numbers, and each order and customer has its own document.
/// A counter changes by a conditional patch (<c>Increment</c> with a <c>FilterPredicate</c> such as
/// <c>c.units &lt; 5</c>), which Cosmos DB applies atomically: concurrent checkouts each spend one write and never more
/// units than the limit, without the read-and-retry rounds of an ETag loop that a popular code would turn into a storm.
/// Use records change with If-Match. Cosmos DB calls: take or give back a unit = 1 (2 the first time a counter is used);
/// read or write a use record = 1; the usage figures = 1 (ReadMany).
/// </summary>
public sealed class CosmosPromotionUsageStore(ShopContainers containers) : IPromotionUsageStore
{
    private const int MaximumAttempts = 4;

    private Container Usage => containers.CouponUsage;

    public static string PartitionFor(string promotionId) => "promo:" + promotionId;

    public async Task<bool> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, CancellationToken ct)
    {
        var partition = PartitionFor(promotionId);
        var id = CounterId(counter);
        var options = new PatchItemRequestOptions
        {
            EnableContentResponseOnWrite = false,
            FilterPredicate = limit is { } max ? $"FROM c WHERE c.units < {max.ToString(CultureInfo.InvariantCulture)}" : null,
        };
        for (var attempt = 1; ; attempt++)
        {
            using (var patched = await Usage.PatchItemStreamAsync(id, new PartitionKey(partition), [PatchOperation.Increment("/units", 1)], options, ct))
            {
                if (patched.IsSuccessStatusCode) return true;
                if (patched.StatusCode == HttpStatusCode.PreconditionFailed) return false;
                if (patched.StatusCode != HttpStatusCode.NotFound || attempt >= MaximumAttempts) patched.EnsureSuccessStatusCode();
            }

            // The first use of this counter: create it holding the unit; if another writer created it first, patch again.
            if (limit is <= 0) return false;
            var doc = new CounterDocument { Id = id, Code = partition, Type = CounterDocument.Kind, PromotionId = promotionId, CustomerId = counter.CustomerId, Units = 1 };
            using var created = await Usage.CreateItemStreamAsync(ToStream(doc), new PartitionKey(partition), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct);
            if (created.IsSuccessStatusCode) return true;
            if (created.StatusCode != HttpStatusCode.Conflict) created.EnsureSuccessStatusCode();
        }
    }

    public async Task DecrementAsync(string promotionId, UsageCounter counter, CancellationToken ct)
    {
        var options = new PatchItemRequestOptions { EnableContentResponseOnWrite = false, FilterPredicate = "FROM c WHERE c.units > 0" };
        using var patched = await Usage.PatchItemStreamAsync(CounterId(counter), new PartitionKey(PartitionFor(promotionId)), [PatchOperation.Increment("/units", -1)], options, ct);
        // 412: already at zero; 404: never counted. Nothing to give back either way.
        if (patched.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)) patched.EnsureSuccessStatusCode();
    }

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
    internal static string CounterId(UsageCounter counter) => counter.CustomerId is null
        ? counter.Name
        : $"{counter.Name}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(counter.CustomerId)))[..32].ToLowerInvariant()}";

    private static MemoryStream ToStream<T>(T value) => new(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, ShopJson.Options));

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
