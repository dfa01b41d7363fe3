using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Common;

/// <summary>
/// Keyed counters in memory with CosmosKeyedCounter's contract, for the stores' in-memory doubles (promotion uses, flash
/// sales): a change is applied whole or not at all, stays within its limit (never below zero) and never applies a key
/// twice; each counter keeps a journal of its recent change keys, trimmed the same way (past <see cref="KeysPerTrim"/>
/// keys since the last trim, the keys from before it are dropped and the journal is complete from that trim's instant
/// on); a give-back is made only when the journal reaches back to the instant it may have happened from. A new counter
/// has no history, so its journal is complete from the beginning. Not thread-safe: the store holds its lock around it.
/// </summary>
internal sealed class InMemoryKeyedCounters<TKey>(TimeProvider clock, int keysPerTrim) where TKey : notnull
{
    private readonly Dictionary<TKey, Counter> _counters = [];

    public int KeysPerTrim => keysPerTrim;

    public int Units(TKey key) => _counters.GetValueOrDefault(key)?.Units ?? 0;

    /// <summary>How many change keys the counter's journal holds, and the instant from which it is complete.</summary>
    public (int Keys, DateTimeOffset Since) Journal(TKey key) =>
        _counters.GetValueOrDefault(key) is { } c ? (c.Applied.Count, c.AppliedSince) : (0, DateTimeOffset.MinValue);

    /// <summary>Adds <paramref name="amount"/> unless the key was applied, the limit would be passed, or (with <paramref name="coveredFrom"/>) the journal does not reach back that far.</summary>
    public (CounterChange Change, int Units) TryAdd(TKey key, int amount, int? limit, string changeKey, DateTimeOffset? coveredFrom = null)
    {
        if (!_counters.TryGetValue(key, out var c))
        {
            if (limit is { } max && amount > max) return (CounterChange.LimitReached, 0);
            _counters[key] = new Counter { Units = amount, Applied = [changeKey] };
            return (CounterChange.Applied, amount);
        }
        if (c.Applied.Contains(changeKey)) return (CounterChange.AlreadyApplied, c.Units);
        if (limit is { } limitOf && c.Units + amount > limitOf) return (CounterChange.LimitReached, c.Units);
        if (coveredFrom is { } from && c.AppliedSince > from) return (CounterChange.NotCovered, c.Units);
        c.Units += amount;
        Record(c, changeKey);
        return (CounterChange.Applied, c.Units);
    }

    /// <summary>Takes <paramref name="amount"/> back unless the key was applied, the counter holds less, or the journal does not reach back to <paramref name="coveredFrom"/>.</summary>
    public (CounterChange Change, int Units) TryGiveBack(TKey key, int amount, string changeKey, DateTimeOffset coveredFrom)
    {
        if (!_counters.TryGetValue(key, out var c)) return (CounterChange.LimitReached, 0);
        if (c.Applied.Contains(changeKey)) return (CounterChange.AlreadyApplied, c.Units);
        if (c.Units < amount) return (CounterChange.LimitReached, c.Units);
        if (c.AppliedSince > coveredFrom) return (CounterChange.NotCovered, c.Units);
        c.Units -= amount;
        Record(c, changeKey);
        return (CounterChange.Applied, c.Units);
    }

    // Journals the key and trims as the Cosmos DB adapter does (there a separate write that may lose a race; here at once).
    private void Record(Counter c, string changeKey)
    {
        c.Applied.Add(changeKey);
        if (c.Applied.Count - c.KeptAtLastTrim <= keysPerTrim) return;
        c.Applied.RemoveRange(0, c.KeptAtLastTrim);
        c.AppliedSince = c.LastTrimAt;
        c.LastTrimAt = clock.GetUtcNow();
        c.KeptAtLastTrim = c.Applied.Count;
    }

    private sealed class Counter
    {
        public int Units { get; set; }
        public required List<string> Applied { get; init; }

        /// <summary>The journal holds every change made at or after this instant.</summary>
        public DateTimeOffset AppliedSince { get; set; } = DateTimeOffset.MinValue;

        /// <summary>The instant of the last trim; the first <see cref="KeptAtLastTrim"/> keys are from before it.</summary>
        public DateTimeOffset LastTrimAt { get; set; } = DateTimeOffset.MinValue;
        public int KeptAtLastTrim { get; set; }
    }
}
