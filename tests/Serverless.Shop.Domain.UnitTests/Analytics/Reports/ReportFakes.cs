using Serverless.Shop.Domain.Analytics.Behaviour;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Analytics.Sales;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Reports;

/// <summary>
/// Sales rollups in memory: hourly buckets per dimension key and currency. Answers a query by summing the buckets in
/// [From, To), as the real rollups do, and records every query it was asked.
/// </summary>
internal sealed class InMemorySalesAnalytics : ISalesAnalytics
{
    private readonly List<(SalesDimension Dimension, string? Key, DateTimeOffset Hour, string Currency, SalesMeasures Measures)> buckets = [];
    public List<SalesQuery> Queries { get; } = [];

    public InMemorySalesAnalytics Add(SalesDimension dimension, string? key, DateTimeOffset hour, string currency, SalesMeasures measures)
    {
        buckets.Add((dimension, key, hour, currency, measures));
        return this;
    }

    /// <summary>An order's worth of sales in the Total dimension.</summary>
    public InMemorySalesAnalytics Sale(DateTimeOffset at, string currency, long gross, long discounts = 0, long refunds = 0, bool newCustomer = true) =>
        Add(SalesDimension.Total, null, Hour(at), currency, new SalesMeasures(gross, discounts, 0, 0, refunds, 1, 1, newCustomer ? 1 : 0, newCustomer ? 0 : 1));

    public static DateTimeOffset Hour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);

    public Task<SalesAnswer> QueryAsync(SalesQuery query, CancellationToken ct)
    {
        Queries.Add(query);
        var inRange = buckets.Where(b => b.Dimension == query.GroupBy && b.Hour >= query.From && b.Hour < query.To && (query.Currency is null || b.Currency == query.Currency));
        var rows = inRange
            .GroupBy(b => (b.Key, Period: query.Grain switch
            {
                SalesTimeGrain.Hour => (DateTimeOffset?)b.Hour,
                SalesTimeGrain.Day => new DateTimeOffset(b.Hour.Date, TimeSpan.Zero),
                _ => null,
            }, b.Currency))
            .Select(g => new SalesRow(g.Key.Key, g.Key.Period, g.Key.Currency, g.Aggregate(SalesMeasures.Zero, (s, b) => s.Plus(b.Measures))))
            .ToList();
        if (query.Top is { } top)
            rows = [.. rows.GroupBy(r => r.Currency).SelectMany(g => g.OrderByDescending(r => r.Measures.Net).Take(top))];
        return Task.FromResult(new SalesAnswer(query, rows));
    }
}

internal sealed class InMemoryBehaviourAnalytics : IBehaviourAnalytics
{
    public FunnelCounts Funnel { get; set; } = new(0, 0, 0, 0);
    public List<AbandonedCartDay> Days { get; } = [];
    public List<(DateOnly From, DateOnly To)> Asked { get; } = [];

    public Task<FunnelCounts> FunnelAsync(DateOnly from, DateOnly to, string? productId, CancellationToken ct)
    {
        Asked.Add((from, to));
        return Task.FromResult(Funnel);
    }

    public Task<IReadOnlyList<AbandonedCartDay>> AbandonedCartsAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AbandonedCartDay>>([.. Days.Where(d => d.Day >= from && d.Day < to)]);
}

internal sealed class FixedLowStock(params RunningOutOfStock[] items) : ILowStockReader
{
    public Task<IReadOnlyList<RunningOutOfStock>> ReadAsync(int max, CancellationToken ct) => Task.FromResult<IReadOnlyList<RunningOutOfStock>>([.. items.Take(max)]);
}

internal sealed class InMemoryReportSettings : IReportSettingsStore
{
    private readonly Dictionary<ReportKind, Versioned<ReportSettings>> saved = [];
    private int version;

    public Task<Versioned<ReportSettings>?> FindAsync(ReportKind kind, CancellationToken ct) => Task.FromResult(saved.GetValueOrDefault(kind));

