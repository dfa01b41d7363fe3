namespace Serverless.Shop.Domain.Common;

/// <summary>
/// A value read from Cosmos DB and kept for a short while (<see cref="Lifetime"/>), for reads that every request needs
/// and that staff change rarely: the taxonomy, the automatic promotions, the warehouse directory, the shipping rate table. Concurrent readers
/// share one reload rather than each reading when it expires; a failed or cancelled load is not kept. The store that
/// writes the value calls <see cref="Invalidate"/>, so its own instance sees a change at once; other instances see it
/// within the lifetime.
/// </summary>
public sealed class RecentCopy<T>(TimeProvider clock, TimeSpan lifetime)
{
    private readonly Lock _gate = new();
    private (Task<T> Value, DateTimeOffset LoadedAt)? _current;

    public TimeSpan Lifetime => lifetime;

    /// <param name="fresh">Read again even when the copy is recent (and keep the new one).</param>
    public Task<T> GetAsync(Func<Task<T>> load, bool fresh = false)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!fresh && _current is { } c && now - c.LoadedAt < lifetime && !c.Value.IsFaulted && !c.Value.IsCanceled) return c.Value;
            var loading = load();
            _current = (loading, now);
            return loading;
        }
    }

    public void Invalidate()
    {
        lock (_gate) _current = null;
    }
}
