using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

public static class ReportsRegistration
{
    public const string TimeZoneSetting = "Analytics:Reports:TimeZone";

    /// <summary>
    /// The periodic business reports (docs/analytics.md#reports): their settings and delivery records in Cosmos DB, the
    /// archive in the media account's <c>reports</c> container, the renderer, and the use cases. They read the sales
    /// and behaviour rollups through <c>ISalesAnalytics</c> and <c>IBehaviourAnalytics</c>, registered by those parts.
    /// Needs <c>AddShopInfrastructure</c> first.
    /// </summary>
    /// <exception cref="InvalidOperationException">When <c>Analytics:Reports:TimeZone</c> is set but is not a time zone: the app does not start.</exception>
    public static IServiceCollection AddShopReports(this IServiceCollection services, IConfiguration configuration)
    {
        var zone = configuration[TimeZoneSetting] is { Length: > 0 } z ? z.Trim() : "UTC";
        if (!ReportPeriods.IsKnownZone(zone))
            throw new InvalidOperationException($"{TimeZoneSetting} must be an IANA time zone such as Europe/Berlin, not '{zone}'. See docs/configuration.md.");
        services.AddSingleton(new ReportDefaults(zone));

        var media = MediaAndMessagingSettings.Read(configuration).Media;
        services.AddSingleton<IReportArchive>(sp => new BlobReportArchive(
            media.ConnectionString is { } connectionString
                ? new BlobServiceClient(connectionString)
                : new BlobServiceClient(media.BlobServiceUri, sp.GetRequiredService<TokenCredential>()),
            createContainerIfMissing: media.ConnectionString is not null));

        services.AddSingleton<IReportSettingsStore, CosmosReportSettingsStore>();
        services.AddSingleton<IReportDeliveries, CosmosReportDeliveries>();
        services.AddSingleton<IReportRenderer, HtmlReportRenderer>();
        services.AddSingleton<ILowStockReader, InventoryLowStockReader>();
        services.AddSingleton<ManageReports>();
        services.AddSingleton<BuildBusinessReport>();
        services.AddSingleton<SendBusinessReports>();
        services.AddSingleton<RenderReportOnDemand>();

        // Business metrics (OpenTelemetry): counted from the order events, and at the start of a checkout.
        services.AddMetrics();
        services.AddSingleton<IBusinessMetrics, OpenTelemetryBusinessMetrics>();
        services.AddSingleton<RecordBusinessMetrics>();
        services.AddSingleton<Domain.Orders.IOrderChangeReaction>(sp => sp.GetRequiredService<RecordBusinessMetrics>());
        return services;
    }
}