    public Task<string> SaveAsync(ReportSettings settings, string? expectedVersion, CancellationToken ct)
    {
        var current = saved.GetValueOrDefault(settings.Kind);
        if (current?.Version != expectedVersion) throw new StaleVersionException("Report settings");
        var v = $"\"v{++version}\"";
        saved[settings.Kind] = new(settings, v);
        return Task.FromResult(v);
    }
}

internal sealed class InMemoryReportDeliveries : IReportDeliveries
{
    public Dictionary<(ReportKind, string), Versioned<ReportDelivery>> Records { get; } = [];
    private int version;

    public Task<Versioned<ReportDelivery>?> FindAsync(ReportKind kind, string periodKey, CancellationToken ct) =>
        Task.FromResult(Records.GetValueOrDefault((kind, periodKey)));

    public Task<string?> TrySaveAsync(ReportDelivery delivery, string? expectedVersion, CancellationToken ct)
    {
        var current = Records.GetValueOrDefault((delivery.Kind, delivery.PeriodKey));
        if (current?.Version != expectedVersion) return Task.FromResult<string?>(null);
        var v = $"\"d{++version}\"";
        Records[(delivery.Kind, delivery.PeriodKey)] = new(delivery, v);
        return Task.FromResult<string?>(v);
    }
}

/// <summary>Renders a report to a recognisable stub: the subject is the report's title, the HTML references one chart.</summary>
internal sealed class RecordingRenderer : IReportRenderer
{
    public List<BusinessReport> Rendered { get; } = [];
    /// <summary>Runs while the first report is being rendered (another timer run starting meanwhile).</summary>
    public Action? WhileRendering { get; set; }

    public RenderedReport Render(BusinessReport report, ReportFormat format)
    {
        Rendered.Add(report);
        var meanwhile = WhileRendering;
        WhileRendering = null;
        meanwhile?.Invoke();
        return new RenderedReport(report.Title, "<img src=\"cid:chart.png\">", report.Title, [new ReportFile("chart.png", "image/png", [1, 2, 3])],
            new ReportFile(format == ReportFormat.Csv ? "report.csv" : "report.xlsx", "text/csv", [4]));
    }
}

internal sealed class RecordingArchive : IReportArchive
{
    public List<(ReportKind Kind, string Period)> Saved { get; } = [];
    /// <summary>Set to stop the process right after the archive is written (the run "is killed").</summary>
    public bool KillAfterSave { get; set; }

    public Task SaveAsync(ReportKind kind, string periodKey, RenderedReport report, CancellationToken ct)
    {
        Saved.Add((kind, periodKey));
        if (KillAfterSave) throw new OperationCanceledException("killed after archiving");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ArchivedReport>> ListAsync(ReportKind kind, CancellationToken ct) => Task.FromResult<IReadOnlyList<ArchivedReport>>([]);
}

internal sealed class RecordingEmail : IEmailSender
{
    public List<EmailMessage> Sent { get; } = [];
    public Exception? FailWith { get; set; }

    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        if (FailWith is { } e) throw e;
        Sent.Add(message);
        return Task.CompletedTask;
    }
}

internal sealed class ReportClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Names by dimension and key, as a test sets them; what a test did not name stays unnamed (a deleted thing).</summary>
internal sealed class FixedSalesNames : ISalesNames
{
    public Dictionary<(SalesDimension, string), string> Names { get; } = [];

    public FixedSalesNames Name(SalesDimension dimension, string key, string name)
    {
        Names[(dimension, key)] = name;
        return this;
    }

    public Task<IReadOnlyDictionary<string, string>> NamesAsync(SalesDimension dimension, IReadOnlyCollection<string> keys, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(keys.Where(k => Names.ContainsKey((dimension, k))).ToDictionary(k => k, k => Names[(dimension, k)]));
}
