using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.FlashSales;

namespace Serverless.Shop.Domain.UnitTests.Marketing.FlashSales;

/// <summary>
/// Flash sales in memory, with the store's contract: a counter changes atomically and only within its limit, hold records
/// change only at the version read. <see cref="Takes"/> counts successful takes, so tests see what a step wrote.
/// </summary>
internal sealed class InMemoryFlashSaleStore : IFlashSaleStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<FlashSale>> _sales = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Sale, string Counter), int> _counters = [];
    private readonly Dictionary<(string Sale, string Order), Versioned<FlashSaleHold>> _holds = [];
    private int _version;

    public int Takes { get; private set; }

    public int Counter(string saleId, SaleCounter counter) { lock (_lock) return _counters.GetValueOrDefault((saleId, counter.Name)); }

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

    public async Task<(bool Taken, int Value)> TryTakeAsync(string saleId, SaleCounter counter, int units, int limit, CancellationToken ct)
    {
        await Task.Yield();
        lock (_lock)
        {
            var value = _counters.GetValueOrDefault((saleId, counter.Name));
            if (value + units > limit) return (false, 0);
            Takes++;
            return (true, _counters[(saleId, counter.Name)] = value + units);
        }
    }

    public async Task<int> GiveBackAsync(string saleId, SaleCounter counter, int units, CancellationToken ct)
    {
        await Task.Yield();
        lock (_lock)
        {
            var value = _counters.GetValueOrDefault((saleId, counter.Name));
            return value >= units ? _counters[(saleId, counter.Name)] = value - units : value;
        }
    }

    public Task<IReadOnlyDictionary<SaleCounter, int>> ReadCountersAsync(string saleId, IReadOnlyCollection<SaleCounter> counters, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyDictionary<SaleCounter, int>>(counters.Distinct().ToDictionary(c => c, c => _counters.GetValueOrDefault((saleId, c.Name))));
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
