using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Behaviour;

public sealed class DayRangeTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    [Fact]
    public void Without_dates_the_range_is_the_last_seven_days_with_today()
    {
        DayRange.Parse(null, null, Today).ShouldBe(new DayRange(new(2026, 12, 1), new(2026, 12, 8)));
    }

    [Fact]
    public void A_range_is_from_its_first_day_to_the_day_after_its_last()
    {
        var range = DayRange.Parse("2026-11-01", "2026-12-01", Today);

        range.ShouldBe(new DayRange(new(2026, 11, 1), new(2026, 12, 1)));
        range.Days().Count().ShouldBe(30);
    }

    [Theory]
    [InlineData("2026-12-05", "2026-12-01")]
    [InlineData("2026-12-05", "2026-12-05")]
    public void A_to_that_is_not_after_from_is_refused_naming_to(string from, string to)
    {
        var error = Should.Throw<ValidationFailedException>(() => DayRange.Parse(from, to, Today));

        error.Errors.Keys.ShouldBe(["to"]);
    }

    [Fact]
    public void More_than_a_year_is_refused_naming_to()
    {
        Should.Throw<ValidationFailedException>(() => DayRange.Parse("2025-01-01", "2026-12-01", Today)).Errors.Keys.ShouldBe(["to"]);
    }

    [Fact]
    public void Dates_that_are_not_dates_are_each_named()
    {
        var error = Should.Throw<ValidationFailedException>(() => DayRange.Parse("yesterday", "2026-13-01", Today));

        error.Errors.Keys.ShouldBe(["from", "to"], ignoreOrder: true);
    }
}
