using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Privacy;

namespace Serverless.Shop.IntegrationTests.Privacy;

/// <summary>
/// Without a readable key-encryption key the shop refuses loudly: the startup check throws (Program.cs calls it), the
/// health check is unhealthy and says why, and every use of the vault throws <see cref="NotConfiguredException"/>,
/// which every route answers with a 503 problem before writing anything (PrivacyKeysMissingShopTests over HTTP).
/// </summary>
public sealed class PrivacyKeysNotConfiguredTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(new DefaultAzureCredential());
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddShopPrivacy(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReport> HealthAsync(IServiceProvider services) =>
        await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [Fact]
    public async Task With_no_key_vault_configured_startup_health_and_every_use_refuse_naming_the_setting()
    {
        await using var services = Services([]);

        (await Should.ThrowAsync<NotConfiguredException>(() => services.GetRequiredService<PrivacyKeyRing>().EnsureLoadedAsync(CancellationToken.None)))
            .Message.ShouldContain(PrivacySettings.KeyVaultUriSetting);
        var health = await HealthAsync(services);
        health.Entries["privacy-keys"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["privacy-keys"].Description!.ShouldContain(PrivacySettings.KeyVaultUriSetting);
        var ring = services.GetRequiredService<PrivacyKeyRing>();
        await Should.ThrowAsync<NotConfiguredException>(() => ring.CurrentAsync(CancellationToken.None));
        await Should.ThrowAsync<NotConfiguredException>(() => ring.BlindIndexKeyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_key_vault_fails_the_startup_check_and_health_saying_which_secret()
    {
        // Nothing listens on port 1: what a vault the app cannot reach (network, firewall) looks like.
        var client = new SecretClient(new Uri("https://127.0.0.1:1/"), new DefaultAzureCredential(),
            new SecretClientOptions { Retry = { MaxRetries = 0 }, DisableChallengeResourceVerification = true });
        var ring = new PrivacyKeyRing(new KeyVaultPrivacyKeySource(client));

        (await Should.ThrowAsync<NotConfiguredException>(() => ring.EnsureLoadedAsync(CancellationToken.None)))
            .Message.ShouldContain(KeyVaultPrivacyKeySource.KeyEncryptionKeySecret);
        var health = await new PrivacyKeysHealthCheck(ring).CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("privacy-keys", _ => null!, HealthStatus.Unhealthy, null) });
        health.Status.ShouldBe(HealthStatus.Unhealthy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void A_key_that_is_not_base64_of_32_bytes_is_refused(string? value) =>
        Should.Throw<NotConfiguredException>(() => PrivacyKeyBytes.Parse(value, "privacy-kek")).Message.ShouldContain("privacy-kek");

    [Fact]
    public void A_key_of_32_bytes_is_taken() =>
        PrivacyKeyBytes.Parse(Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()), "privacy-kek").Length.ShouldBe(32);

    [Theory]
    [InlineData(PrivacySettings.KeyVaultUriSetting, "http://kv-shop.vault.azure.net/")]
    [InlineData(PrivacySettings.KeyVaultUriSetting, "kv-shop")]
    [InlineData(PrivacySettings.DataKeyCacheSecondsSetting, "-1")]
    [InlineData(PrivacySettings.DataKeyCacheSecondsSetting, "3601")]
    [InlineData(PrivacySettings.DataKeyCacheSecondsSetting, "a minute")]
    public void A_setting_that_is_not_understood_stops_the_app_naming_it(string key, string value) =>
        Should.Throw<InvalidOperationException>(() => PrivacySettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build()))
            .Message.ShouldContain(key);

    [Fact]
    public void The_settings_default_to_no_vault_and_a_minute_of_key_cache()
    {
        var settings = PrivacySettings.From(new ConfigurationBuilder().Build());
        settings.KeyVaultUri.ShouldBeNull();
        settings.DataKeyCacheDuration.ShouldBe(TimeSpan.FromSeconds(60));
        PrivacySettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [PrivacySettings.KeyVaultUriSetting] = "https://kv-shop.vault.azure.net/" }).Build())
            .KeyVaultUri.ShouldBe(new Uri("https://kv-shop.vault.azure.net/"));
    }

    [Fact]
    public async Task With_no_keys_the_vault_seals_and_opens_nothing()
    {
        await using var services = Services([]);
        var ring = services.GetRequiredService<PrivacyKeyRing>();
        // The vault is built on the container it would use; no Cosmos DB call is made before the keys are needed.
        var vault = new CosmosPersonalDataVault(null!, ring, new PrivacySettings(null, TimeSpan.Zero), TimeProvider.System);
        await Should.ThrowAsync<NotConfiguredException>(() => vault.BlindIndexAsync(BlindIndexKind.Email, "a@example.com", CancellationToken.None));
    }
}
