using System.Globalization;
using Azure.Core;
using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Analytics.Clickstream;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>The clickstream's settings (docs/configuration.md, "Analytics"), read and checked in one go.</summary>
/// <param name="EventHubsNamespace">The namespace's host name, e.g. <c>sshop-abc.servicebus.windows.net</c>.</param>
/// <param name="RawEventsBlobServiceUri">The data lake account's blob endpoint (Azure, managed identity).</param>
/// <param name="RawEventsConnectionString">A connection string to the raw events' account (the local host's Azurite).</param>
public sealed record ClickstreamSettings(
    string? EventHubsNamespace, string? EventHubName, Uri? RawEventsBlobServiceUri, string? RawEventsConnectionString,
    RawClickstreamRetention Retention, ClickstreamRateLimit RateLimit)
{
    public const string NamespaceSetting = "Analytics:EventHubs:Namespace";
    public const string NameSetting = "Analytics:EventHubs:Name";
    public const string RawEventsBlobServiceUriSetting = "Analytics:RawEvents:BlobServiceUri";
    public const string RawEventsConnectionStringSetting = "Analytics:RawEvents:ConnectionString";
    public const string RetentionDaysSetting = "Analytics:RawRetentionDays";
    public const string EventsPerSessionPerMinuteSetting = "Analytics:Clickstream:EventsPerSessionPerMinute";

    /// <summary>Why events cannot be handed on to Event Hubs; null when they can.</summary>
    public string? SinkProblem => EventHubsNamespace is null || EventHubName is null
        ? $"Clickstream events cannot be handed on (POST /api/analytics/events answers 503): {(EventHubsNamespace is null ? NamespaceSetting : NameSetting)} is not set (see docs/configuration.md)."
        : null;

    /// <summary>Why the captured raw events cannot be read; null when they can.</summary>
    public string? ArchiveProblem => RawEventsBlobServiceUri is null && RawEventsConnectionString is null
        ? $"The raw clickstream cannot be read or expired: {RawEventsBlobServiceUriSetting} is not set (the data lake account's blob endpoint; see docs/configuration.md)."
        : null;

    /// <exception cref="InvalidOperationException">A setting is set but malformed; the message names it.</exception>
    public static ClickstreamSettings Read(IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var ns = Value(NamespaceSetting);
        if (ns is not null && (ns.Contains("://", StringComparison.Ordinal) || Uri.CheckHostName(ns) != UriHostNameType.Dns || !ns.Contains('.', StringComparison.Ordinal)))
            throw new InvalidOperationException($"{NamespaceSetting} must be the namespace's host name (<name>.servicebus.windows.net), not '{ns}'. See docs/configuration.md.");
        var hub = Value(NameSetting);
        if (hub is not null && (hub.Length > 256 || hub.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))))
            throw new InvalidOperationException($"{NameSetting} must be an event hub's name (letters, digits, '-', '_', '.'), not '{hub}'. See docs/configuration.md.");

        Uri? blobUri = null;
        if (Value(RawEventsBlobServiceUriSetting) is { } uriText && !(Uri.TryCreate(uriText, UriKind.Absolute, out blobUri) && blobUri.Scheme is "https" or "http"))
            throw new InvalidOperationException($"{RawEventsBlobServiceUriSetting} must be an absolute https URL (https://<account>.blob.core.windows.net), not '{uriText}'. See docs/configuration.md.");

        return new ClickstreamSettings(ns, hub, blobUri, Value(RawEventsConnectionStringSetting),
            new RawClickstreamRetention(WholeNumber(Value(RetentionDaysSetting), RetentionDaysSetting, 1, RawClickstreamRetention.MaximumDays, RawClickstreamRetention.DefaultDays)),
            new ClickstreamRateLimit(WholeNumber(Value(EventsPerSessionPerMinuteSetting), EventsPerSessionPerMinuteSetting,
                AcceptClickstreamEvents.MaximumEventsPerBatch, 100_000, ClickstreamRateLimit.DefaultEventsPerMinute)));
    }

    private static int WholeNumber(string? text, string key, int minimum, int maximum, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum ? value
        : throw new InvalidOperationException($"{key} must be a whole number from {minimum} to {maximum}, not '{text}'. See docs/configuration.md.");
}

