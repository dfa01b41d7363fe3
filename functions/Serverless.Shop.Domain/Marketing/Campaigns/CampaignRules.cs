using NCrontab;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.Marketing.Campaigns;

/// <summary>The rules of a campaign's input and schedule. Tests: CampaignRulesTests.</summary>
public static class CampaignRules
{
    public const int MaximumNameLength = 200;
    public const int MaximumSubjectLength = 300;
    public const int MaximumBodyLength = 200_000;
    public const int MaximumNamedProducts = 24;
    public const int MaximumNewest = 24;
    public const int MaximumRecommendations = 12;

    /// <summary>Checks every field of the input (all errors at once); the templates' syntax too. Returns the parts, valid when <paramref name="v"/> is.</summary>
    public static (string Name, AudienceSpec Audience, CampaignContent Content, ProductsBlock Products, bool PersonalOffer, int Recommendations) Check(
        CampaignInput input, IReadOnlyCollection<string> knownSegments, Validator v)
    {
        if (v.Required(input.Name, "name")) v.MaxLength(input.Name, MaximumNameLength, "name");

        var segments = input.Audience?.Segments?.Select(s => s?.Trim() ?? "").ToList() ?? [];
        var newsletter = input.Audience?.NewsletterSubscribers ?? false;
        if (v.Required(input.Audience, "audience"))
        {
            for (var i = 0; i < segments.Count; i++)
                v.Check(knownSegments.Contains(segments[i], StringComparer.Ordinal), $"audience.segments[{i}]",
                    $"is not a segment of this shop ({(knownSegments.Count == 0 ? "none is set in Loyalty:Segments" : string.Join(", ", knownSegments))}).");
            v.Check(segments.Count > 0 || newsletter, "audience", "names nobody: give at least one segment, or newsletterSubscribers: true.");
        }

        var content = new CampaignContent(input.Content?.Subject ?? "", input.Content?.Html ?? "", input.Content?.Text ?? "");
        if (v.Required(input.Content, "content"))
        {
            if (v.Required(input.Content!.Subject, "content.subject")) v.MaxLength(content.Subject, MaximumSubjectLength, "content.subject");
            if (v.Required(input.Content.Html, "content.html")) v.MaxLength(content.Html, MaximumBodyLength, "content.html");
            if (v.Required(input.Content.Text, "content.text")) v.MaxLength(content.Text, MaximumBodyLength, "content.text");
            if (!v.HasErrorsUnder("content")) CampaignTemplates.CheckSyntax(content, v);
        }

        var ids = input.Products?.ProductIds ?? [];
        var newest = input.Products?.Newest ?? 0;
        v.Check(ids.Count <= MaximumNamedProducts, "products.productIds", $"may name at most {MaximumNamedProducts} products.");
        for (var i = 0; i < ids.Count; i++) v.Check(Ids.IsWellFormed(ids[i]), $"products.productIds[{i}]", "is not a product id.");
        v.Check(newest is >= 0 and <= MaximumNewest, "products.newest", $"must be between 0 and {MaximumNewest}.");
        v.Check(ids.Count == 0 || newest == 0, "products", "takes either productIds or newest, not both.");
        var recommendations = input.Recommendations ?? 0;
        v.Check(recommendations is >= 0 and <= MaximumRecommendations, "recommendations", $"must be between 0 and {MaximumRecommendations}.");

        return (input.Name?.Trim() ?? "", new AudienceSpec([.. segments.Distinct(StringComparer.Ordinal)], newsletter), content,
            new ProductsBlock([.. ids.Distinct(StringComparer.Ordinal)], newest), input.PersonalOffer ?? false, recommendations);
    }

    /// <summary>Checks a schedule request: a send time in the future, or a cron that parses, occurs, and a time zone that exists. Returns the schedule and its first occurrence.</summary>
    public static (CampaignSchedule Schedule, DateTimeOffset First) CheckSchedule(ScheduleInput input, DateTimeOffset now, Validator v)
    {
        if (input.SendAt is null && string.IsNullOrWhiteSpace(input.Schedule))
        {
            v.Add("sendAt", "is required, or a cron schedule for a recurring campaign.");
            return default;
        }
        if (input.SendAt is { } at)
        {
            v.Check(string.IsNullOrWhiteSpace(input.Schedule), "schedule", "goes without sendAt: a campaign is sent once at sendAt, or on its schedule.");
            v.Check(at > now, "sendAt", $"is in the past (now is {now:O}).");
            return (new CampaignSchedule(at.ToUniversalTime(), null, null), at.ToUniversalTime());
        }

        var cron = input.Schedule!.Trim();
        var zoneId = string.IsNullOrWhiteSpace(input.TimeZone) ? "UTC" : input.TimeZone.Trim();
        var parsed = CrontabSchedule.TryParse(cron);
        v.Check(parsed is not null && cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 5, "schedule",
            "is not a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. \"0 9 * * MON\".");
        TimeZoneInfo? zone = null;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { v.Add("timeZone", $"'{zoneId}' is not a time zone (an IANA id such as Europe/Amsterdam)."); }
        if (!v.IsValid) return default;

        var schedule = new CampaignSchedule(null, cron, zone!.Id);
        var first = NextOccurrence(schedule, now);
        v.Check(first is not null, "schedule", "never occurs.");
        return (schedule, first ?? now);
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>: the send time once, or the cron's next time in its
    /// time zone (a local time skipped by a clock change moves to the cron's next valid time). Null: none.
    /// </summary>
    public static DateTimeOffset? NextOccurrence(CampaignSchedule schedule, DateTimeOffset after)
    {
        if (!schedule.IsRecurring) return schedule.SendAt > after ? schedule.SendAt : null;
        var cron = CrontabSchedule.Parse(schedule.Cron!);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone ?? "UTC");
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var horizon = local.AddYears(5);
        while (true)
        {
            var next = cron.GetNextOccurrence(local, horizon);
            if (next >= horizon) return null;
            if (!zone.IsInvalidTime(next))
            {
                var occurrence = new DateTimeOffset(next, zone.GetUtcOffset(next)).ToUniversalTime();
                if (occurrence > after) return occurrence;
            }
            local = next;
        }
    }

    /// <summary>The key an occurrence's claims are filed under: its UTC time, to the second.</summary>
    public static string OccurrenceKey(DateTimeOffset occurrence) => occurrence.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
