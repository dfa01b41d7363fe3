using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <param name="AzureMapsClientId">The Azure Maps account's client id (its <c>uniqueId</c>), sent as <c>x-ms-client-id</c>
/// (<c>Shipping:Geocoding:AzureMapsClientId</c>; Bicep sets it).</param>
/// <param name="AzureMapsEndpoint">Azure Maps' address (<c>Shipping:Geocoding:AzureMapsEndpoint</c>; default the global one).</param>
public sealed record GeocodingSettings(string? AzureMapsClientId, Uri AzureMapsEndpoint, string? EndpointProblem)
{
    public const string ClientIdSetting = "Shipping:Geocoding:AzureMapsClientId";
    public const string EndpointSetting = "Shipping:Geocoding:AzureMapsEndpoint";

    public static GeocodingSettings From(IConfiguration configuration)
    {
        var clientId = string.IsNullOrWhiteSpace(configuration[ClientIdSetting]) ? null : configuration[ClientIdSetting]!.Trim();
        var endpointText = configuration[EndpointSetting];
        if (string.IsNullOrWhiteSpace(endpointText)) return new(clientId, AzureMapsGeocoder.DefaultEndpoint, null);
        return Uri.TryCreate(endpointText.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var endpoint) && endpoint.Scheme == Uri.UriSchemeHttps
            ? new(clientId, endpoint, null)
            : new(clientId, AzureMapsGeocoder.DefaultEndpoint, $"{EndpointSetting} is not an absolute https URL: '{endpointText}'.");
    }

    /// <summary>Why addresses cannot be geocoded; null when they can.</summary>
    public string? Problem => EndpointProblem
        ?? (AzureMapsClientId is null
            ? $"Addresses cannot be geocoded (POST /api/shipping/options answers 503): {ClientIdSetting} is not set (the Azure Maps account's client id; see docs/deployment.md and docs/shipping.md)."
            : null);
}

public static class GeocodingRegistration
{
    /// <summary>
    /// The geocoder: Azure Maps when <c>Shipping:Geocoding:AzureMapsClientId</c> is set; otherwise none, and then the
    /// function app stops at startup (<see cref="ThrowIfNotConfigured"/>, from Program.cs), <c>/api/health</c> is
    /// unhealthy, and a quote answers 503. The local host replaces it with its bundled geodata; nothing else does.
    /// </summary>
    public static IServiceCollection AddShopGeocoding(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = GeocodingSettings.From(configuration);
        services.AddSingleton(settings);
        if (settings.Problem is null)
            services.AddSingleton<IGeocoder>(sp =>
            {
                var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                    { BaseAddress = settings.AzureMapsEndpoint, Timeout = Timeout.InfiniteTimeSpan };
                return new AzureMapsGeocoder(http, sp.GetRequiredService<TokenCredential>(), settings.AzureMapsClientId!,
                    ThirdPartyResilience.Create(AzureMapsGeocoder.ServiceName, ThirdPartyResilienceOptions.Default, sp.GetRequiredService<ILogger<AzureMapsGeocoder>>()));
            });
        else
            services.AddSingleton<IGeocoder>(new MissingGeocoder(settings.Problem));
        services.AddHealthChecks().Add(new HealthCheckRegistration("geocoding",
            sp => new GeocodingHealthCheck(sp.GetRequiredService<IGeocoder>()), null, null));
        return services;
    }

    /// <summary>Stops the function app at startup when no geocoder is configured, saying which setting is missing.</summary>
    /// <exception cref="InvalidOperationException">The geocoder registered is <see cref="MissingGeocoder"/>.</exception>
    public static void ThrowIfNotConfigured(IServiceProvider services)
    {
        if (services.GetRequiredService<IGeocoder>() is MissingGeocoder missing) throw new InvalidOperationException(missing.Problem);
    }
}

/// <summary>No geocoder is configured: every geocode fails (503) naming the missing setting; nothing falls back to a guess.</summary>
public sealed class MissingGeocoder(string problem) : IGeocoder
{
    public string Problem { get; } = problem;

    public Task<GeocodeResult?> GeocodeAsync(ShippingAddress address, CancellationToken ct) => throw new NotConfiguredException(Problem);
}

/// <summary>/api/health: unhealthy while no geocoder is configured.</summary>
public sealed class GeocodingHealthCheck(IGeocoder geocoder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(geocoder is MissingGeocoder missing
            ? new HealthCheckResult(context.Registration.FailureStatus, missing.Problem)
            : HealthCheckResult.Healthy());
}
