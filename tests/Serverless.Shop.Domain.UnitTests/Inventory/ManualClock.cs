namespace Serverless.Shop.Domain.UnitTests.Inventory;

/// <summary>A clock the test moves by hand, to let reservations expire without waiting.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public void Advance(TimeSpan by) => Now += by;

    public override DateTimeOffset GetUtcNow() => Now;
}
