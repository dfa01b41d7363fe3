using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>One rule for every secret setting: missing or still a Key Vault reference is unresolved, and never used.</summary>
public sealed class SecretSettingTests
{
    private const string Reference = "@Microsoft.KeyVault(SecretUri=https://kv-shop.vault.azure.net/secrets/bank-webhook-secret)";

    private static SecretSetting Read(string? value) =>
        SecretSetting.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Some:Secret"] = value }).Build(), "Some:Secret");

    [Theory]
    [InlineData(null, SecretState.Missing)]
    [InlineData("", SecretState.Missing)]
    [InlineData("   ", SecretState.Missing)]
    [InlineData(Reference, SecretState.UnresolvedKeyVaultReference)]
    [InlineData("  @microsoft.keyvault(VaultName=kv-shop;SecretName=bank-webhook-secret)", SecretState.UnresolvedKeyVaultReference)]
    [InlineData("a-real-secret-of-enough-length", SecretState.Resolved)]
    public void A_setting_is_resolved_only_when_it_holds_something_other_than_a_key_vault_reference(string? value, SecretState expected)
    {
        var secret = Read(value);

        secret.State.ShouldBe(expected);
        secret.IsResolved.ShouldBe(expected == SecretState.Resolved);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Reference)]
    public void An_unresolved_secrets_value_is_never_handed_out_but_refused_as_not_configured_naming_the_setting(string? value)
    {
        var secret = Read(value);

        secret.ValueOrNull.ShouldBeNull();
        var error = Should.Throw<NotConfiguredException>(() => secret.Value);
        error.Message.ShouldContain("Some:Secret");
        error.Message.ShouldNotContain("vault.azure.net");
    }

    [Fact]
    public void A_resolved_secret_gives_its_value_and_never_prints_it()
    {
        var secret = Read("a-real-secret-of-enough-length");

        secret.Value.ShouldBe("a-real-secret-of-enough-length");
        secret.ToString().ShouldNotContain("a-real-secret");
    }

    [Fact]
    public void A_body_signed_with_the_references_own_text_is_refused_as_not_configured_not_verified()
    {
        var body = "{\"id\":\"evt_1\"}";
        var now = DateTimeOffset.UtcNow;

        Should.Throw<NotConfiguredException>(() =>
            HmacWebhookSignature.Verify(HmacWebhookSignature.Sign(body, Reference, now), body, Reference, now, "X-Bank-Signature"));
        Should.Throw<NotConfiguredException>(() =>
            HmacWebhookSignature.Verify(HmacWebhookSignature.Sign(body, "", now), body, "", now, "X-Bank-Signature"));
        // The same body and header verify with a real secret: the refusal above is the secret's, not the signature's.
        HmacWebhookSignature.Verify(HmacWebhookSignature.Sign(body, "a-real-secret-of-enough-length", now), body, "a-real-secret-of-enough-length", now, "X-Bank-Signature");
    }

    [Fact]
    public async Task Stripes_reader_refuses_an_event_signed_with_the_references_text_as_not_configured()
    {
        var body = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\"}";
        var reader = new StripeWebhookReader("stripe", SecretSetting.Of("Payments:Stripe:WebhookSecret", Reference), TimeProvider.System);
        var headers = new Dictionary<string, string> { [StripeWebhookReader.SignatureHeader] = StripeWebhookReader.Sign(body, Reference, DateTimeOffset.UtcNow) };

        var error = await Should.ThrowAsync<NotConfiguredException>(() => reader.ReadAsync(headers, body, CancellationToken.None));

        error.Message.ShouldContain("Payments:Stripe:WebhookSecret");
    }

    [Fact]
    public void The_startup_check_names_every_unresolved_secret_and_passes_when_all_are_resolved()
    {
        var secrets = new RequiredSecrets();
        secrets.Add(SecretSetting.Of("Payments:Stripe:WebhookSecret", Reference));
        secrets.Add(SecretSetting.Of("Shipping:Carrier:WebhookSecret", null));
        secrets.Add(SecretSetting.Of("Payments:Stripe:SecretKey", "sk_test_resolved_value"));

        var error = Should.Throw<InvalidOperationException>(secrets.ThrowIfAnyUnresolved);

        error.Message.ShouldContain("Payments:Stripe:WebhookSecret: it is still a Key Vault reference");
        error.Message.ShouldContain("Shipping:Carrier:WebhookSecret: it is not set");
        error.Message.ShouldNotContain("Payments:Stripe:SecretKey");
        error.Message.ShouldNotContain("vault.azure.net");
        error.Message.ShouldNotContain("sk_test_resolved_value");
        var resolved = new RequiredSecrets();
        resolved.Add(SecretSetting.Of("Payments:Stripe:SecretKey", "sk_test_resolved_value"));
        resolved.ThrowIfAnyUnresolved();
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_naming_the_unresolved_secrets_and_healthy_when_none_is()
    {
        var secrets = new RequiredSecrets();
        secrets.Add(SecretSetting.Of("Payments:BankTransfer:WebhookSecret", Reference));
        var registration = new HealthCheckRegistration("secrets", new RequiredSecretsHealthCheck(secrets), HealthStatus.Unhealthy, null);

        var unhealthy = await new RequiredSecretsHealthCheck(secrets).CheckHealthAsync(new HealthCheckContext { Registration = registration });
        var healthy = await new RequiredSecretsHealthCheck(new RequiredSecrets()).CheckHealthAsync(new HealthCheckContext { Registration = registration });

        unhealthy.Status.ShouldBe(HealthStatus.Unhealthy);
        unhealthy.Description.ShouldBe("Not configured: Payments:BankTransfer:WebhookSecret (unresolved Key Vault reference)");
        healthy.Status.ShouldBe(HealthStatus.Healthy);
    }
}
