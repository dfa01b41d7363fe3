using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Attribution;

public static class AttributionRegistration
{
    public const string MetaPixelSetting = "Attribution:Meta:PixelId";
    public const string MetaAccessTokenSetting = "Attribution:Meta:AccessToken";
    public const string MetaEndpointSetting = "Attribution:Meta:ApiBase";
    public const string MetaApiVersionSetting = "Attribution:Meta:ApiVersion";
    public const string GoogleAdsConversionNameSetting = "Attribution:GoogleAds:ConversionName";
    public const string AttributionWindowDaysSetting = "Marketing:AttributionWindowDays";

    /// <summary>
    /// Conversions: the paid-order reaction, its log, Meta's Conversions API when <c>Attribution:Meta:PixelId</c> is set
    /// (its access token is then a required secret: unresolved, the app does not start, /api/health says so, and a send
    /// refuses), and the Google Ads export. Without a pixel id no conversion leaves the shop (the local host registers
    /// its recorder instead).
    /// </summary>
    public static IServiceCollection AddShopMarketingAttribution(this IServiceCollection services, IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        services.AddSingleton(new GoogleAdsSettings(Value(GoogleAdsConversionNameSetting) ?? GoogleAdsSettings.DefaultConversionName));
        services.AddSingleton<ExportGoogleAdsConversions>();
        services.AddSingleton<IAttributedOrderReader, CosmosAttributedOrderReader>();
        services.AddSingleton<IConversionLog>(sp => new CosmosConversionLog(sp.GetRequiredService<CosmosClient>(), sp.GetRequiredService<CosmosOptions>()));
        services.AddSingleton<SendPurchaseConversions>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<SendPurchaseConversions>());
        services.AddSingleton<Domain.Privacy.IPersonalDataExportSection, AttributionExportSection>();

        // Revenue credited to email campaigns and flows: counted once per paid order, read by their results.
        services.AddSingleton(ReadEmailAttributionSettings(configuration));
        services.AddSingleton<CosmosAttributedRevenue>();
        services.AddSingleton<IAttributedRevenueCounters>(sp => sp.GetRequiredService<CosmosAttributedRevenue>());
        services.AddSingleton<IAttributedRevenueReader>(sp => sp.GetRequiredService<CosmosAttributedRevenue>());
        services.AddSingleton<AttributeEmailRevenue>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<AttributeEmailRevenue>());

        var pixelId = Value(MetaPixelSetting);
        if (pixelId is not null)
        {
            if (!pixelId.All(char.IsAsciiDigit) || pixelId.Length > 20)
                throw new InvalidOperationException($"{MetaPixelSetting} must be the pixel's (dataset's) numeric id, not '{pixelId}'. See docs/configuration.md.");
            var token = services.AddRequiredSecret(SecretSetting.Read(configuration, MetaAccessTokenSetting));
            var endpoint = Value(MetaEndpointSetting) is { } configured
                ? Uri.TryCreate(configured.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri
                    : throw new InvalidOperationException($"{MetaEndpointSetting} must be an absolute http(s) URL, not '{configured}'.")
                : MetaConversionsApi.DefaultEndpoint;
            var version = Value(MetaApiVersionSetting) ?? MetaConversionsApi.DefaultApiVersion;
            services.AddSingleton<IConversionsApi>(sp => new MetaConversionsApi(
                new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) }, pixelId, version, token,
                ThirdPartyResilience.Create(MetaConversionsApi.ServiceName, ThirdPartyResilienceOptions.Default,
                    sp.GetRequiredService<ILogger<MetaConversionsApi>>(), sp.GetRequiredService<TimeProvider>())));
        }
        services.AddHealthChecks().AddCheck("meta-conversions", () => HealthCheckResult.Healthy(pixelId is null
            ? $"off: {MetaPixelSetting} is not set, so no purchase is reported to Meta"
            : "on"));
        return services;
    }

    /// <summary>
    /// <c>Marketing:AttributionWindowDays</c>: how many days after a shopper came from an email link an order they place
    /// is credited to that campaign or flow, a whole number from 1 to 90 (not set: 5, Klaviyo's default for an email click).
    /// </summary>
    /// <exception cref="InvalidOperationException">When it is set but not such a number: the app does not start.</exception>
    public static EmailAttributionSettings ReadEmailAttributionSettings(IConfiguration configuration)
    {
        if (configuration[AttributionWindowDaysSetting] is not { } text || string.IsNullOrWhiteSpace(text)) return EmailAttributionSettings.Default;
        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days)
            && days is >= 1 and <= EmailAttributionSettings.MaximumWindowDays
            ? new EmailAttributionSettings(TimeSpan.FromDays(days))
            : throw new InvalidOperationException(
                $"{AttributionWindowDaysSetting} must be a whole number of days from 1 to {EmailAttributionSettings.MaximumWindowDays}, not '{text}'. See docs/configuration.md.");
    }
}
