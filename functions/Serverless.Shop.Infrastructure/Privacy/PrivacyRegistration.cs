using System.Globalization;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;

namespace Serverless.Shop.Infrastructure.Privacy;

/// <param name="KeyVaultUri">The vault holding the KEK and blind-index key secrets (<c>Privacy:KeyVaultUri</c>); null: none configured.</param>
/// <param name="DataKeyCacheDuration">How long an unwrapped data key stays in an instance's memory (<c>Privacy:DataKeyCacheSeconds</c>).</param>
public sealed record PrivacySettings(Uri? KeyVaultUri, TimeSpan DataKeyCacheDuration)
{
    public const string KeyVaultUriSetting = "Privacy:KeyVaultUri";
    public const string DataKeyCacheSecondsSetting = "Privacy:DataKeyCacheSeconds";
    public const int DefaultDataKeyCacheSeconds = 60;

    /// <exception cref="InvalidOperationException">A setting is given but not understood; the message names it.</exception>
    public static PrivacySettings From(IConfiguration configuration)
    {
        Uri? vault = null;
        if (configuration[KeyVaultUriSetting] is { Length: > 0 } text
            && !(Uri.TryCreate(text.Trim(), UriKind.Absolute, out vault) && vault.Scheme == Uri.UriSchemeHttps))
            throw new InvalidOperationException($"{KeyVaultUriSetting} must be the https URI of a Key Vault, not '{text}'. See docs/configuration.md.");

        var seconds = DefaultDataKeyCacheSeconds;
        if (configuration[DataKeyCacheSecondsSetting] is { Length: > 0 } cache
            && (!int.TryParse(cache, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds > 3600))
            throw new InvalidOperationException($"{DataKeyCacheSecondsSetting} must be a whole number of seconds from 0 to 3600, not '{cache}'. See docs/security.md.");
        return new PrivacySettings(vault, TimeSpan.FromSeconds(seconds));
    }
}

public static class PrivacyRegistration
{
    /// <summary>
    /// Personal-data protection: the key source (Key Vault when <c>Privacy:KeyVaultUri</c> is set; otherwise none, and
    /// every use answers 503: the local host registers its key file after this), the key ring, the vault of data keys,
    /// erasure, and the health check that is unhealthy while the keys cannot be read.
    /// </summary>
    public static IServiceCollection AddShopPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = PrivacySettings.From(configuration);
        services.AddSingleton(settings);
        if (settings.KeyVaultUri is { } vault)
            services.AddSingleton<IPrivacyKeySource>(sp => new KeyVaultPrivacyKeySource(new SecretClient(vault, sp.GetRequiredService<TokenCredential>())));
        else
            services.AddSingleton<IPrivacyKeySource, MissingPrivacyKeySource>();
        services.AddSingleton<PrivacyKeyRing>();
        services.AddSingleton<CosmosPersonalDataVault>();
        services.AddSingleton<IPersonalDataVault>(sp => sp.GetRequiredService<CosmosPersonalDataVault>());
        services.AddSingleton<DataKeyRewrapping>();
        services.AddSingleton<ErasePersonalData>();
        services.AddSingleton<ExportPersonalData>();
        services.AddHealthChecks().Add(new HealthCheckRegistration("privacy-keys",
            sp => new PrivacyKeysHealthCheck(sp.GetRequiredService<PrivacyKeyRing>()), null, null, TimeSpan.FromSeconds(10)));
        return services;
    }
}

/// <summary>/api/health: unhealthy while the KEK or the blind-index key cannot be read, saying why (never a key).</summary>
public sealed class PrivacyKeysHealthCheck(PrivacyKeyRing keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await keys.EnsureLoadedAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NotConfiguredException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
