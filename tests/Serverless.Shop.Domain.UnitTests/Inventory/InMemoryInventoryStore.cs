using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;

namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>
/// Stock in memory with the store's optimistic concurrency: every save gets a new version string, and a save based on
/// any other version than the stored one fails with <see cref="StaleVersionException"/> (as a Cosmos DB ETag would).
/// <see cref="HoldReadsUntil"/> makes concurrent callers read the same version before any of them writes.
/// </summary>
internal sealed class InMemoryInventoryStore : IInventoryStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<StockItem>> _items = new(StringComparer.Ordinal);
    private int _lastVersion;
    private int _heldReaders;
    private TaskCompletionSource? _releaseReaders;

    public int Saves { get; private set; }
    public int Conflicts { get; private set; }

    /// <summary>When set, every save fails as if someone else always wrote first.</summary>
    public bool AlwaysConflict { get; set; }

    public Versioned<StockItem> Add(StockItem item)
    {
        lock (_lock) return _items[item.Sku] = new Versioned<StockItem>(item, NextVersion());
    }

    public Versioned<StockItem>? Current(string sku)
    {
        lock (_lock) return _items.GetValueOrDefault(sku);
    }

    /// <summary>The next <paramref name="readers"/> reads all wait until the last of them has read, then go on together.</summary>
    public void HoldReadsUntil(int readers)
    {
        lock (_lock)
        {
            _heldReaders = readers;
            _releaseReaders = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async Task<Versioned<StockItem>?> FindAsync(string sku, CancellationToken ct)
    {
        Task? wait = null;
        Versioned<StockItem>? found;
        lock (_lock)
        {
            found = _items.GetValueOrDefault(sku);
            if (_releaseReaders is { } release)
            {
                wait = release.Task;
                if (--_heldReaders == 0)
                {
                    _releaseReaders = null;
                    release.SetResult();
                }
            }
        }
        if (wait is not null) await wait.WaitAsync(TimeSpan.FromSeconds(10), ct);
        return found;
    }

    public Task<IReadOnlyList<Versioned<StockItem>>> FindManyAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<Versioned<StockItem>>>(skus.Where(_items.ContainsKey).Select(s => _items[s]).ToList());
    }

    public Task<string> SaveAsync(StockItem item, string? expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            var exists = _items.TryGetValue(item.Sku, out var stored);
            var current = expectedVersion is null ? !exists : exists && stored!.Version == expectedVersion;
            if (!current || AlwaysConflict)
            {
                Conflicts++;
                throw new StaleVersionException("Stock item");
            }
            Saves++;
            return Task.FromResult((_items[item.Sku] = new Versioned<StockItem>(item, NextVersion())).Version);
        }
    }

    public Task<IReadOnlyList<string>> ListWarehouseNamesAsync(CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<string>>(_items.Values.SelectMany(i => i.Value.OnHand.Keys).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Pages through the items by SKU; the token is the last SKU of the previous page.</summary>
    public Task<Page<StockItem>> ListAsync(PageRequest page, CancellationToken ct)
    {
        lock (_lock)
        {
            var rest = _items.Values.Select(i => i.Value).Where(i => page.ContinuationToken is null || string.CompareOrdinal(i.Sku, page.ContinuationToken) > 0)
                .OrderBy(i => i.Sku, StringComparer.Ordinal).ToList();
            var items = rest.Take(page.Size).ToList();
            return Task.FromResult(new Page<StockItem>(items, rest.Count > page.Size ? items[^1].Sku : null));
        }
    }

    public Task<Page<StockAdjustment>> ListAdjustmentsAsync(string sku, PageRequest page, CancellationToken ct)
    {
        lock (_lock)
        {
            var newestFirst = _items.TryGetValue(sku, out var item) ? item.Value.RecentAdjustments.Reverse().ToList() : [];
            return Task.FromResult(new Page<StockAdjustment>(newestFirst.Take(page.Size).ToList(), null));
        }
    }

    private string NextVersion() => $"\"s{++_lastVersion}\"";
}
