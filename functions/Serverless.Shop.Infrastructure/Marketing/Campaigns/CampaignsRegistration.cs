using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendGrid.Helpers.Mail;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Campaigns;

public static class CampaignsRegistration
{
    public const string BatchSizeSetting = "Campaigns:BatchSize";
    public const string BatchesPerMinuteSetting = "Campaigns:BatchesPerMinute";

    /// <summary>
    /// Campaigns: the Cosmos DB store, the bulk sender chosen by <c>Email:Provider</c> (SendGrid, or the local mailbox),
    /// the use cases. The audience they send to (IMarketingAudience, IUnsubscribeLinks, IEmailEngagementReader) is
    /// registered by the audiences capability.
    /// </summary>
    public static IServiceCollection AddShopCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReadSettings(configuration));
        services.AddSingleton<ICampaignStore, CosmosCampaignStore>();
        var email = MediaAndMessagingSettings.Read(configuration).Email;
        if (email.Provider == EmailProvider.SendGrid)
            services.AddSingleton<IBulkEmailSender>(sp => new SendGridBulkEmailSender(
                SendGridEmailSender.CreateClient(email.SendGridApiKey!, email.SendGridHost), MailHelper.StringToEmailAddress(email.From),
                sp.GetRequiredService<ILogger<SendGridBulkEmailSender>>()));
        else
            services.AddSingleton<IBulkEmailSender>(sp => new LocalMailboxBulkEmailSender(
                sp.GetRequiredService<IEmailSender>() as LocalMailboxEmailSender
                ?? throw new InvalidOperationException("Email:Provider is LocalMailbox but the email sender is not the local mailbox.")));
        services.AddSingleton<ICampaignPersonalization, LoyaltyCampaignPersonalization>();
        services.AddSingleton<CampaignContentSource>();
        services.AddSingleton<ManageCampaigns>();
        services.AddSingleton<PreviewCampaigns>();
        services.AddSingleton<SendCampaigns>();
        services.AddSingleton<CampaignResultsReport>();
        return services;
    }

    /// <exception cref="InvalidOperationException">A Campaigns setting is not understood; the message names it.</exception>
    public static CampaignSettings ReadSettings(IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();
        int Number(string key, int fallback, int min, int max) => Value(key) switch
        {
            null => fallback,
            var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max => n,
            var text => throw new InvalidOperationException($"{key} must be a whole number from {min} to {max}, not '{text}'. See docs/configuration.md."),
        };
        // Product links need no setting of their own: they point at the storefront's pages (Storefront:PublicBaseUrl).
        return new CampaignSettings(
            Number(BatchSizeSetting, CampaignSettings.DefaultBatchSize, 1, CampaignSettings.MaximumBatchSize),
            Number(BatchesPerMinuteSetting, CampaignSettings.DefaultBatchesPerMinute, 1, 6000));
    }
}
