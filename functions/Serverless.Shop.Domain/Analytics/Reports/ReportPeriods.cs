using System.Globalization;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Analytics.Reports;

/// <summary>Which periodic business report: yesterday, the last ISO week (Monday to Sunday) or the last calendar month.</summary>
public enum ReportKind { Daily, Weekly, Monthly }

/// <summary>
/// The days a report covers in its time zone, [<see cref="FirstDay"/>, <see cref="EndDay"/>), and the same range as a
/// half-open UTC range [<see cref="From"/>, <see cref="To"/>): local midnight to local midnight, so a day with a DST
/// change is 23 or 25 hours long.
/// </summary>
public sealed record ReportPeriod(ReportKind Kind, DateOnly FirstDay, DateOnly EndDay, string TimeZone, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>True for a period of the kind's own length (a day, an ISO week, a month); false for a custom range of days.</summary>
    public bool IsCalendarPeriod => EndDay == ReportPeriods.EndOf(Kind, FirstDay) && FirstDay == ReportPeriods.StartOf(Kind, FirstDay);

    /// <summary>How the period is named in blob paths and the API: its first day, or "first/end" for a custom range.</summary>
    public string Key => IsCalendarPeriod ? Day(FirstDay) : $"{Day(FirstDay)}_{Day(EndDay)}";

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// How report periods are cut: in the report's IANA time zone, from local midnight to local midnight, turned into UTC
/// ranges. A midnight a DST change skips starts the day at the first local time that exists; a midnight that happens
/// twice starts it at the first of the two. Tests: ReportPeriodTests.
/// </summary>
public static class ReportPeriods
{
    /// <summary>The longest custom range an on-demand report may cover.</summary>
    public const int MaximumCustomDays = 366;

    public static TimeZoneInfo Zone(string timeZone) => TimeZoneInfo.FindSystemTimeZoneById(timeZone);

    /// <summary>True when <paramref name="timeZone"/> names a time zone this machine knows (an IANA id such as Europe/Berlin).</summary>
    public static bool IsKnownZone(string timeZone)
    {
        try { _ = Zone(timeZone); return true; }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return false; }
    }

    /// <summary>The first day of the period of <paramref name="kind"/> that holds <paramref name="day"/>.</summary>
    public static DateOnly StartOf(ReportKind kind, DateOnly day) => kind switch
    {
        ReportKind.Daily => day,
        ReportKind.Weekly => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), // ISO weeks start on Monday
        ReportKind.Monthly => new DateOnly(day.Year, day.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The day after the period of <paramref name="kind"/> that starts on <paramref name="first"/>.</summary>
    public static DateOnly EndOf(ReportKind kind, DateOnly first) => kind switch
    {
        ReportKind.Daily => first.AddDays(1),
        ReportKind.Weekly => first.AddDays(7),
        ReportKind.Monthly => first.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The period of <paramref name="kind"/> starting on <paramref name="first"/> (which must be a period's first day).</summary>
    public static ReportPeriod Of(ReportKind kind, DateOnly first, string timeZone) => Range(kind, first, EndOf(kind, first), timeZone);

    /// <summary>The days [first, end) in <paramref name="timeZone"/>.</summary>
    public static ReportPeriod Range(ReportKind kind, DateOnly first, DateOnly end, string timeZone)
    {
        var zone = Zone(timeZone);
        return new ReportPeriod(kind, first, end, timeZone, StartOfDay(first, zone), StartOfDay(end, zone));
    }

    /// <summary>The latest period of <paramref name="kind"/> that has ended at <paramref name="now"/>: yesterday, last week, last month (local).</summary>
    public static ReportPeriod LastClosed(ReportKind kind, string timeZone, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(timeZone)).DateTime);
        var current = StartOf(kind, today);
        var first = kind switch
        {
            ReportKind.Daily => current.AddDays(-1),
            ReportKind.Weekly => current.AddDays(-7),
            _ => current.AddMonths(-1),
        };
        return Of(kind, first, timeZone);
    }

    /// <summary>
    /// What a report is compared with: the period of the same kind just before (the month before, however long), or for
    /// a custom range the same number of days just before it.
    /// </summary>
    public static ReportPeriod Previous(ReportPeriod period)
    {
        if (period.IsCalendarPeriod)
        {
            var first = period.Kind == ReportKind.Monthly ? period.FirstDay.AddMonths(-1) : period.FirstDay.AddDays(-(period.EndDay.DayNumber - period.FirstDay.DayNumber));
            return Of(period.Kind, first, period.TimeZone);
        }
        var days = period.EndDay.DayNumber - period.FirstDay.DayNumber;
        return Range(period.Kind, period.FirstDay.AddDays(-days), period.FirstDay, period.TimeZone);
    }

    /// <summary>
    /// Reads the period an on-demand report asks for: <c>yyyy-MM-dd</c>, the first day of a period of the kind (a Monday
    /// for weekly, the 1st for monthly), or <c>yyyy-MM-dd/yyyy-MM-dd</c>, a custom range of whole days with its end day
    /// excluded. The period must have ended at <paramref name="now"/>. Errors go to <paramref name="field"/>.
    /// </summary>
    public static ReportPeriod? Parse(ReportKind kind, string? text, string timeZone, DateTimeOffset now, string field, Validator v)
    {
        if (!v.Check(!string.IsNullOrWhiteSpace(text), field, "is required: the period's first day (yyyy-MM-dd) or a range of days (yyyy-MM-dd/yyyy-MM-dd, end day excluded).")) return null;
        var parts = text!.Trim().Split('/');
        if (parts.Length > 2 || !TryDay(parts[0], out var first) || (parts.Length == 2 && !TryDay(parts[1], out _)))
        {
            v.Add(field, $"'{text}' is not a day (yyyy-MM-dd) or a range of days (yyyy-MM-dd/yyyy-MM-dd).");
            return null;
        }

        ReportPeriod period;
        if (parts.Length == 1)
        {
            var start = StartOf(kind, first);
            if (!v.Check(start == first, field, kind == ReportKind.Weekly
                    ? $"a weekly report starts on a Monday ({start:yyyy-MM-dd} starts the ISO week of {first:yyyy-MM-dd})."
                    : $"a monthly report starts on the 1st ({start:yyyy-MM-dd} starts the month of {first:yyyy-MM-dd}).")) return null;
            period = Of(kind, first, timeZone);
        }
        else
        {
            TryDay(parts[1], out var end);
            if (!v.Check(end > first, field, $"ends ({end:yyyy-MM-dd}) before it starts ({first:yyyy-MM-dd}): the end day is excluded, so it must come after the first.")) return null;
            if (!v.Check(end.DayNumber - first.DayNumber <= MaximumCustomDays, field, $"covers {end.DayNumber - first.DayNumber} days; at most {MaximumCustomDays}.")) return null;
            period = Range(kind, first, end, timeZone);
        }

        return v.Check(period.To <= now, field, $"has not ended yet: it ends at {period.To:yyyy-MM-dd'T'HH:mm:ss'Z'} ({timeZone}), a report covers whole days that are over.")
            ? period
            : null;
    }

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    // Local midnight of a day as UTC. A skipped midnight (DST starting at 00:00, as in Santiago or Beirut) moves to the first
    // minute that exists; a repeated one takes the earlier instant (the larger offset).
    private static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var guard = 0;
        while (zone.IsInvalidTime(local) && guard++ < 24 * 60) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
