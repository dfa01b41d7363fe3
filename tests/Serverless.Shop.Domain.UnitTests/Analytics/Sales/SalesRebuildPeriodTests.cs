using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Sales;

/// <summary>Which periods a sales rebuild takes (<see cref="RebuildSalesRollups.Check"/>), and the field each refusal names.</summary>
public sealed class SalesRebuildPeriodTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 16, 40, 12, TimeSpan.Zero);

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-07T17:00:00Z")]
    [InlineData("2025-11-02T00:00:00Z", "2026-12-07T00:00:00Z")]
    [InlineData("2026-12-07T16:00:00Z", "2026-12-07T17:00:00Z")]
    [InlineData("2026-12-01T08:00:00+02:00", "2026-12-01T12:00:00+05:00")]
    public void A_period_of_whole_hours_up_to_400_days_ending_within_the_hour_is_taken(string from, string to)
    {
        var period = RebuildSalesRollups.Check(new SalesRebuildInput(At(from), At(to)), Now);
        period.From.ShouldBe(At(from));
        period.To.ShouldBe(At(to));
    }

    [Theory]
    [InlineData(null, "2026-12-01T00:00:00Z", "from")]
    [InlineData("2026-12-01T00:00:00Z", null, "to")]
    [InlineData("2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z", "to")]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z", "to")]
    [InlineData("2025-11-01T00:00:00Z", "2026-12-06T01:00:00Z", "to")]
    [InlineData("2026-12-01T00:30:00Z", "2026-12-02T00:00:00Z", "from")]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-02T00:00:00.001Z", "to")]
    [InlineData("2026-12-01T08:00:00+05:30", "2026-12-02T00:00:00Z", "from")]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-07T18:00:00Z", "to")]
    public void A_bad_period_is_refused_naming_the_field(string? from, string? to, string field)
    {
        var refused = Should.Throw<ValidationFailedException>(() =>
            RebuildSalesRollups.Check(new SalesRebuildInput(from is null ? null : At(from), to is null ? null : At(to)), Now));
        refused.Errors.Keys.ShouldBe([field]);
    }

    [Fact]
    public void No_body_is_refused_naming_both_ends() =>
        Should.Throw<ValidationFailedException>(() => RebuildSalesRollups.Check(null, Now)).Errors.Keys.ShouldBe(["from", "to"], ignoreOrder: true);
}
