using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Audiences;

public static class AudiencesRegistration
{
    public const string LinkSigningKeySetting = "Marketing:LinkSigningKey";
    public const string LinkBaseUrlSetting = "Marketing:LinkBaseUrl";
    public const string EventWebhookPublicKeySetting = "Marketing:SendGrid:EventWebhookPublicKey";

    /// <summary>
    /// Marketing audiences: newsletter subscriptions, the suppression list, unsubscribe links, the SendGrid Event Webhook
    /// and the audience itself, with the privacy hooks. Both secrets are required like every secret the app verifies or
    /// signs with: unresolved in Azure, the app does not start, /api/health names them, and their routes answer 503.
    /// </summary>
    public static IServiceCollection AddShopMarketingAudiences(this IServiceCollection services, IConfiguration configuration)
    {
        var signingKey = services.AddRequiredSecret(SecretSetting.Read(configuration, LinkSigningKeySetting));
        var webhookKey = services.AddRequiredSecret(SecretSetting.Read(configuration, EventWebhookPublicKeySetting));
        services.AddSingleton<IMarketingLinkKey>(new SecretMarketingLinkKey(signingKey));
        services.AddSingleton(ReadLinkSettings(configuration));
        services.AddSingleton<MarketingLinkTokens>();
        services.AddSingleton<INewsletterSubscriberStore, CosmosNewsletterSubscriberStore>();
        services.AddSingleton<ISuppressionList, CosmosSuppressionList>();
        services.AddSingleton<IAudienceCustomers, CosmosAudienceCustomers>();
        services.AddSingleton<CosmosEmailEngagement>();
        services.AddSingleton<IEmailEngagementCounters>(sp => sp.GetRequiredService<CosmosEmailEngagement>());
        services.AddSingleton<IEmailEngagementReader>(sp => sp.GetRequiredService<CosmosEmailEngagement>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IEmailEventWebhookReader>(sp => new SendGridEventWebhookReader(webhookKey, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUnsubscribeLinks, UnsubscribeLinks>();
        services.AddSingleton<IMarketingAudience, MarketingAudience>();
        services.AddSingleton<NewsletterSubscriptions>();
        services.AddSingleton<Unsubscribe>();
        services.AddSingleton<CampaignUnsubscribes>();
        services.AddSingleton<ManageSuppressions>();
        services.AddSingleton<ReceiveEmailEvents>();
        services.AddSingleton<AudiencePersonalData>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<AudiencePersonalData>());
        services.AddSingleton<IPersonalDataCleanup>(sp => sp.GetRequiredService<AudiencePersonalData>());
        return services;
    }

    /// <summary>
    /// Links point at <see cref="LinkBaseUrlSetting"/> (the API's root, e.g. https://shop.example/api/), else at this app
    /// (WEBSITE_HOSTNAME, which the platform sets in Azure); with neither, making a link fails loudly (503).
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not an absolute http(s) URL.</exception>
    public static MarketingLinkSettings ReadLinkSettings(IConfiguration configuration)
    {
        if (configuration[LinkBaseUrlSetting] is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured))
            return Uri.TryCreate(configured.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                ? new MarketingLinkSettings(uri)
                : throw new InvalidOperationException($"{LinkBaseUrlSetting} must be an absolute http(s) URL such as https://shop.example/api/, not '{configured}'. See docs/configuration.md.");
        return configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host && !string.IsNullOrWhiteSpace(host)
            ? new MarketingLinkSettings(new Uri($"https://{host.Trim()}/api/"))
            : new MarketingLinkSettings(null);
    }

    /// <summary>The signing key from its secret setting: 32 bytes or more (base64 of random bytes).</summary>
    private sealed class SecretMarketingLinkKey(SecretSetting secret) : IMarketingLinkKey
    {
        public byte[] Key
        {
            get
            {
                var value = secret.Value;
                var buffer = new byte[value.Length];
                var bytes = Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : System.Text.Encoding.UTF8.GetBytes(value);
                return bytes.Length >= 32 ? bytes : throw new Domain.Common.NotConfiguredException(
                    $"{LinkSigningKeySetting} is too short: use 32 random bytes or more, in base64. No marketing link was made or accepted.");
            }
        }
    }
}
