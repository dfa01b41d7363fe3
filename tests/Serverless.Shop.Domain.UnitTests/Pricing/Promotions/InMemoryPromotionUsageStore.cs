using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Domain.UnitTests.Common;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>
/// Usage counters and use records in memory, with the store's contract as the Cosmos DB adapter keeps it: a keyed
/// "add one if below the limit" is atomic and never applies a key twice, each counter keeps a journal of its recent
/// change keys that is trimmed the same way (past <see cref="KeysPerTrim"/> keys since the last trim, the keys from
/// before it are dropped and the journal is complete from that trim's instant on), and a record written at an outdated
/// version (or created twice) is refused with <see cref="StaleVersionException"/>.
/// <see cref="HoldRecordReadsUntil"/> makes concurrent callers read the same record before any of them writes.
/// </summary>
internal sealed class InMemoryPromotionUsageStore(TimeProvider? clock = null, int keysPerTrim = InMemoryPromotionUsageStore.DefaultKeysPerTrim) : IPromotionUsageStore
{
    /// <summary>As in CosmosPromotionUsageStore.</summary>
    public const int DefaultKeysPerTrim = 200;

    private readonly object _lock = new();
    private readonly InMemoryKeyedCounters<(string PromotionId, UsageCounter Counter)> _counters = new(clock ?? new FixedClock(), keysPerTrim);
    private readonly Dictionary<(string PromotionId, string OrderId), Versioned<PromotionUse>> _uses = [];
    private int _lastVersion;
    private int _heldReaders;
    private TaskCompletionSource? _releaseReaders;

    public int KeysPerTrim => _counters.KeysPerTrim;

    /// <summary>When set, the next record write fails with this exception (a time-out, say) without writing.</summary>
    public Exception? NextSaveFailure { get; set; }

    public int Units(string promotionId, UsageCounter counter)
    {
        lock (_lock) return _counters.Units((promotionId, counter));
    }

    /// <summary>How many change keys the counter's journal holds, and the instant from which it is complete.</summary>
    public (int Keys, DateTimeOffset Since) Journal(string promotionId, UsageCounter counter)
    {
        lock (_lock) return _counters.Journal((promotionId, counter));
    }

    public PromotionUse? Use(string promotionId, string orderId)
    {
        lock (_lock) return _uses.GetValueOrDefault((promotionId, orderId))?.Value;
    }

    public void HoldRecordReadsUntil(int readers)
    {
        lock (_lock)
        {
            _heldReaders = readers;
            _releaseReaders = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task<CounterChange> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, string changeKey, DateTimeOffset? coveredFrom, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_counters.TryAdd((promotionId, counter), 1, limit, changeKey, coveredFrom).Change);
    }

    public Task<bool> DecrementAsync(string promotionId, UsageCounter counter, string changeKey, DateTimeOffset coveredFrom, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_counters.TryGiveBack((promotionId, counter), 1, changeKey, coveredFrom).Change == CounterChange.Applied);
    }

    public Task<(int Uses, int Redemptions)> GetCountsAsync(string promotionId, CancellationToken ct) =>
        Task.FromResult((Units(promotionId, UsageCounter.Uses), Units(promotionId, UsageCounter.Redemptions)));

    public async Task<Versioned<PromotionUse>?> FindUseAsync(string promotionId, string orderId, CancellationToken ct)
    {
        Task? wait = null;
        Versioned<PromotionUse>? found;
        lock (_lock)
        {
            found = _uses.GetValueOrDefault((promotionId, orderId));
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

    public Task<string> SaveUseAsync(PromotionUse use, string? expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (NextSaveFailure is { } failure)
            {
                NextSaveFailure = null;
                throw failure;
            }
            var key = (use.PromotionId, use.OrderId);
            var exists = _uses.TryGetValue(key, out var stored);
            var current = expectedVersion is null ? !exists : exists && stored!.Version == expectedVersion;
            if (!current) throw new StaleVersionException("Promotion use");
            return Task.FromResult((_uses[key] = new Versioned<PromotionUse>(use, $"\"u{++_lastVersion}\"")).Version);
        }
    }
}
