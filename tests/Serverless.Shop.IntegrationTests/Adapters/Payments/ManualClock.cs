namespace Serverless.Shop.IntegrationTests.Adapters.Payments;

/// <summary>The shop's clock, stopped at an instant and moved by hand, so times in results and signature ages can be asserted.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
