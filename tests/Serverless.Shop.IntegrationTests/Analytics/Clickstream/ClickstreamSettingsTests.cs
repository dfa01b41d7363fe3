using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Analytics.Clickstream;

namespace Serverless.Shop.IntegrationTests.Analytics.Clickstream;

/// <summary>
/// The clickstream's settings as the function app reads them (docs/configuration.md, "Clickstream"): without the hub
/// or the data lake nothing falls back to a local stand-in; the app stops at startup, /api/health says why, and a batch
/// is refused with NotConfiguredException (503 not-configured). Malformed values stop the app naming the setting.
/// </summary>
public sealed class ClickstreamSettingsTests
{
    private static readonly Dictionary<string, string?> Configured = new()
    {
        [ClickstreamSettings.NamespaceSetting] = "evhns-test.servicebus.windows.net",
        [ClickstreamSettings.NameSetting] = "clickstream",
        [ClickstreamSettings.RawEventsBlobServiceUriSetting] = "https://stdltest.blob.core.windows.net/",
    };

    [Fact]
    public async Task Without_the_hub_the_app_stops_at_startup_health_is_unhealthy_and_a_batch_is_refused_as_not_configured()
    {
        await using var services = Services(new Dictionary<string, string?> { [ClickstreamSettings.RawEventsBlobServiceUriSetting] = "https://stdltest.blob.core.windows.net/" });

        var startup = Should.Throw<InvalidOperationException>(() => ClickstreamRegistration.ThrowIfNotConfigured(services));
        startup.Message.ShouldContain(ClickstreamSettings.NamespaceSetting);
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "clickstream");
        health.Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["clickstream"].Description.ShouldNotBeNull().ShouldContain(ClickstreamSettings.NamespaceSetting);

        var batch = new ClickstreamBatchInput([new ClickstreamEventInput("event-0001", "page-view", "session-0001", DateTimeOffset.UtcNow, "/", "home")]);
        var refused = await Should.ThrowAsync<NotConfiguredException>(() => services.GetRequiredService<AcceptClickstreamEvents>().AcceptAsync(batch, "203.0.113.9", CancellationToken.None));
        refused.Message.ShouldContain(ClickstreamSettings.NamespaceSetting);
    }

    [Fact]
    public async Task Without_the_data_lake_the_app_stops_at_startup_and_the_archive_refuses_naming_the_setting()
    {
        await using var services = Services(new Dictionary<string, string?>
        {
            [ClickstreamSettings.NamespaceSetting] = "evhns-test.servicebus.windows.net",
            [ClickstreamSettings.NameSetting] = "clickstream",
        });

        Should.Throw<InvalidOperationException>(() => ClickstreamRegistration.ThrowIfNotConfigured(services)).Message.ShouldContain(ClickstreamSettings.RawEventsBlobServiceUriSetting);
        var archive = services.GetRequiredService<IClickstreamArchive>();
        (await Should.ThrowAsync<NotConfiguredException>(() => archive.DeleteWrittenBeforeAsync(DateTimeOffset.UtcNow, CancellationToken.None)))
            .Message.ShouldContain(ClickstreamSettings.RawEventsBlobServiceUriSetting);
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "clickstream")).Status.ShouldBe(HealthStatus.Unhealthy);
    }

    [Fact]
    public async Task With_every_setting_the_hub_sink_and_the_blob_archive_are_used_and_health_is_healthy()
    {
        await using var services = Services(Configured);

        ClickstreamRegistration.ThrowIfNotConfigured(services);
        services.GetRequiredService<IClickstreamSink>().ShouldBeOfType<EventHubsClickstreamSink>();
        services.GetRequiredService<IClickstreamArchive>().ShouldBeOfType<BlobClickstreamArchive>();
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "clickstream")).Status.ShouldBe(HealthStatus.Healthy);
        services.GetRequiredService<RawClickstreamRetention>().Days.ShouldBe(30);
        services.GetRequiredService<ClickstreamRateLimit>().EventsPerMinute.ShouldBe(120);
    }

    [Theory]
    [InlineData(ClickstreamSettings.NamespaceSetting, "https://evhns-test.servicebus.windows.net")]
    [InlineData(ClickstreamSettings.NamespaceSetting, "evhns-test")]
    [InlineData(ClickstreamSettings.NameSetting, "click stream")]
    [InlineData(ClickstreamSettings.RawEventsBlobServiceUriSetting, "stdltest.blob.core.windows.net")]
    [InlineData(ClickstreamSettings.RetentionDaysSetting, "0")]
    [InlineData(ClickstreamSettings.RetentionDaysSetting, "thirty")]
    [InlineData(ClickstreamSettings.EventsPerSessionPerMinuteSetting, "49")]
    public void A_malformed_setting_stops_the_app_naming_it(string setting, string value)
    {
        var settings = new Dictionary<string, string?>(Configured) { [setting] = value };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        Should.Throw<InvalidOperationException>(() => ClickstreamSettings.Read(configuration)).Message.ShouldContain(setting);
    }

    [Fact]
    public void The_hub_gets_one_event_per_session_with_the_session_as_partition_key_and_a_body_that_reads_back()
    {
        var now = DateTimeOffset.UtcNow;
        var a1 = new ClickstreamEvent("event-a1", ClickstreamEventType.PageView, "session-a", now, now, "/", "home", NetworkPrefix: "203.0.113.0/24");
        var b1 = new ClickstreamEvent("event-b1", ClickstreamEventType.Search, "session-b", now, now, "/search", "search", Query: "mugs");
        var a2 = new ClickstreamEvent("event-a2", ClickstreamEventType.PageTime, "session-a", now, now, "/", "home", VisibleMs: 1500);

        var sent = EventHubsClickstreamSink.ToEventData([a1, b1, a2]);

        sent.Select(s => s.SessionId).ShouldBe(["session-a", "session-b"]);
        ClickstreamCaptureBody.Deserialize(sent[0].Data.EventBody.ToArray()).ShouldBe([a1, a2]);
        ClickstreamCaptureBody.Deserialize(sent[1].Data.EventBody.ToArray()).ShouldBe([b1]);
        sent.ShouldAllBe(s => s.Data.ContentType == "application/json"
            && (string)s.Data.Properties[ClickstreamCaptureBody.SchemaProperty] == ClickstreamCaptureBody.SchemaName);
        // The body uses the beacon's names, so a query over the capture files reads what the beacon sent.
        using var body = JsonDocument.Parse(sent[0].Data.EventBody.ToArray());
        body.RootElement.GetProperty("events")[1].GetProperty("type").GetString().ShouldBe("page-time");
    }

    private static ServiceProvider Services(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Azure.Core.TokenCredential>(new Azure.Identity.DefaultAzureCredential());
        services.AddShopClickstream(configuration);
        return services.BuildServiceProvider();
    }
}
