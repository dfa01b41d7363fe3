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

        var (content, products, recommendations) = CheckMessage(input.Content, input.Products, input.Recommendations, "", v);

        return (input.Name?.Trim() ?? "", new AudienceSpec([.. segments.Distinct(StringComparer.Ordinal)], newsletter), content,
            products, input.PersonalOffer ?? false, recommendations);
    }

    /// <summary>
    /// Checks what an email says: the three templates (required, within their lengths, parsing), the products block and
    /// the number of recommendations. Shared by campaigns and the flows' steps; <paramref name="prefix"/> is where the
    /// message sits in the request ("" for a campaign, "steps[0].message" for a flow step).
    /// </summary>
    public static (CampaignContent Content, ProductsBlock Products, int Recommendations) CheckMessage(
        ContentInput? input, ProductsInput? productsInput, int? recommendationsInput, string prefix, Validator v)
    {
        string Field(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
        var content = new CampaignContent(input?.Subject ?? "", input?.Html ?? "", input?.Text ?? "");
        if (v.Required(input, Field("content")))
        {
            if (v.Required(input!.Subject, Field("content.subject"))) v.MaxLength(content.Subject, MaximumSubjectLength, Field("content.subject"));
            if (v.Required(input.Html, Field("content.html"))) v.MaxLength(content.Html, MaximumBodyLength, Field("content.html"));
            if (v.Required(input.Text, Field("content.text"))) v.MaxLength(content.Text, MaximumBodyLength, Field("content.text"));
            if (!v.HasErrorsUnder(Field("content"))) CampaignTemplates.CheckSyntax(content, v, prefix);
        }

        var ids = productsInput?.ProductIds ?? [];
        var newest = productsInput?.Newest ?? 0;
        v.Check(ids.Count <= MaximumNamedProducts, Field("products.productIds"), $"may name at most {MaximumNamedProducts} products.");
        for (var i = 0; i < ids.Count; i++) v.Check(Ids.IsWellFormed(ids[i]), Field($"products.productIds[{i}]"), "is not a product id.");
        v.Check(newest is >= 0 and <= MaximumNewest, Field("products.newest"), $"must be between 0 and {MaximumNewest}.");
        v.Check(ids.Count == 0 || newest == 0, Field("products"), "takes either productIds or newest, not both.");
        var recommendations = recommendationsInput ?? 0;
        v.Check(recommendations is >= 0 and <= MaximumRecommendations, Field("recommendations"), $"must be between 0 and {MaximumRecommendations}.");
        return (content, new ProductsBlock([.. ids.Distinct(StringComparer.Ordinal)], newest), recommendations);
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
