using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Audiences;

namespace Serverless.Shop.IntegrationTests.Marketing.Audiences;

/// <summary>
/// Without the link signing key or the Event Webhook key (missing, or a Key Vault reference App Service could not
/// resolve) the marketing audience fails closed: both are required secrets (the app does not start, /api/health names
/// them), no link is made or read, and no event is accepted (503).
/// </summary>
public sealed class MarketingSecretsNotConfiguredTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddShopMarketingAudiences(configuration);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv-shop.vault.azure.net/secrets/marketing-link-signing-key)")]
    public async Task An_unresolved_secret_is_required_and_refuses_every_use(string? value)
    {
        await using var services = Services(new()
        {
            [AudiencesRegistration.LinkSigningKeySetting] = value,
            [AudiencesRegistration.EventWebhookPublicKeySetting] = value,
        });

        var unresolved = services.GetRequiredService<RequiredSecrets>().Unresolved.Select(s => s.Key).ToList();
        unresolved.ShouldBe([AudiencesRegistration.LinkSigningKeySetting, AudiencesRegistration.EventWebhookPublicKeySetting], ignoreOrder: true);
        Should.Throw<InvalidOperationException>(() => services.GetRequiredService<RequiredSecrets>().ThrowIfAnyUnresolved())
            .Message.ShouldContain(AudiencesRegistration.EventWebhookPublicKeySetting);
        var health = await new RequiredSecretsHealthCheck(services.GetRequiredService<RequiredSecrets>()).CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("secrets", _ => null!, HealthStatus.Unhealthy, null),
        });
        health.Status.ShouldBe(HealthStatus.Unhealthy);
        health.Description!.ShouldContain(AudiencesRegistration.LinkSigningKeySetting);
        health.Description!.ShouldContain(AudiencesRegistration.EventWebhookPublicKeySetting);
        Should.Throw<NotConfiguredException>(() => services.GetRequiredService<IMarketingLinkKey>().Key).Message.ShouldContain(AudiencesRegistration.LinkSigningKeySetting);
        var reader = services.GetRequiredService<IEmailEventWebhookReader>();
        var signed = new Dictionary<string, string> { ["X-Twilio-Email-Event-Webhook-Signature"] = "MEUCIQ==", ["X-Twilio-Email-Event-Webhook-Timestamp"] = "1" };
        (await Should.ThrowAsync<NotConfiguredException>(() => reader.ReadAsync(signed, "[]", default))).Message.ShouldContain(AudiencesRegistration.EventWebhookPublicKeySetting);
    }

    [Fact]
    public void A_short_link_key_is_refused()
    {
        using var services = Services(new() { [AudiencesRegistration.LinkSigningKeySetting] = Convert.ToBase64String(new byte[16]) });
        Should.Throw<NotConfiguredException>(() => services.GetRequiredService<IMarketingLinkKey>().Key).Message.ShouldContain("too short");
    }

    [Fact]
    public async Task A_public_key_that_is_not_one_is_a_configuration_error_not_a_bad_signature()
    {
        await using var services = Services(new() { [AudiencesRegistration.EventWebhookPublicKeySetting] = "bm90IGEga2V5" });
        var signed = new Dictionary<string, string> { ["X-Twilio-Email-Event-Webhook-Signature"] = "MEUCIQ==", ["X-Twilio-Email-Event-Webhook-Timestamp"] = "1" };
        await Should.ThrowAsync<NotConfiguredException>(() => services.GetRequiredService<IEmailEventWebhookReader>().ReadAsync(signed, "[]", default));
    }

    [Fact]
    public void A_link_base_url_that_is_not_one_stops_startup()
    {
        Should.Throw<InvalidOperationException>(() => AudiencesRegistration.ReadLinkSettings(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AudiencesRegistration.LinkBaseUrlSetting] = "ftp://x" }).Build()))
            .Message.ShouldContain(AudiencesRegistration.LinkBaseUrlSetting);
    }
}
