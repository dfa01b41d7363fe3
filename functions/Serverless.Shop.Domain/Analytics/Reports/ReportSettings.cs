using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.Analytics.Reports;

/// <summary>The attachment a report email carries with the report's tables.</summary>
public enum ReportFormat { Csv, Xlsx }

/// <summary>How one periodic report is set up: off until an admin switches it on and gives it recipients.</summary>
public sealed record ReportSettings
{
    public required ReportKind Kind { get; init; }
    public bool Enabled { get; init; }
    public IReadOnlyList<string> Recipients { get; init; } = [];
    public ReportFormat Format { get; init; } = ReportFormat.Csv;
    /// <summary>The IANA time zone the report's days are cut in.</summary>
    public string TimeZone { get; init; } = "UTC";
    public DateTimeOffset? UpdatedAt { get; init; }
    public string? UpdatedBy { get; init; }

    public static ReportSettings Defaults(ReportKind kind, string timeZone) => new() { Kind = kind, TimeZone = timeZone };
}

/// <summary>What an admin sends to set a report up. <c>enabled</c> is required; <c>recipients</c> too while it is on.</summary>
public sealed record ReportSettingsInput(bool? Enabled, IReadOnlyList<string?>? Recipients, string? Format, string? TimeZone);

/// <summary>The shop's default time zone for reports (<c>Analytics:Reports:TimeZone</c>, default UTC).</summary>
public sealed record ReportDefaults(string TimeZone);

/// <summary>Each report's settings, one document each, versioned by an ETag.</summary>
public interface IReportSettingsStore
{
    Task<Versioned<ReportSettings>?> FindAsync(ReportKind kind, CancellationToken ct);

    /// <summary>Saves with a create (<paramref name="expectedVersion"/> null) or a replace on that version.</summary>
    /// <exception cref="StaleVersionException">Someone saved it first.</exception>
    Task<string> SaveAsync(ReportSettings settings, string? expectedVersion, CancellationToken ct);
}

/// <summary>
/// The periodic reports' settings as admins run them (docs/analytics.md#reports): list, read, switch on or off, address
/// (1 to 20 recipients), choose the attachment's format and the time zone. ETag / If-Match as the flows API.
/// Tests: ManageReportsTests, ReportSettingsApiTests.
/// </summary>
public sealed class ManageReports(IReportSettingsStore store, ReportDefaults defaults, TimeProvider clock)
{
    public const int MaximumRecipients = 20;

    /// <summary>The ETag of a report nobody set up yet (its defaults: off).</summary>
    public const string NeverSaved = "\"defaults\"";

    public async Task<IReadOnlyList<ReportSettings>> ListAsync(CancellationToken ct)
    {
        var all = new List<ReportSettings>();
        foreach (var kind in Enum.GetValues<ReportKind>())
            all.Add((await store.FindAsync(kind, ct))?.Value ?? ReportSettings.Defaults(kind, defaults.TimeZone));
        return all;
    }

    /// <exception cref="ResourceNotFoundException">Not daily, weekly or monthly.</exception>
    public async Task<Versioned<ReportSettings>> GetAsync(string kind, CancellationToken ct)
    {
        var k = ParseKind(kind);
        return await store.FindAsync(k, ct) ?? new(ReportSettings.Defaults(k, defaults.TimeZone), NeverSaved);
    }

    /// <summary>The settings the timer reads: the saved ones, or the defaults (off).</summary>
    public async Task<ReportSettings> CurrentAsync(ReportKind kind, CancellationToken ct) =>
        (await store.FindAsync(kind, ct))?.Value ?? ReportSettings.Defaults(kind, defaults.TimeZone);

    /// <summary>Replaces a report's settings. Once saved, a change needs its ETag in If-Match (428 without, 412 when stale).</summary>
    public async Task<Versioned<ReportSettings>> UpdateAsync(string kind, ReportSettingsInput input, string? ifMatch, Actor actor, CancellationToken ct)
    {
        var k = ParseKind(kind);
        var saved = await store.FindAsync(k, ct);
        if (saved is not null && ifMatch is null) throw new VersionRequiredException();
        if (ifMatch is not null && ifMatch != (saved?.Version ?? NeverSaved)) throw new StaleVersionException("Report settings");
        var current = saved?.Value ?? ReportSettings.Defaults(k, defaults.TimeZone);

        var v = new Validator();
        v.Required(input.Enabled, "enabled");
        var recipients = input.Recipients is null ? [.. current.Recipients] : CheckRecipients(input.Recipients, v);
        if (input.Enabled == true && !v.HasErrorsUnder("recipients"))
            v.Check(recipients.Count > 0, "recipients", $"must hold 1 to {MaximumRecipients} email addresses while the report is on.");

        var format = current.Format;
        if (input.Format is not null)
            v.Check(Enum.TryParse(input.Format, ignoreCase: true, out format) && Enum.IsDefined(format) && !int.TryParse(input.Format, out _),
                "format", $"must be csv or xlsx (was '{input.Format}').");

        var zone = current.TimeZone;
        if (input.TimeZone is not null)
        {
            zone = input.TimeZone.Trim();
            v.Check(zone.Length is > 0 and <= 64 && ReportPeriods.IsKnownZone(zone), "timeZone", $"'{input.TimeZone}' is not a time zone (an IANA id such as Europe/Berlin).");
        }
        v.ThrowIfInvalid();

        var settings = new ReportSettings
        {
            Kind = k, Enabled = input.Enabled!.Value, Recipients = recipients, Format = format, TimeZone = zone,
            UpdatedAt = clock.GetUtcNow(), UpdatedBy = actor.Id,
        };
        return new(settings, await store.SaveAsync(settings, saved?.Version, ct));
    }

    /// <exception cref="ResourceNotFoundException">Not daily, weekly or monthly.</exception>
    public static ReportKind ParseKind(string kind) =>
        kind is "daily" or "weekly" or "monthly" ? Enum.Parse<ReportKind>(kind, ignoreCase: true) : throw new ResourceNotFoundException("Report", kind);

    private static List<string> CheckRecipients(IReadOnlyList<string?> input, Validator v)
    {
        // None is allowed while the report is off (checked by the caller when it is on).
        if (!v.Check(input.Count <= MaximumRecipients, "recipients", $"must hold 1 to {MaximumRecipients} email addresses (held {input.Count}).")) return [];
        for (var i = 0; i < input.Count; i++) MarketingContacts.CheckEmail(input[i], $"recipients[{i}]", v);
        return [.. input.Select(r => r?.Trim() ?? "").Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
