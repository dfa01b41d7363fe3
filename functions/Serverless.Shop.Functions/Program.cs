using Azure.Core.Serialization;
using Azure.Identity;
using Microsoft.Azure.Functions.Worker;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Shop.Functions;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Privacy;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<HttpPipelineMiddleware>();
builder.Services.AddShop(builder.Configuration);
// One JSON for everything the worker serialises, Durable orchestration inputs and outputs included (as the local host does).
builder.Services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(ShopJson.Options));

// Traces and logs through OpenTelemetry; to Application Insights when the app has its connection string (in Azure).
var telemetry = builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("Azure.*"))
    // The business counters (orders, revenue, checkouts started and failed; docs/analytics.md#business-metrics).
    .WithMetrics(metrics => metrics.AddMeter(Serverless.Shop.Infrastructure.Analytics.Reports.OpenTelemetryBusinessMetrics.MeterName));
telemetry.UseFunctionsWorkerDefaults();
// Application Insights has local auth off (Bicep): the exporter signs in with the app's managed identity.
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
    telemetry.UseAzureMonitorExporter(o => o.Credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = builder.Configuration["AZURE_CLIENT_ID"],
    }));

var app = builder.Build();
// Fail loudly at startup: a required secret that is missing or an unresolved Key Vault reference stops the app, naming
// the setting (docs/configuration.md, "Secrets"). The local host does not call this: it wires the simulators' secrets.
app.Services.GetRequiredService<RequiredSecrets>().ThrowIfAnyUnresolved();
// Likewise a geocoder: without Azure Maps' settings no address can be located for fees by distance (docs/shipping.md).
Serverless.Shop.Infrastructure.Shipping.GeocodingRegistration.ThrowIfNotConfigured(app.Services);
// And the default dispatch origin (Shipping:Origin:*), which fees by distance are measured from.
if (app.Services.GetRequiredService<Serverless.Shop.Infrastructure.Shipping.ShippingOriginSettings>().Problem is { } originProblem)
    throw new InvalidOperationException(originProblem);
// Likewise the clickstream: the event hub that takes the beacon's events and the data lake account Capture writes to (docs/analytics.md).
Serverless.Shop.Infrastructure.Analytics.Clickstream.ClickstreamRegistration.ThrowIfNotConfigured(app.Services);
// Likewise the storefront: its public address (canonical URLs, sitemaps) and the Front Door endpoint it purges (docs/marketing.md).
Serverless.Shop.Infrastructure.Storefront.StorefrontRegistration.ThrowIfNotConfigured(app.Services);
// Likewise the keys that seal personal data: without a readable KEK and blind-index key no order can be written or read
// (docs/security.md). The local host registers its key file instead of Key Vault and reads it on first use.
try
{
    await app.Services.GetRequiredService<PrivacyKeyRing>().EnsureLoadedAsync(CancellationToken.None);
}
catch (Serverless.Shop.Domain.Common.NotConfiguredException e)
{
    throw new InvalidOperationException("The personal-data keys cannot be read: " + e.Message, e);
}
await app.RunAsync();
