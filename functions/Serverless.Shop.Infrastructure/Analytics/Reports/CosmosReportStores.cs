using System.Net;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>
/// The <c>analytics-reports</c> container (partition key /id): one settings document per report
/// <c>{ id: "settings:daily", type: "report-settings", settings }</c> and one delivery record per report and period
/// <c>{ id: "delivery:daily:2026-12-06", type: "report-delivery", delivery }</c>. Each is its own partition, so every
/// change is one conditional write on one item.
/// </summary>
internal static class ReportsContainer
{
    public const string Name = "analytics-reports";

    /// <summary>The container, from the shop's database (taken from a container every deployment has).</summary>
    public static Container Of(ShopContainers containers) => containers.DataKeys.Database.GetContainer(Name);

    public static async Task<Versioned<T>?> FindAsync<T>(Container container, string id, CancellationToken ct) where T : class
    {
        try
        {
            var response = await container.ReadItemAsync<Document<T>>(id, new PartitionKey(id), cancellationToken: ct);
            return new(response.Resource.Value, response.ETag);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    /// <summary>Create when <paramref name="expectedVersion"/> is null, else replace on it; null when someone else wrote first.</summary>
    public static async Task<string?> TrySaveAsync<T>(Container container, string id, string type, T value, string? expectedVersion, CancellationToken ct)
    {
        var document = new Document<T> { Id = id, Type = type, Value = value };
        try
        {
            return expectedVersion is null
                ? (await container.CreateItemAsync(document, new PartitionKey(id), new ItemRequestOptions { EnableContentResponseOnWrite = false }, ct)).ETag
                : (await container.ReplaceItemAsync(document, id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = expectedVersion, EnableContentResponseOnWrite = false }, ct)).ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.Conflict) || e.Is(HttpStatusCode.PreconditionFailed) || e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    internal sealed record Document<T>
    {
        public required string Id { get; init; }
        public required string Type { get; init; }
        public required T Value { get; init; }
    }
}

/// <summary>Each report's settings as one document. Tests: ReportSettingsApiTests.</summary>
public sealed class CosmosReportSettingsStore(ShopContainers containers) : IReportSettingsStore
{
    private Container Container => ReportsContainer.Of(containers);

    public static string DocumentId(ReportKind kind) => "settings:" + kind.ToString().ToLowerInvariant();

    public Task<Versioned<ReportSettings>?> FindAsync(ReportKind kind, CancellationToken ct) =>
        ReportsContainer.FindAsync<ReportSettings>(Container, DocumentId(kind), ct);

    public async Task<string> SaveAsync(ReportSettings settings, string? expectedVersion, CancellationToken ct) =>
        await ReportsContainer.TrySaveAsync(Container, DocumentId(settings.Kind), "report-settings", settings, expectedVersion, ct)
            ?? throw new StaleVersionException("Report settings");
}

/// <summary>One delivery record per report and period, changed only on the version read. Tests: BusinessReportDeliveryTests.</summary>
public sealed class CosmosReportDeliveries(ShopContainers containers) : IReportDeliveries
{
    private Container Container => ReportsContainer.Of(containers);

    public static string DocumentId(ReportKind kind, string periodKey) => $"delivery:{kind.ToString().ToLowerInvariant()}:{periodKey}";

    public Task<Versioned<ReportDelivery>?> FindAsync(ReportKind kind, string periodKey, CancellationToken ct) =>
        ReportsContainer.FindAsync<ReportDelivery>(Container, DocumentId(kind, periodKey), ct);

    public Task<string?> TrySaveAsync(ReportDelivery delivery, string? expectedVersion, CancellationToken ct) =>
        ReportsContainer.TrySaveAsync(Container, DocumentId(delivery.Kind, delivery.PeriodKey), "report-delivery", delivery, expectedVersion, ct);
}
