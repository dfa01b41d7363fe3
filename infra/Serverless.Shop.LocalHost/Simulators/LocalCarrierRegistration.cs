using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

public static class LocalCarrierRegistration
{
    public const string TrackingBaseUrlSetting = "Shipping:Carrier:TrackingBaseUrl";
    public const string DefaultTrackingBaseUrl = "http://localhost:7071/api/shipping/local-carrier/tracking";

    /// <summary>
    /// The local carrier simulator as the shop's carrier, in place of the function app's <see cref="MissingCarrier"/>,
    /// with its webhook reader (<c>Shipping:Carrier:WebhookSecret</c>, a required secret). Only the local host calls this,
    /// so the simulator and its failure markers exist nowhere else. A developer who sets <c>Shipping:Carrier:Provider</c>
    /// gets that carrier instead (the function app's registration) and no simulator.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tracking base URL is not an absolute http(s) URL.</exception>
    public static IServiceCollection AddLocalCarrierSimulator(this IServiceCollection services, IConfiguration configuration, string mediaConnectionString)
    {
        var settings = ShippingSettings.Read(configuration);
        if (settings.CarrierProvider is not null) return services;

        var trackingBaseUrl = string.IsNullOrWhiteSpace(configuration[TrackingBaseUrlSetting]) ? DefaultTrackingBaseUrl : configuration[TrackingBaseUrlSetting]!.Trim();
        if (!Uri.TryCreate(trackingBaseUrl, UriKind.Absolute, out var tracking) || (tracking.Scheme != Uri.UriSchemeHttp && tracking.Scheme != Uri.UriSchemeHttps))
            throw new InvalidOperationException($"{TrackingBaseUrlSetting} is not an absolute http(s) URL: '{trackingBaseUrl}'.");

        services.AddRequiredSecret(settings.WebhookSecret);
        services.RemoveAll<ICarrier>();
        services.AddSingleton(sp => new LocalCarrierSimulator(
            new BlobServiceClient(mediaConnectionString).GetBlobContainerClient(LocalCarrierSimulator.ContainerName),
            new LocalCarrierOptions(settings.WebhookSecret.ValueOrNull ?? "", trackingBaseUrl.TrimEnd('/')),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalCarrierSimulator>>()));
        services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<LocalCarrierSimulator>());
        services.AddSingleton<ITrackingWebhookReader>(sp =>
            new HmacTrackingWebhookReader(LocalCarrierSimulator.CarrierName, settings.WebhookSecret, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
