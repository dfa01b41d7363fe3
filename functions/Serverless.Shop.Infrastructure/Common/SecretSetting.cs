using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

public enum SecretState { Resolved, Missing, UnresolvedKeyVaultReference }

/// <summary>
/// A secret setting (a webhook signing secret, an API key) as the app received it, and whether it is usable. In Azure
/// these settings are Key Vault references; when App Service cannot resolve one (no secret yet, no access), the app gets
/// the reference's own text, <c>@Microsoft.KeyVault(SecretUri=...)</c>, which anyone can work out from the app's name.
/// So a setting that is missing or still a reference is <em>unresolved</em>, and its value is never handed out: an HMAC
/// keyed with it would accept whatever a stranger signs with that text.
/// </summary>
/// <remarks>
/// One mechanism for every secret: registrations read them with <see cref="Read"/> and register the required ones
/// (<see cref="RequiredSecrets"/>). An unresolved required secret then stops the function app at startup
/// (<see cref="RequiredSecrets.ThrowIfAnyUnresolved"/>, called by Program.cs), makes /api/health unhealthy
/// (<see cref="RequiredSecretsHealthCheck"/>), and makes the route that needs it answer 503 (<see cref="Value"/> throws
/// <see cref="NotConfiguredException"/>). Tests: SecretSettingTests, WebhookSecretsNotConfiguredTests.
/// </remarks>
public sealed class SecretSetting
{
    public const string KeyVaultReferencePrefix = "@Microsoft.KeyVault(";

    private readonly string? _value;

    private SecretSetting(string key, string? value)
    {
        Key = key;
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        State = text is null ? SecretState.Missing
            : text.StartsWith(KeyVaultReferencePrefix, StringComparison.OrdinalIgnoreCase) ? SecretState.UnresolvedKeyVaultReference
            : SecretState.Resolved;
        _value = State == SecretState.Resolved ? text : null;
    }

    /// <summary>The setting's name, e.g. <c>Payments:Stripe:WebhookSecret</c>.</summary>
    public string Key { get; }

    public SecretState State { get; }

    public bool IsResolved => State == SecretState.Resolved;

    /// <summary>The secret. </summary>
    /// <exception cref="NotConfiguredException">Unresolved: the caller answers 503 and does nothing.</exception>
    public string Value => _value ?? throw new NotConfiguredException(
        $"{Key} is not configured ({Describe()}), so nothing signed for it can be verified; the request was refused and nothing was recorded.");

    /// <summary>The secret when resolved; otherwise null (for a client that is only built, never called, until it is).</summary>
    public string? ValueOrNull => _value;

    public static SecretSetting Read(IConfiguration configuration, string key) => new(key, configuration[key]);

    /// <summary>A secret given in code (tests, a reader built by hand), judged by the same rule as a setting.</summary>
    public static SecretSetting Of(string key, string? value) => new(key, value);

    public string Describe() => State switch
    {
        SecretState.Missing => "it is not set",
        SecretState.UnresolvedKeyVaultReference => "it is still a Key Vault reference: App Service could not resolve it; check that the secret exists and the app's identity may read it, then restart the app",
        _ => "it is set",
    };

    // Never the value, whatever logs a setting.
    public override string ToString() => $"{Key} ({State})";
}

/// <summary>The secrets this deployment cannot work without, as the registrations found them.</summary>
public sealed class RequiredSecrets
{
    private readonly List<SecretSetting> _secrets = [];

    public IReadOnlyList<SecretSetting> All => _secrets;

    public IReadOnlyList<SecretSetting> Unresolved => _secrets.Where(s => !s.IsResolved).ToList();

    public SecretSetting Add(SecretSetting secret)
    {
        lock (_secrets) _secrets.Add(secret);
        return secret;
    }

    /// <summary>Stops the function app at startup, naming every unresolved secret (never a value).</summary>
    /// <exception cref="InvalidOperationException">One or more required secrets are unresolved.</exception>
    public void ThrowIfAnyUnresolved()
    {
        var unresolved = Unresolved;
        if (unresolved.Count == 0) return;
        throw new InvalidOperationException("Required secrets are not configured (see docs/configuration.md, \"Secrets\"):" + Environment.NewLine
            + string.Join(Environment.NewLine, unresolved.Select(s => $" - {s.Key}: {s.Describe()}.")));
    }
}

/// <summary>/api/health: unhealthy while a required secret is unresolved, naming the settings (never their values).</summary>
public sealed class RequiredSecretsHealthCheck(RequiredSecrets secrets) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unresolved = secrets.Unresolved;
        return Task.FromResult(unresolved.Count == 0
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus,
                "Not configured: " + string.Join(", ", unresolved.Select(s => $"{s.Key} ({(s.State == SecretState.Missing ? "missing" : "unresolved Key Vault reference")})"))));
    }
}

public static class SecretRegistration
{
    /// <summary>Records <paramref name="secret"/> as required by this deployment (one <see cref="RequiredSecrets"/> per service collection).</summary>
    public static SecretSetting AddRequiredSecret(this Microsoft.Extensions.DependencyInjection.IServiceCollection services, SecretSetting secret)
    {
        var secrets = services.FirstOrDefault(d => d.ServiceType == typeof(RequiredSecrets))?.ImplementationInstance as RequiredSecrets;
        if (secrets is null)
        {
            secrets = new RequiredSecrets();
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, secrets);
        }
        return secrets.Add(secret);
    }
}
