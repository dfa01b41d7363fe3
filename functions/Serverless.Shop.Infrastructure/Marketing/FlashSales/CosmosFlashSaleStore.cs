using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.FlashSales;

/// <summary>
/// Flash sales in the <c>flash-sales</c> container (partition key /saleId): everything of one sale in its own
/// partition, namely the sale (<c>id: "sale"</c>), its counters (<c>sold:&lt;SKU&gt;</c>, and
/// <c>buyer:&lt;key&gt;</c> per buyer) and one hold record per order (<c>order:&lt;number&gt;</c>).
/// A counter is a keyed counter (<see cref="CosmosKeyedCounter"/>) that changes by the order's units: a conditional
/// patch (<c>Increment</c> by the units, with a <c>FilterPredicate</c> <c>c.units &lt;= limit - units</c> and the
/// change key not in its journal), which Cosmos DB applies atomically, so concurrent checkouts never take more than a
/// cap, each with one write and no read-and-retry rounds, and a take or give-back retried after a crash is not made
/// twice. Hold records change with If-Match. Cosmos DB calls: take or give back units = 1 (a take 2 the first time a
/// counter is used; a take or give-back that is refused, or finds its key already applied, reads the counter to tell
/// why: 2); about one call in 200 more to trim a counter's journal; read or write a hold = 1; counters = 1 (ReadMany);
/// the sale = 1 point read; the list of sales is a cross-partition query (staff only).
/// </summary>
public sealed class CosmosFlashSaleStore(ShopContainers containers, TimeProvider clock) : IFlashSaleStore
{
    private const string SaleDocumentId = "sale";
    private static readonly System.Buffers.SearchValues<char> ForbiddenInIds = System.Buffers.SearchValues.Create("/\\?#");

    private readonly CosmosKeyedCounter _counters = new(containers.FlashSales, clock, "Flash sale");

    private Container Sales => containers.FlashSales;

    public async Task<Versioned<FlashSale>?> FindAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await Sales.ReadItemAsync<SaleDocument>(SaleDocumentId, new PartitionKey(id), cancellationToken: ct);
            return new(response.Resource.Sale, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<Page<FlashSale>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var query = new QueryDefinition("SELECT VALUE c.sale FROM c WHERE c.type = @type ORDER BY c.startsAt DESC").WithParameter("@type", SaleDocument.Kind);
        using var feed = Sales.GetItemQueryIterator<FlashSale>(query, page.ContinuationToken, new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<FlashSale>(response.ToList(), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    public async Task<string> CreateAsync(FlashSale sale, CancellationToken ct)
    {
        var response = await Sales.CreateItemAsync(SaleDocument.From(sale), new PartitionKey(sale.Id), cancellationToken: ct);
        return response.ETag;
    }

    public async Task<string> ReplaceAsync(FlashSale sale, string expectedVersion, CancellationToken ct)
    {
        try
        {
            var response = await Sales.ReplaceItemAsync(SaleDocument.From(sale), SaleDocumentId, new PartitionKey(sale.Id),
                new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException("Flash sale");
        }
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        using var response = await Sales.DeleteItemStreamAsync(SaleDocumentId, new PartitionKey(id), cancellationToken: ct);
        if (response.StatusCode != HttpStatusCode.NotFound) response.EnsureSuccessStatusCode();
    }

    public Task<(CounterChange Change, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, string changeKey, CancellationToken ct)
    {
        // A counter's name is its document id: a '/' in it once made every patch answer 404 (FlashSaleRushTests found it).
        if (counter.Name.AsSpan().IndexOfAny(ForbiddenInIds) >= 0) throw new ArgumentException($"'{counter.Name}' cannot be a Cosmos DB document id.", nameof(counter));
        return _counters.TryAddAsync(saleId, counter.Name, units, limit, changeKey, coveredFrom: null,
            () => new JsonObject { ["saleId"] = saleId, ["type"] = CounterDocument.Kind }, ct);
    }

    public Task<(CounterChange Change, int Value)> GiveBackAsync(string saleId, SaleCounter counter, int units, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct) =>
        _counters.TrySubtractAsync(saleId, counter.Name, units, changeKey, coveredFrom, ct);

    public async Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct)
    {
        var partition = new PartitionKey(saleId);
        var found = await Sales.ReadManyItemsAsync<CounterDocument>(counters.Select(c => (c.Name, partition)).Distinct().ToList(), cancellationToken: ct);
        return counters.Distinct().ToDictionary(c => c, c => found.FirstOrDefault(d => d.Id == c.Name)?.Units ?? 0);
    }

    public async Task<Versioned<FlashSaleHold>?> FindHoldAsync(string saleId, string orderId, CancellationToken ct)
    {
        try
        {
            var response = await Sales.ReadItemAsync<HoldDocument>(HoldDocument.IdFor(orderId), new PartitionKey(saleId), cancellationToken: ct);
            return new(response.Resource.Hold, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<string> SaveHoldAsync(FlashSaleHold hold, string? expectedVersion, CancellationToken ct)
    {
        var doc = new HoldDocument { Id = HoldDocument.IdFor(hold.OrderId), SaleId = hold.SaleId, Type = HoldDocument.Kind, Hold = hold };
        try
        {
            var response = expectedVersion is null
                ? await Sales.CreateItemAsync(doc, new PartitionKey(hold.SaleId), cancellationToken: ct)
                : await Sales.ReplaceItemAsync(doc, doc.Id, new PartitionKey(hold.SaleId), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new StaleVersionException("Flash sale hold");
        }
    }

    public async Task<IReadOnlyList<FlashSaleHold>> ListHoldsAsync(string saleId, CancellationToken ct)
    {
        // The sale id in the WHERE clause keeps it to the sale's partition (the local emulator ignores the option's key).
        var query = new QueryDefinition("SELECT VALUE c.hold FROM c WHERE c.saleId = @sale AND c.type = @type")
            .WithParameter("@sale", saleId).WithParameter("@type", HoldDocument.Kind);
        using var feed = Sales.GetItemQueryIterator<FlashSaleHold>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(saleId) });
        var holds = new List<FlashSaleHold>();
        while (feed.HasMoreResults) holds.AddRange(await feed.ReadNextAsync(ct));
        return holds;
    }

    internal sealed record SaleDocument
    {
        public const string Kind = "sale";
        public required string Id { get; init; }
        public required string SaleId { get; init; }
        public required string Type { get; init; }

        /// <summary>At the top level so the staff listing orders by it.</summary>
        public required DateTimeOffset StartsAt { get; init; }

        public required FlashSale Sale { get; init; }

        public static SaleDocument From(FlashSale sale) => new() { Id = SaleDocumentId, SaleId = sale.Id, Type = Kind, StartsAt = sale.StartsAt, Sale = sale };
    }

    internal sealed record CounterDocument
    {
        public const string Kind = "counter";
        public required string Id { get; init; }
        public required string SaleId { get; init; }
        public required string Type { get; init; }
        public required int Units { get; init; }
    }

    internal sealed record HoldDocument
    {
        public const string Kind = "hold";
        public static string IdFor(string orderId) => "order:" + orderId;
        public required string Id { get; init; }
        public required string SaleId { get; init; }
        public required string Type { get; init; }
        public required FlashSaleHold Hold { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }
}
