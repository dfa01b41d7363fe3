namespace Serverless.Shop.Domain.Analytics.Clickstream;

/// <summary>How long raw clickstream files are kept (<c>Analytics:RawRetentionDays</c>, default 30); the rollups keep the aggregates.</summary>
public sealed record RawClickstreamRetention(int Days)
{
    public const int DefaultDays = 30;
    public const int MaximumDays = 3650;
}

/// <summary>
/// The daily retention run: deletes the capture files written more than the retention period ago. In Azure the storage
/// account's lifecycle rule on <c>analytics-raw</c> is the authoritative one (bicep/modules/analytics-storage.bicep);
/// this run makes the same promise locally and on any account without the rule. Tests: ClickstreamArchiveTests.
/// </summary>
public sealed class ExpireRawClickstream(IClickstreamArchive archive, RawClickstreamRetention retention, TimeProvider clock)
{
    /// <summary>Returns how many files were deleted.</summary>
    public Task<int> RunAsync(CancellationToken ct) =>
        archive.DeleteWrittenBeforeAsync(clock.GetUtcNow() - TimeSpan.FromDays(retention.Days), ct);
}
