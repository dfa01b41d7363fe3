using System.Threading.RateLimiting;
using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>
/// <see cref="ISessionFloodGuard"/> on System.Threading.RateLimiting. Each session id has its own token bucket, one token
/// per event; a batch takes all its events' tokens or none. The buckets live in this instance's memory: each instance
/// of the function app counts on its own, so N instances let a session through at up to N times the rate (a bound
/// against floods, not an exact quota; docs/analytics.md). Tests: ClickstreamIngestionApiTests (429 with Retry-After).
/// </summary>
public sealed class SessionFloodGuard : ISessionFloodGuard, IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public SessionFloodGuard(ClickstreamRateLimit limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit.EventsPerMinute, AcceptClickstreamEvents.MaximumEventsPerBatch);
        // Refilled every second rather than once a minute, so a session that waits the Retry-After it was told can go on.
        var perSecond = Math.Max(1, limit.EventsPerMinute / 60);
        limiter = PartitionedRateLimiter.Create<string, string>(session => RateLimitPartition.GetTokenBucketLimiter(session, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.EventsPerMinute,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes <paramref name="events"/> tokens from the session's bucket; null when it had them, else how long to wait.</summary>
    public TimeSpan? TryTake(string sessionId, int events)
    {
        using var lease = limiter.AttemptAcquire(sessionId, events);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => limiter.Dispose();
}
