using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Reviews;

public static class ReviewsRegistration
{
    public const string SigningKeySetting = "Reviews:InvitationSigningKey";

    /// <summary>Reviews: the Cosmos DB store, the invitation signing key (a required secret), the use cases, the delivery reaction and the privacy hooks.</summary>
    public static IServiceCollection AddShopReviews(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReadSettings(configuration));
        // Required like every secret the app signs with: unresolved in Azure, the app does not start, /api/health says so,
        // and the review-link routes answer 503 (SecretSetting). Only the local host sets one by itself.
        var signingKey = services.AddRequiredSecret(SecretSetting.Read(configuration, SigningKeySetting));
        services.AddSingleton<IReviewInvitationKey>(new SecretReviewInvitationKey(signingKey));
        services.AddSingleton<IReviewStore, CosmosReviewStore>();
        services.AddSingleton<ReviewInvitationTokens>();
        services.AddSingleton<ProductRatings>();
        services.AddSingleton<WriteReviews>();
        services.AddSingleton<ModerateReviews>();
        services.AddSingleton<ReadReviews>();
        services.AddSingleton<ReviewPhotos>();
        services.AddSingleton<ReviewInvitationEmails>();
        services.AddSingleton<IOrderChangeReaction>(sp => sp.GetRequiredService<ReviewInvitationEmails>());
        services.AddSingleton<ReviewPersonalData>();
        services.AddSingleton<IPersonalDataExportSection>(sp => sp.GetRequiredService<ReviewPersonalData>());
        services.AddSingleton<IPersonalDataCleanup>(sp => sp.GetRequiredService<ReviewPersonalData>());
        services.AddSingleton<ICustomerOverviewSection>(sp => sp.GetRequiredService<ReviewPersonalData>());
        return services;
    }

    /// <exception cref="InvalidOperationException">A Reviews setting is not understood; the message names it.</exception>
    public static ReviewSettings ReadSettings(IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var autoApprove = Value("Reviews:AutoApproveClean") switch
        {
            null => false,
            var text when bool.TryParse(text, out var b) => b,
            var text => throw new InvalidOperationException($"Reviews:AutoApproveClean must be true or false, not '{text}'. See docs/configuration.md."),
        };
        var days = Value("Reviews:InvitationDays") switch
        {
            null => ReviewSettings.DefaultInvitationDays,
            var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= 365 => d,
            var text => throw new InvalidOperationException($"Reviews:InvitationDays must be a whole number of days from 1 to 365, not '{text}'. See docs/configuration.md."),
        };
        // Links point at this API's own invitation route unless a storefront page is configured. In Azure the platform
        // tells the app its host name (WEBSITE_HOSTNAME); with neither, sending an invitation fails loudly (NotConfigured).
        Uri? baseUrl = null;
        if (Value("Reviews:InvitationBaseUrl") is { } configured)
            baseUrl = Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                ? uri
                : throw new InvalidOperationException($"Reviews:InvitationBaseUrl must be an absolute http(s) URL, not '{configured}'. See docs/configuration.md.");
        else if (Value("WEBSITE_HOSTNAME") is { } host)
            baseUrl = new Uri($"https://{host}/api/review-invitations");
        return new ReviewSettings(autoApprove, days, baseUrl);
    }

    /// <summary>The signing key from its secret setting: 32 bytes or more (base64 of random bytes, as docs/deployment.md shows how to make).</summary>
    private sealed class SecretReviewInvitationKey(SecretSetting secret) : IReviewInvitationKey
    {
        public byte[] Key
        {
            get
            {
                var value = secret.Value;
                var bytes = TryBase64(value) ?? System.Text.Encoding.UTF8.GetBytes(value);
                return bytes.Length >= 32 ? bytes : throw new Domain.Common.NotConfiguredException(
                    $"{SigningKeySetting} is too short: use 32 random bytes or more, in base64. Review links were not made or accepted.");
            }
        }

        private static byte[]? TryBase64(string value)
        {
            var buffer = new byte[value.Length];
            return Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : null;
        }
    }
}
