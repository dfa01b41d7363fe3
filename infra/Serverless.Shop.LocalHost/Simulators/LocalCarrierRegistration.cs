using System.Globalization;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Shipping;

namespace Serverless.Shop.LocalHost.Simulators;

public static class LocalCarrierRegistration
{
    public const string TrackingBaseUrlSetting = "Shipping:Carrier:TrackingBaseUrl";
    public const string DefaultTrackingBaseUrl = "http://localhost:7071/api/shipping/local-carrier/tracking";
    public const string SecondsPerStepSetting = "Shipping:LocalCarrier:SecondsPerStep";
    public const double MaximumSecondsPerStep = 86_400;

    /// <summary>
    /// The local carrier simulator as the shop's carrier, in place of the function app's <see cref="MissingCarrier"/>,
    /// with its webhook reader (<c>Shipping:Carrier:WebhookSecret</c>, a required secret). Only the local host calls this,
    /// so the simulator and its failure markers exist nowhere else. A developer who sets <c>Shipping:Carrier:Provider</c>
    /// gets that carrier instead (the function app's registration) and no simulator.
    /// </summary>
    /// <remarks>
    /// With <c>Shipping:LocalCarrier:SecondsPerStep</c> set (seconds, more than 0), the carrier's schedule
    /// (<see cref="LocalCarrierSchedule"/>) moves every parcel one step on its route that long after its last scan; unset
    /// or 0, parcels move only when someone presses the depot page's buttons (the tests' default: they decide).
    /// </remarks>
    /// <exception cref="InvalidOperationException">The tracking base URL is not an absolute http(s) URL, or the seconds per step are not a number from 0 to a day.</exception>
    public static IServiceCollection AddLocalCarrierSimulator(this IServiceCollection services, IConfiguration configuration, string mediaConnectionString, string apiRoutePrefix = "api")
    {
        var settings = ShippingSettings.Read(configuration);
        if (settings.CarrierProvider is not null) return services;

        var trackingBaseUrl = string.IsNullOrWhiteSpace(configuration[TrackingBaseUrlSetting]) ? DefaultTrackingBaseUrl : configuration[TrackingBaseUrlSetting]!.Trim();
        if (!Uri.TryCreate(trackingBaseUrl, UriKind.Absolute, out var tracking) || (tracking.Scheme != Uri.UriSchemeHttp && tracking.Scheme != Uri.UriSchemeHttps))
            throw new InvalidOperationException($"{TrackingBaseUrlSetting} is not an absolute http(s) URL: '{trackingBaseUrl}'.");

        var perStep = SecondsPerStep(configuration);

        services.AddRequiredSecret(settings.WebhookSecret);
        services.RemoveAll<ICarrier>();
        services.AddSingleton(sp => new LocalCarrierSimulator(
            new BlobServiceClient(mediaConnectionString).GetBlobContainerClient(LocalCarrierSimulator.ContainerName),
            new LocalCarrierOptions(settings.WebhookSecret.ValueOrNull ?? "", trackingBaseUrl.TrimEnd('/')),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalCarrierSimulator>>()));
        services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<LocalCarrierSimulator>());
        // The carrier's webhooks go to this host, at the address it listens on (a free port in tests).
        services.AddSingleton(sp => new LocalCarrierCourier(sp.GetRequiredService<LocalCarrierSimulator>(),
            () => new Uri(sp.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/"),
            apiRoutePrefix.Trim('/'), sp.GetRequiredService<ILogger<LocalCarrierCourier>>()));
        if (perStep is { } step)
        {
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LocalCarrierSchedule>(sp, step));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LocalCarrierSchedule>());
        }
        services.AddSingleton<ITrackingWebhookReader>(sp =>
            new HmacTrackingWebhookReader(LocalCarrierSimulator.CarrierName, settings.WebhookSecret, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>The schedule's step from <see cref="SecondsPerStepSetting"/>; null (no schedule) when unset or 0.</summary>
    /// <exception cref="InvalidOperationException">Not a number of seconds from 0 to <see cref="MaximumSecondsPerStep"/>.</exception>
    public static TimeSpan? SecondsPerStep(IConfiguration configuration)
    {
        var text = configuration[SecondsPerStepSetting];
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > MaximumSecondsPerStep)
            throw new InvalidOperationException($"{SecondsPerStepSetting} is a number of seconds from 0 (no schedule) to {MaximumSecondsPerStep}, not '{text}'.");
        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }
}
