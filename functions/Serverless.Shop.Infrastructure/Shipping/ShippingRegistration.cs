using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

public static class ShippingRegistration
{
    /// <summary>
    /// Shipping rates by zone, the local carrier simulator and its webhook reader, from <c>Shipping:*</c>
    /// (docs/configuration.md). The settings are read and checked now, so a bad zone stops the app at startup.
    /// </summary>
    public static IServiceCollection AddShopShipping(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ShippingSettings.Read(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddRequiredSecret(settings.WebhookSecret);

        services.AddSingleton<IShippingRates>(sp => new ZoneShippingRates(settings.Zones, sp.GetRequiredService<ShopSettings>()));
        services.AddSingleton<QuoteShipping>();
        services.AddShopGeocoding(configuration);
        services.AddShopShippingRates(configuration, settings);

        // The simulator keeps its shipments beside the product images: Azurite locally, the media account in Azure.
        services.AddSingleton(sp =>
        {
            var media = MediaAndMessagingSettings.Read(configuration).Media;
            var blobs = media.ConnectionString is { } connectionString
                ? new BlobServiceClient(connectionString)
                : new BlobServiceClient(media.BlobServiceUri, sp.GetRequiredService<TokenCredential>());
            return new LocalCarrierSimulator(
                blobs.GetBlobContainerClient(LocalCarrierSimulator.ContainerName), settings.Carrier,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalCarrierSimulator>>());
        });
        services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<LocalCarrierSimulator>());
        services.AddSingleton<ITrackingWebhookReader>(sp =>
            new HmacTrackingWebhookReader(LocalCarrierSimulator.CarrierName, settings.WebhookSecret, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}

/// <summary>The settings of <see cref="ShippingRegistration.AddShopShipping"/>, read and checked in one go.</summary>
/// <param name="WebhookSecret">What the carrier signs tracking webhooks with; a required secret (<see cref="SecretSetting"/>):
/// no default here, the local host makes one up per process.</param>
public sealed record ShippingSettings(string ShopCountry, IReadOnlyList<ShippingZone> Zones, LocalCarrierOptions Carrier, SecretSetting WebhookSecret)
{
    public const string WebhookSecretSetting = "Shipping:Carrier:WebhookSecret";

    public const string DefaultShopCountry = "NL";
    public const string DefaultTrackingBaseUrl = "http://localhost:7071/api/shipping/local-carrier/tracking";
    public const int MinimumSecretLength = 16;

    /// <summary>The member states of the European Union.</summary>
    public static readonly IReadOnlyList<string> EuropeanUnion =
        ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"];

    /// <summary>Where the default zones ship outside the EU. Every other country is not shipped to (e.g. BR, RU, AQ).</summary>
    public static readonly IReadOnlyList<string> DefaultRestOfWorld = ["GB", "CH", "NO", "IS", "US", "CA", "AU", "NZ", "JP", "SG"];

    /// <summary>
    /// The zones when <c>Shipping:Zones</c> is not set: the shop's own country, the rest of the EU, and a short list of
    /// other countries; fees in the shop's currency, all with the local carrier.
    /// </summary>
    public static IReadOnlyList<ShippingZone> DefaultZones(string shopCountry) =>
    [
        new("domestic", [shopCountry], LocalCarrierSimulator.CarrierName, "standard", 4.95m, 0.50m, 50m, 1, 2),
        new("eu", EuropeanUnion.Where(c => c != shopCountry).ToList(), LocalCarrierSimulator.CarrierName, "europe", 9.95m, 1.00m, 100m, 2, 5),
        new("rest-of-world", DefaultRestOfWorld.Where(c => c != shopCountry).ToList(), LocalCarrierSimulator.CarrierName, "international", 24.95m, 2.50m, 250m, 5, 12),
    ];

    /// <exception cref="InvalidOperationException">Listing every missing or malformed setting at once.</exception>
    public static ShippingSettings Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var shopCountry = Value("Shipping:ShopCountry") ?? DefaultShopCountry;
        if (shopCountry is not { Length: 2 } || !shopCountry.All(char.IsAsciiLetterUpper))
            problems.Add($"Shipping:ShopCountry must be an ISO 3166-1 alpha-2 code in capitals, such as NL: '{shopCountry}'.");

        var zonesSection = configuration.GetSection("Shipping:Zones");
        var zones = zonesSection.GetChildren().Any() ? ReadZones(zonesSection, problems) : DefaultZones(shopCountry);
        var currency = Value("Shop:Currency") ?? "EUR";
        problems.AddRange(ZoneShippingRates.Problems(zones, currency).Select(p => "Shipping:Zones: " + p));

        // Missing or unresolved, the carrier's webhook answers 503 (and the app does not start in Azure): never a default.
        var secret = SecretSetting.Read(configuration, WebhookSecretSetting);
        if (secret.ValueOrNull is { Length: < MinimumSecretLength })
            problems.Add($"{WebhookSecretSetting} must be at least {MinimumSecretLength} characters.");

        var trackingBaseUrl = Value("Shipping:Carrier:TrackingBaseUrl") ?? DefaultTrackingBaseUrl;
        if (!Uri.TryCreate(trackingBaseUrl, UriKind.Absolute, out var tracking) || (tracking.Scheme != Uri.UriSchemeHttp && tracking.Scheme != Uri.UriSchemeHttps))
            problems.Add($"Shipping:Carrier:TrackingBaseUrl is not an absolute http(s) URL: '{trackingBaseUrl}'.");

        if (problems.Count > 0)
            throw new InvalidOperationException("Shipping is not configured (see docs/configuration.md):" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));

        return new ShippingSettings(shopCountry, zones,
            new LocalCarrierOptions(secret.ValueOrNull ?? "", trackingBaseUrl.TrimEnd('/')), secret);
    }

    // Shipping:Zones:0:Name, :Countries (a list, or one comma-separated value as an app setting holds it), :Carrier,
    // :Service, :BaseFee, :FeePerAdditionalItem, :FreeShippingThreshold (optional), :EstimatedDaysMin, :EstimatedDaysMax.
    private static List<ShippingZone> ReadZones(IConfigurationSection section, List<string> problems)
    {
        var zones = new List<ShippingZone>();
        foreach (var zone in section.GetChildren())
        {
            var key = $"Shipping:Zones:{zone.Key}";
            string? Text(string name) => string.IsNullOrWhiteSpace(zone[name]) ? null : zone[name]!.Trim();
            decimal? Amount(string name, bool required)
            {
                var text = Text(name);
                if (text is null)
                {
                    if (required) problems.Add($"{key}:{name} is required.");
                    return null;
                }
                if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return value;
                problems.Add($"{key}:{name} is not an amount such as 4.95: '{text}'.");
                return null;
            }
            int Days(string name)
            {
                if (int.TryParse(Text(name), NumberStyles.None, CultureInfo.InvariantCulture, out var days)) return days;
                problems.Add($"{key}:{name} must be a whole number of days.");
                return 0;
            }

            var countries = zone.GetSection("Countries") is { Value: { Length: > 0 } list }
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : zone.GetSection("Countries").GetChildren().Select(c => c.Value?.Trim()).OfType<string>().ToArray();
            zones.Add(new ShippingZone(
                Text("Name") ?? "", countries, Text("Carrier") ?? LocalCarrierSimulator.CarrierName, Text("Service") ?? "",
                Amount("BaseFee", required: true) ?? 0, Amount("FeePerAdditionalItem", required: false) ?? 0, Amount("FreeShippingThreshold", required: false),
                Days("EstimatedDaysMin"), Days("EstimatedDaysMax")));
        }
        return zones;
    }
}
