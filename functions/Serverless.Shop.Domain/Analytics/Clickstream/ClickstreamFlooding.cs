namespace Serverless.Shop.Domain.Analytics.Clickstream;

/// <summary>How many events one session may send (<c>Analytics:Clickstream:EventsPerSessionPerMinute</c>, docs/configuration.md).</summary>
/// <param name="EventsPerMinute">Events a session may send in a burst, and then per minute.</param>
public sealed record ClickstreamRateLimit(int EventsPerMinute)
{
    public const int DefaultEventsPerMinute = 120;
    public static readonly ClickstreamRateLimit Default = new(DefaultEventsPerMinute);
}

/// <summary>Refuses a flood from one session before anything is handed on (docs/analytics.md, "Clickstream").</summary>
public interface ISessionFloodGuard
{
    /// <summary>Counts <paramref name="events"/> against the session; null when they are within its limit, else how long to wait (nothing is counted then).</summary>
    TimeSpan? TryTake(string sessionId, int events);
}
