using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Reports;

public sealed class ReportPeriodTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    [Fact]
    public void A_daily_report_covers_yesterday_from_local_midnight_to_local_midnight()
    {
        // 2026-07-15 06:00 in Berlin (UTC+2): yesterday is the 14th, 22:00 UTC on the 13th to 22:00 UTC on the 14th.
        var period = ReportPeriods.LastClosed(ReportKind.Daily, "Europe/Berlin", Utc(2026, 7, 15, 4));

        period.FirstDay.ShouldBe(new DateOnly(2026, 7, 14));
        period.From.ShouldBe(Utc(2026, 7, 13, 22));
        period.To.ShouldBe(Utc(2026, 7, 14, 22));
        period.Key.ShouldBe("2026-07-14");
    }

    [Fact]
    public void Just_after_local_midnight_yesterday_is_the_local_yesterday_not_the_utc_one()
    {
        // 00:30 on the 15th in Tokyo is 15:30 UTC on the 14th: Tokyo's yesterday is the 14th.
        ReportPeriods.LastClosed(ReportKind.Daily, "Asia/Tokyo", Utc(2026, 7, 14, 15, 30)).FirstDay.ShouldBe(new DateOnly(2026, 7, 14));
        // Half an hour earlier it is still the 14th in Tokyo, so the last closed day is the 13th.
        ReportPeriods.LastClosed(ReportKind.Daily, "Asia/Tokyo", Utc(2026, 7, 14, 14, 59)).FirstDay.ShouldBe(new DateOnly(2026, 7, 13));
    }

    [Fact]
    public void The_day_summer_time_starts_is_23_hours_long_and_the_day_it_ends_25()
    {
        var spring = ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 3, 29), "Europe/Berlin");
        (spring.To - spring.From).ShouldBe(TimeSpan.FromHours(23));
        spring.From.ShouldBe(Utc(2026, 3, 28, 23));

        var autumn = ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 10, 25), "Europe/Berlin");
        (autumn.To - autumn.From).ShouldBe(TimeSpan.FromHours(25));
        autumn.To.ShouldBe(Utc(2026, 10, 25, 23));
    }

    [Fact]
    public void A_midnight_that_summer_time_skips_starts_the_day_at_the_first_local_time_that_exists()
    {
        // Santiago (Chile) moves its clocks from 00:00 to 01:00 on 2026-09-06: the day starts at 01:00 local (-03:00).
        var day = ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 9, 6), "America/Santiago");
        day.From.ShouldBe(Utc(2026, 9, 6, 4));
        (day.To - day.From).ShouldBe(TimeSpan.FromHours(23));
    }

    [Fact]
    public void A_weekly_report_covers_the_last_iso_week_monday_to_monday()
    {
        // Wednesday 2026-12-09 in UTC: last week is Monday 2026-11-30 to Monday 2026-12-07.
        var week = ReportPeriods.LastClosed(ReportKind.Weekly, "UTC", Utc(2026, 12, 9, 12));
        week.FirstDay.ShouldBe(new DateOnly(2026, 11, 30));
        week.EndDay.ShouldBe(new DateOnly(2026, 12, 7));
        week.FirstDay.DayOfWeek.ShouldBe(DayOfWeek.Monday);

        // On a Monday, the week that just ended is the one before it.
        ReportPeriods.LastClosed(ReportKind.Weekly, "UTC", Utc(2026, 12, 7, 0, 1)).FirstDay.ShouldBe(new DateOnly(2026, 11, 30));
        // On a Sunday, the week before the current one.
        ReportPeriods.LastClosed(ReportKind.Weekly, "UTC", Utc(2026, 12, 6, 23)).FirstDay.ShouldBe(new DateOnly(2026, 11, 23));
    }

    [Fact]
    public void A_monthly_report_covers_last_month_and_compares_with_the_month_before_however_long()
    {
        var march = ReportPeriods.LastClosed(ReportKind.Monthly, "Europe/Berlin", Utc(2026, 4, 1, 9));
        march.FirstDay.ShouldBe(new DateOnly(2026, 3, 1));
        march.EndDay.ShouldBe(new DateOnly(2026, 4, 1));
        march.From.ShouldBe(Utc(2026, 2, 28, 23)); // CET
        march.To.ShouldBe(Utc(2026, 3, 31, 22));   // CEST

        var february = ReportPeriods.Previous(march);
        february.FirstDay.ShouldBe(new DateOnly(2026, 2, 1));
        february.EndDay.ShouldBe(new DateOnly(2026, 3, 1));
        february.To.ShouldBe(march.From);
    }

    [Fact]
    public void The_previous_day_and_week_end_where_the_period_starts()
    {
        var day = ReportPeriods.Of(ReportKind.Daily, new DateOnly(2026, 3, 30), "Europe/Berlin");
        var before = ReportPeriods.Previous(day);
        before.FirstDay.ShouldBe(new DateOnly(2026, 3, 29));
        before.To.ShouldBe(day.From);

        var week = ReportPeriods.Of(ReportKind.Weekly, new DateOnly(2026, 11, 30), "UTC");
        ReportPeriods.Previous(week).FirstDay.ShouldBe(new DateOnly(2026, 11, 23));
    }

    [Fact]
    public void A_custom_range_is_compared_with_as_many_days_just_before_it()
    {
        var v = new Validator();
        var range = ReportPeriods.Parse(ReportKind.Daily, "2026-11-10/2026-11-20", "UTC", Utc(2026, 12, 1), "period", v)!;
        v.IsValid.ShouldBeTrue();
        range.IsCalendarPeriod.ShouldBeFalse();
        range.Key.ShouldBe("2026-11-10_2026-11-20");
        var before = ReportPeriods.Previous(range);
        before.FirstDay.ShouldBe(new DateOnly(2026, 10, 31));
        before.EndDay.ShouldBe(new DateOnly(2026, 11, 10));
    }

    [Theory]
    [InlineData("2026-13-01", "is not a day")]
    [InlineData("yesterday", "is not a day")]
    [InlineData("2026-11-20/2026-11-10", "ends (2026-11-10) before it starts (2026-11-20)")]
    [InlineData("2026-11-20/2026-11-20", "ends (2026-11-20) before it starts (2026-11-20)")]
    [InlineData("2026-12-01", "has not ended yet")]
    [InlineData("2026-11-25/2026-12-05", "has not ended yet")]
    [InlineData("", "is required")]
    [InlineData("2024-01-01/2026-01-01", "at most 366")]
    public void A_bad_period_is_refused_naming_the_field(string text, string message)
    {
        var v = new Validator();
        ReportPeriods.Parse(ReportKind.Daily, text, "UTC", Utc(2026, 12, 1, 12), "period", v).ShouldBeNull();

        var error = Should.Throw<ValidationFailedException>(v.ThrowIfInvalid);
        error.Errors.Keys.ShouldBe(["period"]);
        error.Errors["period"].Single().ShouldContain(message);
    }

    [Fact]
    public void A_weekly_period_must_start_on_a_monday_and_a_monthly_one_on_the_first()
    {
        var v = new Validator();
        ReportPeriods.Parse(ReportKind.Weekly, "2026-11-11", "UTC", Utc(2026, 12, 9), "period", v).ShouldBeNull();
        ReportPeriods.Parse(ReportKind.Monthly, "2026-11-11", "UTC", Utc(2026, 12, 9), "period", v).ShouldBeNull();
        Should.Throw<ValidationFailedException>(v.ThrowIfInvalid).Errors["period"].Length.ShouldBe(2);

        var ok = new Validator();
        ReportPeriods.Parse(ReportKind.Weekly, "2026-11-09", "UTC", Utc(2026, 12, 9), "period", ok)!.EndDay.ShouldBe(new DateOnly(2026, 11, 16));
        ReportPeriods.Parse(ReportKind.Monthly, "2026-11-01", "UTC", Utc(2026, 12, 9), "period", ok)!.EndDay.ShouldBe(new DateOnly(2026, 12, 1));
        ok.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void The_day_that_ended_a_moment_ago_may_be_rendered_and_today_may_not()
    {
        var v = new Validator();
        ReportPeriods.Parse(ReportKind.Daily, "2026-11-30", "Europe/Berlin", Utc(2026, 11, 30, 23), "period", v).ShouldNotBeNull();
        ReportPeriods.Parse(ReportKind.Daily, "2026-11-30", "Europe/Berlin", Utc(2026, 11, 30, 22, 59), "period", v).ShouldBeNull();
        v.IsValid.ShouldBeFalse();
    }
}
