namespace Serverless.Shop.Domain.UnitTests.Common;

/// <summary>The one clock of the shop, stopped at a known instant so that times in results can be asserted.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Instant = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    public FixedClock() : this(Instant) { }

    public DateTimeOffset Now { get; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
