using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Domain.UnitTests.Pricing.Promotions;

/// <summary>
/// Usage counters and use records in memory, with the store's contract: "add one if below the limit" is atomic, and a
/// record written at an outdated version (or created twice) is refused with <see cref="StaleVersionException"/>.
/// <see cref="HoldRecordReadsUntil"/> makes concurrent callers read the same record before any of them writes.
/// </summary>
internal sealed class InMemoryPromotionUsageStore : IPromotionUsageStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string PromotionId, UsageCounter Counter), int> _counters = [];
    private readonly Dictionary<(string PromotionId, string OrderId), Versioned<PromotionUse>> _uses = [];
    private int _lastVersion;
    private int _heldReaders;
    private TaskCompletionSource? _releaseReaders;

    /// <summary>When set, the next record write fails with this exception (a time-out, say) without writing.</summary>
    public Exception? NextSaveFailure { get; set; }

    public int Units(string promotionId, UsageCounter counter)
    {
        lock (_lock) return _counters.GetValueOrDefault((promotionId, counter));
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

    public Task<bool> TryIncrementAsync(string promotionId, UsageCounter counter, int? limit, CancellationToken ct)
    {
        lock (_lock)
        {
            var units = _counters.GetValueOrDefault((promotionId, counter));
            if (limit is not null && units >= limit) return Task.FromResult(false);
            _counters[(promotionId, counter)] = units + 1;
            return Task.FromResult(true);
        }
    }

    public Task DecrementAsync(string promotionId, UsageCounter counter, CancellationToken ct)
    {
        lock (_lock)
        {
            var units = _counters.GetValueOrDefault((promotionId, counter));
            if (units > 0) _counters[(promotionId, counter)] = units - 1;
        }
        return Task.CompletedTask;
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
