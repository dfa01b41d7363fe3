using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Feeds;

public static class FeedsRegistration
{
    public const string PublicBaseUrlSetting = "Feeds:PublicBaseUrl";
    public const string RefreshMinutesSetting = "Feeds:RefreshMinutes";

    /// <summary>
    /// The ads feeds: the builder, the Google and Meta formats, the blob publisher and the run report. Items link to the
    /// storefront's pages (<c>Storefront:PublicBaseUrl</c>). Without <c>Feeds:PublicBaseUrl</c> or the storefront's
    /// address no feed is made: the staff route answers 503, the timer fails its run, and /api/health reports
    /// <c>ads-feeds</c> (or <c>storefront</c>) unhealthy (FeedsNotConfiguredTests).
    /// </summary>
    public static IServiceCollection AddShopMarketingFeeds(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ReadSettings(configuration);
        services.AddSingleton(settings.Feeds);
        services.AddSingleton<ProductFeedBuilder>();
        services.AddSingleton<GenerateProductFeeds>();
        services.AddSingleton<IFeedCatalogReader, CosmosFeedCatalogReader>();
        services.AddSingleton<IFeedRunStore>(sp => new CosmosFeedRunStore(sp.GetRequiredService<CosmosClient>(), sp.GetRequiredService<CosmosOptions>()));
        services.AddSingleton<IProductFeedFormat, GoogleMerchantFeedFormat>();
        services.AddSingleton<IProductFeedFormat, MetaCatalogFeedFormat>();
        services.AddSingleton<IFeedPublisher>(sp =>
        {
            var media = MediaAndMessagingSettings.Read(configuration).Media;
            var blobs = media.ConnectionString is { } connection
                ? new BlobServiceClient(connection)
                : new BlobServiceClient(media.BlobServiceUri, sp.GetRequiredService<TokenCredential>());
            return settings.PublicBaseUrl is { } publicBase
                ? new BlobFeedPublisher(blobs, publicBase, createContainerIfMissing: media.ConnectionString is not null)
                : new UnconfiguredFeedPublisher();
        });
        services.AddHealthChecks().AddCheck("ads-feeds", () => settings.Problem is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy());
        return services;
    }

    public sealed record Settings(FeedSettings Feeds, string? PublicBaseUrl, string? Problem);

    /// <exception cref="InvalidOperationException">A setting is set but malformed; the message names it.</exception>
    public static Settings ReadSettings(IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();
        Uri? Url(string key) => Value(key) is not { } text ? null
            : Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri
            : throw new InvalidOperationException($"{key} must be an absolute http(s) URL, not '{text}'. See docs/configuration.md.");

        var publicBase = Url(PublicBaseUrlSetting);
        var refresh = Value(RefreshMinutesSetting) switch
        {
            null => FeedSettings.DefaultRefreshAfter,
            var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 5 and <= 1440 => TimeSpan.FromMinutes(m),
            var text => throw new InvalidOperationException($"{RefreshMinutesSetting} must be a whole number of minutes from 5 to 1440, not '{text}'. See docs/configuration.md."),
        };
        var problem = publicBase is null ? $"Not configured: {PublicBaseUrlSetting}; no ads feed is made." : null;
        return new Settings(new FeedSettings(refresh), publicBase?.AbsoluteUri.TrimEnd('/'), problem);
    }

    /// <summary>In place of the blob publisher while Feeds:PublicBaseUrl is missing: refuses, so nothing is published to an address nobody knows.</summary>
    private sealed class UnconfiguredFeedPublisher : IFeedPublisher
    {
        public Task<string> PublishAsync(string fileName, byte[] content, string contentType, CancellationToken ct) =>
            throw new Domain.Common.NotConfiguredException($"{PublicBaseUrlSetting} is not set (the CDN address of the feeds container); no feed was published.");
    }
}
