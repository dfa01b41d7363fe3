using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Payments;

namespace Serverless.Shop.Infrastructure.Pricing;

/// <summary>The settings of the tax source (docs/configuration.md, docs/pricing.md#tax), read and checked in one go.</summary>
/// <param name="Problem">Why tax cannot be worked out (no source, an unknown one, a Stripe key missing); null when all is well.</param>
public sealed record TaxSettings(string? Source, StripeTaxSettings? Stripe, string? Problem)
{
    public const string RatesSource = "rates";
    public static readonly IReadOnlyList<string> Sources = [RatesSource, StripeTaxService.SourceName];

    public static TaxSettings Read(IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();
        var source = Value("Tax:Source")?.ToLowerInvariant();
        if (source is null)
            return new(null, null, $"Tax:Source is not set: set it to {string.Join(" or ", Sources)} (docs/pricing.md#tax). Until then nothing can be priced with tax, and checkout is refused.");
        if (!Sources.Contains(source))
            return new(source, null, $"Tax:Source is '{source}', which is not a tax source: set it to {string.Join(" or ", Sources)} (docs/pricing.md#tax).");
        if (source == RatesSource) return new(source, null, null);

        var problems = new List<string>();
        // The card gateway's Stripe key serves tax too, unless tax has its own (a restricted key with Tax access only).
        var secretKey = Value("Tax:Stripe:SecretKey") ?? Value("Payments:Stripe:SecretKey");
        if (secretKey is null) problems.Add("Tax:Source is stripe but no Stripe secret key is set: set Tax:Stripe:SecretKey or Payments:Stripe:SecretKey (in Azure, a Key Vault reference).");
        else if (secretKey.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
            problems.Add("The Stripe secret key for tax is an unresolved Key Vault reference: check the secret exists and the app's identity may read it.");
        var apiBase = Value("Tax:Stripe:ApiBase") ?? Value("Payments:Stripe:ApiBase");
        if (apiBase is not null && !(Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            problems.Add($"Tax:Stripe:ApiBase is not an absolute http(s) URL: '{apiBase}'.");
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("Tax:Stripe:TaxCodes").GetChildren())
        {
            if (entry.Value is not { } code || !TaxCode.IsMatch(code.Trim()))
                problems.Add($"Tax:Stripe:TaxCodes:{entry.Key} is '{entry.Value}'; a Stripe product tax code looks like txcd_99999999.");
            else codes[entry.Key] = code.Trim();
        }
        var shippingCode = Value("Tax:Stripe:ShippingTaxCode") ?? StripeTaxOptions.DefaultShippingTaxCode;
        if (!TaxCode.IsMatch(shippingCode)) problems.Add($"Tax:Stripe:ShippingTaxCode is '{shippingCode}'; a Stripe tax code looks like txcd_92010001.");
        return problems.Count > 0
            ? new(source, null, string.Join(" ", problems))
            : new(source, new StripeTaxSettings(secretKey!, apiBase, new StripeTaxOptions(codes, shippingCode)), null);
    }

    private static readonly Regex TaxCode = new("^txcd_[0-9]{8}$", RegexOptions.CultureInvariant);
}

public sealed record StripeTaxSettings(string SecretKey, string? ApiBase, StripeTaxOptions Options)
{
    // A record prints its properties; the key must not end up in a log that way.
    public override string ToString() => $"StripeTaxSettings {{ ApiBase = {ApiBase ?? "Stripe's"} }}";
}

public static class TaxRegistration
{
    /// <summary>A checkout waits for the tax: a few quick attempts, not the minute a queue function may spend.</summary>
    public static readonly ThirdPartyResilienceOptions StripeTaxResilience = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(8),
        TotalTimeout = TimeSpan.FromSeconds(20),
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(500),
        MaxRetryDelay = TimeSpan.FromSeconds(4),
    };

    /// <summary>
    /// The tax source chosen by <c>Tax:Source</c>: <c>rates</c> (the managed rates in Cosmos DB) or <c>stripe</c> (Stripe
    /// Tax). There is no default. A missing or unknown source, or a Stripe source without a key, does not stop the
    /// app: it is logged as critical at startup, reported by /api/health (<c>tax</c>: unhealthy), and every route that
    /// needs tax answers 503 saying why; the rest of the shop (the catalog, the admin API that fixes the rates) keeps
    /// working. The managed rates' store and use case are registered whatever the source, so rates can be prepared
    /// before switching to them.
    /// </summary>
    public static IServiceCollection AddShopTax(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = TaxSettings.Read(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<CosmosTaxRateStore>();
        services.AddSingleton<ITaxRateStore>(sp => sp.GetRequiredService<CosmosTaxRateStore>());
        services.AddSingleton<ITaxRateCatalog>(sp => sp.GetRequiredService<CosmosTaxRateStore>());
        services.AddSingleton<ManageTaxRates>();
        services.AddSingleton(sp => settings switch
        {
            { Problem: { } problem } => TaxSource.NotConfigured(problem),
            { Source: TaxSettings.RatesSource } => TaxSource.FromRates(sp.GetRequiredService<ITaxRateCatalog>()),
            { Stripe: { } stripe } => TaxSource.FromService(new StripeTaxService(
                StripeCardGateway.CreateClient(stripe.SecretKey, stripe.ApiBase), stripe.Options,
                ThirdPartyResilience.Create(StripeTaxService.ServiceName, StripeTaxResilience, sp.GetRequiredService<ILogger<StripeTaxService>>(), sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<ILogger<StripeTaxService>>())),
            _ => throw new InvalidOperationException("Unreachable: the tax settings were checked."),
        });
        services.AddHostedService<TaxConfigurationCheck>();
        services.AddHealthChecks().Add(new HealthCheckRegistration("tax", sp => new TaxHealthCheck(sp.GetRequiredService<TaxSource>()), null, null, TimeSpan.FromSeconds(10)));
        return services;
    }
}

/// <summary>Says at startup, as loudly as the log can, that tax is not configured (the app stays up to say so in /api/health and on every priced route).</summary>
public sealed class TaxConfigurationCheck(TaxSource source, ILogger<TaxConfigurationCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (source.Problem is { } problem) logger.LogCritical("Tax is not configured; carts and checkout are refused until it is: {Problem}", problem);
        else logger.LogInformation("Tax comes from {TaxSource}.", source.Name);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Unhealthy without a tax source; degraded when the managed table is empty (every checkout would be refused); healthy otherwise.</summary>
public sealed class TaxHealthCheck(TaxSource source) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (source.Problem is { } problem) return HealthCheckResult.Unhealthy(problem, new TaxNotConfiguredException(problem));
        if (source.Service is not null) return HealthCheckResult.Healthy($"Tax from {source.Name}.");
        try
        {
            var rates = await source.RatesForPricingAsync(cancellationToken);
            return rates is RateTableTaxRates { Count: 0 }
                ? HealthCheckResult.Degraded("The managed tax rate table is empty: every checkout is refused until rates are added.", new NoTaxRatesException())
                : HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The tax rates could not be read.", e);
        }
    }
}

/// <summary>What /api/health names when the managed rate table is empty.</summary>
public sealed class NoTaxRatesException() : Exception("The managed tax rate table is empty.");
