using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Marketing.FlashSales;

/// <summary>
/// Flash sales in memory, with the store's contract as the Cosmos DB adapter keeps it: a keyed counter change is atomic,
/// stays within its limit (never below zero) and never applies a key twice; each counter keeps a journal of its recent
/// change keys trimmed the same way (past <see cref="KeysPerTrim"/> keys since the last trim, the keys from before it
/// are dropped and the journal is complete from that trim's instant on); hold records change only at the version read.
/// <see cref="Takes"/> counts applied takes, so tests see what a step wrote.
/// </summary>
internal sealed class InMemoryFlashSaleStore(TimeProvider? clock = null, int keysPerTrim = InMemoryFlashSaleStore.DefaultKeysPerTrim) : IFlashSaleStore
{
    /// <summary>As in CosmosKeyedCounter.</summary>
    public const int DefaultKeysPerTrim = 200;

    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<FlashSale>> _sales = new(StringComparer.Ordinal);
    private readonly InMemoryKeyedCounters<(string Sale, string Counter)> _counters = new(clock ?? TimeProvider.System, keysPerTrim);
    private readonly Dictionary<(string Sale, string Order), Versioned<FlashSaleHold>> _holds = [];
    private int _version;

    public int KeysPerTrim => _counters.KeysPerTrim;

    public int Takes { get; private set; }

    public int Counter(string saleId, SaleCounter counter) { lock (_lock) return _counters.Units((saleId, counter.Name)); }

    /// <summary>How many change keys the counter's journal holds, and the instant from which it is complete.</summary>
    public (int Keys, DateTimeOffset Since) Journal(string saleId, SaleCounter counter)
    {
        lock (_lock) return _counters.Journal((saleId, counter.Name));
    }

    public FlashSaleHold? Hold(string saleId, string orderId) { lock (_lock) return _holds.GetValueOrDefault((saleId, orderId))?.Value; }

    public Task<Versioned<FlashSale>?> FindAsync(string id, CancellationToken ct) { lock (_lock) return Task.FromResult(_sales.GetValueOrDefault(id)); }

    public Task<Page<FlashSale>> ListAsync(PageRequest page, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(new Page<FlashSale>(_sales.Values.Select(s => s.Value).OrderByDescending(s => s.StartsAt).ToList(), null));
    }

    public Task<string> CreateAsync(FlashSale sale, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_sales.ContainsKey(sale.Id)) throw new InvalidOperationException("exists");
            var version = Next();
            _sales[sale.Id] = new(sale, version);
            return Task.FromResult(version);
        }
    }

    public Task<string> ReplaceAsync(FlashSale sale, string expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_sales.GetValueOrDefault(sale.Id)?.Version != expectedVersion) throw new StaleVersionException("Flash sale");
            var version = Next();
            _sales[sale.Id] = new(sale, version);
            return Task.FromResult(version);
        }
    }

    public Task DeleteAsync(string id, CancellationToken ct) { lock (_lock) _sales.Remove(id); return Task.CompletedTask; }

    public async Task<(CounterChange Change, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, string changeKey, CancellationToken ct)
    {
        await Task.Yield();
        lock (_lock)
        {
            var taken = _counters.TryAdd((saleId, counter.Name), units, limit, changeKey);
            if (taken.Change == CounterChange.Applied) Takes++;
            return taken;
        }
    }

    public async Task<(CounterChange Change, int Value)> GiveBackAsync(string saleId, SaleCounter counter, int units, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct)
    {
        await Task.Yield();
        lock (_lock) return _counters.TryGiveBack((saleId, counter.Name), units, changeKey, coveredFrom);
    }

    public Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyDictionary<SaleCounter, int>>(counters.Distinct().ToDictionary(c => c, c => _counters.Units((saleId, c.Name))));
    }

    public async Task<Versioned<FlashSaleHold>?> FindHoldAsync(string saleId, string orderId, CancellationToken ct)
    {
        await Task.Yield();
        lock (_lock) return _holds.GetValueOrDefault((saleId, orderId));
    }

    public async Task<string> SaveHoldAsync(FlashSaleHold hold, string? expectedVersion, CancellationToken ct)
    {
        await Task.Yield();
        lock (_lock)
        {
            var key = (hold.SaleId, hold.OrderId);
            if (_holds.GetValueOrDefault(key)?.Version != expectedVersion) throw new StaleVersionException("Flash sale hold");
            var version = Next();
            _holds[key] = new(hold, version);
            return version;
        }
    }

    public Task<IReadOnlyList<FlashSaleHold>> ListHoldsAsync(string saleId, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<FlashSaleHold>>(_holds.Where(h => h.Key.Sale == saleId).Select(h => h.Value.Value).ToList());
    }

    private string Next() => $"v{++_version}";
}