public static class ClickstreamRegistration
{
    /// <summary>
    /// The clickstream: the ingestion use case and its flood guard, Event Hubs as the sink when
    /// <c>Analytics:EventHubs:Namespace</c> and <c>:Name</c> are set, the capture files' archive on the data lake account,
    /// and the retention run. A missing setting leaves no fallback: the function app stops at startup
    /// (<see cref="ThrowIfNotConfigured"/>, from Program.cs), /api/health reports <c>clickstream</c> unhealthy, and the
    /// ingestion route answers 503 (ClickstreamSettingsTests). The local host replaces the sink with
    /// <see cref="LocalQueueClickstreamSink"/> and points the archive at Azurite; nothing else does.
    /// </summary>
    public static IServiceCollection AddShopClickstream(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ClickstreamSettings.Read(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Retention);
        services.AddSingleton(settings.RateLimit);
        services.AddSingleton<ISessionFloodGuard>(new SessionFloodGuard(settings.RateLimit));
        services.AddSingleton<AcceptClickstreamEvents>();
        services.AddSingleton<ExpireRawClickstream>();

        if (settings.SinkProblem is null)
            services.AddSingleton<IClickstreamSink>(sp => new EventHubsClickstreamSink(
                new EventHubProducerClient(settings.EventHubsNamespace, settings.EventHubName, sp.GetRequiredService<TokenCredential>())));
        else
            services.AddSingleton<IClickstreamSink>(new MissingClickstreamSink(settings.SinkProblem));

        if (settings.ArchiveProblem is null)
            services.AddSingleton<IClickstreamArchive>(sp =>
            {
                var blobs = settings.RawEventsConnectionString is { } connection
                    ? new BlobServiceClient(connection)
                    : new BlobServiceClient(settings.RawEventsBlobServiceUri, sp.GetRequiredService<TokenCredential>());
                return new BlobClickstreamArchive(blobs.GetBlobContainerClient(BlobClickstreamArchive.ContainerName), sp.GetRequiredService<ILogger<BlobClickstreamArchive>>());
            });
        else
            services.AddSingleton<IClickstreamArchive>(new MissingClickstreamArchive(settings.ArchiveProblem));

        services.AddHealthChecks().Add(new HealthCheckRegistration("clickstream",
            sp => new ClickstreamHealthCheck(sp.GetRequiredService<IClickstreamSink>(), sp.GetRequiredService<IClickstreamArchive>()), null, null));
        return services;
    }

    /// <summary>Stops the function app at startup when the sink or the archive is not configured, naming the setting.</summary>
    /// <exception cref="InvalidOperationException">Either is missing.</exception>
    public static void ThrowIfNotConfigured(IServiceProvider services)
    {
        if (services.GetRequiredService<IClickstreamSink>() is MissingClickstreamSink sink) throw new InvalidOperationException(sink.Problem);
        if (services.GetRequiredService<IClickstreamArchive>() is MissingClickstreamArchive archive) throw new InvalidOperationException(archive.Problem);
    }
}

/// <summary>No hub is configured: every batch is refused (503) naming the missing setting; nothing is dropped silently.</summary>
public sealed class MissingClickstreamSink(string problem) : IClickstreamSink
{
    public string Problem { get; } = problem;

    public Task SendAsync(IReadOnlyList<ClickstreamEvent> batch, CancellationToken ct) => throw new NotConfiguredException(Problem);
}

/// <summary>No data lake account is configured: listing, reading and expiring fail naming the missing setting.</summary>
public sealed class MissingClickstreamArchive(string problem) : IClickstreamArchive
{
    public string Problem { get; } = problem;

    public IAsyncEnumerable<CapturedFile> ListAsync(DateTimeOffset writtenAfter, CancellationToken ct) => throw new NotConfiguredException(Problem);

    public Task<IReadOnlyList<ClickstreamEvent>> ReadAsync(CapturedFile file, CancellationToken ct) => throw new NotConfiguredException(Problem);

    public Task<int> DeleteWrittenBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) => throw new NotConfiguredException(Problem);
}

/// <summary>/api/health: unhealthy while the hub or the data lake account is not configured.</summary>
public sealed class ClickstreamHealthCheck(IClickstreamSink sink, IClickstreamArchive archive) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new[] { (sink as MissingClickstreamSink)?.Problem, (archive as MissingClickstreamArchive)?.Problem }.OfType<string>().ToList();
        return Task.FromResult(problems.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, string.Join(" ", problems))
            : HealthCheckResult.Healthy());
    }
}
