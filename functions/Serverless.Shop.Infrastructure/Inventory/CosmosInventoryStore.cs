using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Inventory;

/// <summary>
/// Stock in the <c>inventory</c> container, partitioned by SKU. One document per SKU carries the levels and the
/// recent adjustments, so an adjustment and its audit entry are a single atomic write. When the recent list grows past
/// twice <see cref="StockItem.RecentAdjustmentsKept"/>, the oldest entries move to an archive page in the same partition:
/// the page is written first (its id makes a repeat harmless), then the item is trimmed, so no entry is ever lost.
/// </summary>
public sealed class CosmosInventoryStore(ShopContainers containers) : IInventoryStore
{
    private Container Inventory => containers.Inventory;

    public async Task<Versioned<StockItem>?> FindAsync(string sku, CancellationToken ct)
    {
        try
        {
            var response = await Inventory.ReadItemAsync<StockDocument>(sku, new PartitionKey(sku), cancellationToken: ct);
            return new(response.Resource.Item, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<Versioned<StockItem>>> FindManyAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        if (skus.Count == 0) return [];
        var response = await Inventory.ReadManyItemsAsync<StockDocument>(skus.Select(s => (s, new PartitionKey(s))).ToList(), cancellationToken: ct);
        return response.Select(d => new Versioned<StockItem>(d.Item, d.ETag!)).ToList();
    }

    public async Task<string> SaveAsync(StockItem item, string? expectedVersion, CancellationToken ct)
    {
        if (item.RecentAdjustments.Count > 2 * StockItem.RecentAdjustmentsKept)
        {
            var archived = item.RecentAdjustments.Take(item.RecentAdjustments.Count - StockItem.RecentAdjustmentsKept).ToList();
            var page = new JournalPage { Id = JournalPage.IdFor(item.Sku, archived[0].Sequence), Sku = item.Sku, Type = JournalPage.Kind, LastSequence = archived[^1].Sequence, Entries = archived };
            try { await Inventory.CreateItemAsync(page, new PartitionKey(item.Sku), cancellationToken: ct); }
            catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict)) { /* written by an earlier attempt that died before trimming */ }
            item = item with { RecentAdjustments = item.RecentAdjustments.Skip(archived.Count).ToList() };
        }

        var doc = new StockDocument { Id = item.Sku, Sku = item.Sku, Type = StockDocument.Kind, Item = item };
        try
        {
            var response = expectedVersion is null
                ? await Inventory.CreateItemAsync(doc, new PartitionKey(item.Sku), cancellationToken: ct)
                : await Inventory.ReplaceItemAsync(doc, doc.Id, new PartitionKey(item.Sku), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw new StaleVersionException("Stock item");
        }
    }

    /// <remarks>A cross-partition query over every stock document (projection of the level keys): run once, by the migration.</remarks>
    public async Task<IReadOnlyList<string>> ListWarehouseNamesAsync(CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var query = new QueryDefinition("SELECT c.item.onHand FROM c WHERE c.type = @type").WithParameter("@type", StockDocument.Kind);
        using var feed = Inventory.GetItemQueryIterator<LevelsOnly>(query);
        while (feed.HasMoreResults)
            foreach (var levels in await feed.ReadNextAsync(ct))
                names.UnionWith(levels.OnHand?.Keys ?? Enumerable.Empty<string>());
        return names.Order(StringComparer.Ordinal).ToList();
    }

    private sealed record LevelsOnly(IReadOnlyDictionary<string, int>? OnHand);

    /// <remarks>
    /// A cross-partition query, for reports: one query page of at most <c>page.Size</c> stock documents per call. It
    /// projects what a report needs (levels, thresholds, reservations, transfers), not the audit trail, so a page costs
    /// a fraction of reading the documents whole; the items it returns have no recent adjustments.
    /// </remarks>
    public async Task<Page<StockItem>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var query = new QueryDefinition(
                "SELECT c.item.sku, c.item.onHand, c.item.lowStockThreshold, c.item.warehouseThresholds, c.item.reservations, c.item.inTransit FROM c WHERE c.type = @type")
            .WithParameter("@type", StockDocument.Kind);
        using var feed = Inventory.GetItemQueryIterator<ReportedStock>(query, page.ContinuationToken, new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<StockItem>(response.Select(r => r.ToItem()).ToList(), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this report.");
        }
    }

    private sealed record ReportedStock(
        string Sku, IReadOnlyDictionary<string, int>? OnHand, int LowStockThreshold, IReadOnlyDictionary<string, int>? WarehouseThresholds,
        IReadOnlyList<StockReservation>? Reservations, IReadOnlyList<StockInTransit>? InTransit)
    {
        public StockItem ToItem() => new StockItem(Sku, OnHand ?? new Dictionary<string, int>(), LowStockThreshold, [], 0)
        {
            WarehouseThresholds = WarehouseThresholds ?? new Dictionary<string, int>(),
            Reservations = Reservations ?? [],
            InTransit = InTransit ?? [],
        };
    }

    public async Task<Page<StockAdjustment>> ListAdjustmentsAsync(string sku, PageRequest page, CancellationToken ct)
    {
        // The token is the sequence number to continue below: simple, and stable while new adjustments arrive.
        long before = long.MaxValue;
        if (page.ContinuationToken is not null && !long.TryParse(page.ContinuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out before))
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued.");

        var entries = new List<StockAdjustment>();
        var current = await FindAsync(sku, ct);
        if (current is not null) entries.AddRange(current.Value.RecentAdjustments.Where(a => a.Sequence < before));
        if (entries.Count < page.Size + 1 && (current?.Value.RecentAdjustments.FirstOrDefault()?.Sequence ?? 0) > 1)
        {
            var query = new QueryDefinition("SELECT * FROM c WHERE c.sku = @sku AND c.type = @type ORDER BY c.lastSequence DESC")
                .WithParameter("@sku", sku).WithParameter("@type", JournalPage.Kind);
            using var feed = Inventory.GetItemQueryIterator<JournalPage>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(sku) });
            while (feed.HasMoreResults && entries.Count < page.Size + 1)
                foreach (var archive in await feed.ReadNextAsync(ct))
                    entries.AddRange(archive.Entries.Where(a => a.Sequence < before));
        }
        var ordered = entries.DistinctBy(a => a.Sequence).OrderByDescending(a => a.Sequence).ToList();
        var items = ordered.Take(page.Size).ToList();
        var next = ordered.Count > page.Size ? items[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return new Page<StockAdjustment>(items, next);
    }

    private sealed record StockDocument
    {
        public const string Kind = "stock";
        public required string Id { get; init; }
        public required string Sku { get; init; }
        public required string Type { get; init; }
        public required StockItem Item { get; init; }

        [JsonPropertyName("_etag")]
        public string? ETag { get; init; }
    }

    private sealed record JournalPage
    {
        public const string Kind = "journal";
        public static string IdFor(string sku, long firstSequence) => $"{sku}:journal:{firstSequence:D12}";
        public required string Id { get; init; }
        public required string Sku { get; init; }
        public required string Type { get; init; }
        public required long LastSequence { get; init; }
        public required IReadOnlyList<StockAdjustment> Entries { get; init; }
    }
}
