using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Shipping;

public static class ShippingRegistration
{
    public const string HealthCheckName = "carrier";

    /// <summary>
    /// Shipping rates (by zone, distance and weight: AddShopShippingRates) and the carrier chosen by <c>Shipping:Carrier:Provider</c>, from <c>Shipping:*</c>
    /// (docs/configuration.md). The settings are read and checked now, so a bad zone stops the app at startup. With no
    /// provider the carrier is <see cref="MissingCarrier"/>: the app starts, /api/health reports <c>carrier</c> unhealthy
    /// and checkout refuses with 503. The local carrier simulator is never registered here: only the local host wires it
    /// (AddLocalCarrierSimulator), so in Azure it and its failure markers do not exist.
    /// </summary>
    public static IServiceCollection AddShopShipping(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ShippingSettings.Read(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);

        services.AddSingleton<QuoteShipping>();
        services.AddShopGeocoding(configuration);
        services.AddShopShippingRates(configuration, settings);

        if (settings.CarrierProvider is null)
            services.AddSingleton<ICarrier>(new MissingCarrier(ShippingSettings.NoCarrierProblem));
        else
            services.AddRequiredSecret(settings.WebhookSecret);

        if (settings.EasyPost is { } easyPost)
        {
            services.AddRequiredSecret(easyPost.ApiKey);
            services.AddSingleton(sp =>
            {
                // Labels are kept beside the product images: the media account in Azure, Azurite locally.
                var media = MediaAndMessagingSettings.Read(configuration).Media;
                var blobs = media.ConnectionString is { } connectionString
                    ? new BlobServiceClient(connectionString)
                    : new BlobServiceClient(media.BlobServiceUri, sp.GetRequiredService<TokenCredential>());
                var logger = sp.GetRequiredService<ILogger<EasyPostCarrier>>();
                // An unresolved key stops the function app at startup; a placeholder is refused by EasyPost, so nothing is bought.
                return new EasyPostCarrier(EasyPostCarrier.CreateHttpClient(easyPost.ApiBase, easyPost.ApiKey.ValueOrNull ?? "not-configured"),
                    easyPost.Options, blobs.GetBlobContainerClient(EasyPostCarrier.ContainerName),
                    ThirdPartyResilience.Create(EasyPostCarrier.ServiceName, ThirdPartyResilienceOptions.Default, logger, sp.GetRequiredService<TimeProvider>()), logger);
            });
            services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<EasyPostCarrier>());
            services.AddSingleton<ITrackingWebhookReader>(sp =>
                new EasyPostWebhookReader(settings.WebhookSecret, sp.GetRequiredService<EasyPostCarrier>().FindParcelAsync));
        }
        services.AddHealthChecks().Add(new HealthCheckRegistration(HealthCheckName,
            sp => new CarrierHealthCheck(sp.GetServices<ICarrier>()), null, null));
        return services;
    }
}

/// <summary>/api/health: unhealthy while no carrier is configured (checkout answers 503), saying which setting to set.</summary>
public sealed class CarrierHealthCheck(IEnumerable<ICarrier> carriers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var all = carriers.ToList();
        var real = all.Where(c => c is not MissingCarrier).Select(c => c.Name).ToList();
        return Task.FromResult(real.Count > 0
            ? HealthCheckResult.Healthy($"Carrier: {string.Join(", ", real)}.")
            : new HealthCheckResult(context.Registration.FailureStatus, all.OfType<MissingCarrier>().FirstOrDefault()?.Problem ?? ShippingSettings.NoCarrierProblem));
    }
}

/// <summary>The settings of <see cref="ShippingRegistration.AddShopShipping"/>, read and checked in one go.</summary>
/// <param name="CarrierProvider">The carrier's API (<c>Shipping:Carrier:Provider</c>); null: none is configured (<see cref="MissingCarrier"/>).</param>
/// <param name="WebhookSecret">What the carrier signs tracking webhooks with; a required secret (<see cref="SecretSetting"/>)
/// of the configured carrier: no default here, the local host makes one up per process for its simulator.</param>
/// <param name="EasyPost">EasyPost's settings when it is the provider; else null.</param>
public sealed record ShippingSettings(string ShopCountry, IReadOnlyList<ShippingZone> Zones, string? CarrierProvider, SecretSetting WebhookSecret, EasyPostSettings? EasyPost = null)
{
    public const string WebhookSecretSetting = "Shipping:Carrier:WebhookSecret";
    public const string ProviderSetting = "Shipping:Carrier:Provider";

    /// <summary>
    /// The name the local host's carrier simulator goes by, and the zones' carrier when no provider is set (in Azure
    /// checkout is then refused before a quote is used; locally the simulator takes the parcels).
    /// </summary>
    public const string LocalCarrierName = "local-carrier";

    /// <summary>The carrier APIs the function app can talk to.</summary>
    public static readonly IReadOnlyList<string> KnownProviders = [EasyPostCarrier.CarrierName];

    public const string NoCarrierProblem =
        $"No carrier is configured, so nothing can be shipped and checkout is refused (503): set {ProviderSetting} and the carrier's settings. See docs/shipping.md#carriers-and-tracking.";

    public const string DefaultShopCountry = "NL";
    public const int MinimumSecretLength = 16;

    /// <summary>The member states of the European Union.</summary>
    public static readonly IReadOnlyList<string> EuropeanUnion =
        ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"];

    /// <summary>Where the default zones ship outside the EU. Every other country is not shipped to (e.g. BR, RU, AQ).</summary>
    public static readonly IReadOnlyList<string> DefaultRestOfWorld = ["GB", "CH", "NO", "IS", "US", "CA", "AU", "NZ", "JP", "SG"];

    /// <summary>
    /// The zones when <c>Shipping:Zones</c> is not set: the shop's own country, the rest of the EU, and a short list of
    /// other countries; fees in the shop's currency, all with the configured carrier (the local carrier when none is).
    /// </summary>
    public static IReadOnlyList<ShippingZone> DefaultZones(string shopCountry, string? carrier = null) =>
    [
        new("domestic", [shopCountry], carrier ?? LocalCarrierName, "standard", 4.95m, 0.50m, 50m, 1, 2),
        new("eu", EuropeanUnion.Where(c => c != shopCountry).ToList(), carrier ?? LocalCarrierName, "europe", 9.95m, 1.00m, 100m, 2, 5),
        new("rest-of-world", DefaultRestOfWorld.Where(c => c != shopCountry).ToList(), carrier ?? LocalCarrierName, "international", 24.95m, 2.50m, 250m, 5, 12),
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
        var provider = Value(ProviderSetting)?.ToLowerInvariant();
        if (provider is not null && !KnownProviders.Contains(provider))
            problems.Add(KnownProviders.Count == 0
                ? $"{ProviderSetting} names no carrier this app knows: '{provider}'. Leave it unset until one is configured."
                : $"{ProviderSetting} must be {string.Join(" or ", KnownProviders)}, not '{provider}'.");
        var zones = zonesSection.GetChildren().Any() ? ReadZones(zonesSection, provider, problems) : DefaultZones(shopCountry, provider);
        var currency = Value("Shop:Currency") ?? "EUR";
        problems.AddRange(ZoneShippingRates.Problems(zones, currency).Select(p => "Shipping:Zones: " + p));

        // Missing or unresolved, the carrier's webhook answers 503 (and, with a carrier configured, the app does not start in Azure): never a default.
        var secret = SecretSetting.Read(configuration, WebhookSecretSetting);
        if (secret.ValueOrNull is { Length: < MinimumSecretLength })
            problems.Add($"{WebhookSecretSetting} must be at least {MinimumSecretLength} characters.");

        var easyPost = provider == EasyPostCarrier.CarrierName ? EasyPostSettings.Read(configuration, Value, problems) : null;

        if (problems.Count > 0)
            throw new InvalidOperationException("Shipping is not configured (see docs/configuration.md):" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));

        return new ShippingSettings(shopCountry, zones, provider, secret, easyPost);
    }

    // Shipping:Zones:0:Name, :Countries (a list, or one comma-separated value as an app setting holds it), :Carrier,
    // :Service, :BaseFee, :FeePerAdditionalItem, :FreeShippingThreshold (optional), :EstimatedDaysMin, :EstimatedDaysMax.
    private static List<ShippingZone> ReadZones(IConfigurationSection section, string? carrier, List<string> problems)
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
                Text("Name") ?? "", countries, Text("Carrier") ?? carrier ?? LocalCarrierName, Text("Service") ?? "",
                Amount("BaseFee", required: true) ?? 0, Amount("FeePerAdditionalItem", required: false) ?? 0, Amount("FreeShippingThreshold", required: false),
                Days("EstimatedDaysMin"), Days("EstimatedDaysMax")));
        }
        return zones;
    }
}

/// <summary>EasyPost's settings (<c>Shipping:Carrier:*</c> with <c>Provider</c> <c>easypost</c>, docs/configuration.md).</summary>
/// <param name="ApiKey">The API key (a Key Vault reference in Azure): a required secret.</param>
public sealed record EasyPostSettings(SecretSetting ApiKey, Uri ApiBase, EasyPostOptions Options)
{
    public const string ApiKeySetting = "Shipping:Carrier:ApiKey";
    public const int DefaultParcelWeightGramsPerUnit = 500;

    // A record prints its properties; the key must not end up in a log that way (SecretSetting prints only its name and state).
    public override string ToString() => $"EasyPostSettings {{ ApiBase = {ApiBase}, ApiKey = {ApiKey} }}";

    internal static EasyPostSettings Read(IConfiguration configuration, Func<string, string?> value, List<string> problems)
    {
        var apiBaseText = value("Shipping:Carrier:ApiBase");
        Uri? apiBase = EasyPostCarrier.DefaultApiBase;
        if (apiBaseText is not null && (!Uri.TryCreate(apiBaseText, UriKind.Absolute, out apiBase) || (apiBase.Scheme != Uri.UriSchemeHttps && apiBase.Scheme != Uri.UriSchemeHttp)))
        {
            problems.Add($"Shipping:Carrier:ApiBase is not an absolute http(s) URL: '{apiBaseText}'.");
            apiBase = EasyPostCarrier.DefaultApiBase;
        }

        var from = new ShippingAddress(value("Shipping:Carrier:ShipFrom:Name"), value("Shipping:Carrier:ShipFrom:Line1"), value("Shipping:Carrier:ShipFrom:Line2"),
            value("Shipping:Carrier:ShipFrom:City"), value("Shipping:Carrier:ShipFrom:PostalCode"), value("Shipping:Carrier:ShipFrom:Region"),
            value("Shipping:Carrier:ShipFrom:Country"), value("Shipping:Carrier:ShipFrom:Phone"));
        var v = new Validator();
        ShippingAddressRules.Validate(from, "Shipping:Carrier:ShipFrom", v);
        if (!v.IsValid)
        {
            try { v.ThrowIfInvalid(); }
            catch (ValidationFailedException invalid)
            {
                foreach (var (field, messages) in invalid.Errors)
                    problems.Add($"{field.Replace('.', ':')} {string.Join(" ", messages)} (where parcels leave from; EasyPost needs it).");
            }
        }

        var weight = DefaultParcelWeightGramsPerUnit;
        if (value("Shipping:Carrier:ParcelWeightGramsPerUnit") is { } weightText
            && (!int.TryParse(weightText, NumberStyles.None, CultureInfo.InvariantCulture, out weight) || weight is < 1 or > 70_000))
            problems.Add($"Shipping:Carrier:ParcelWeightGramsPerUnit must be a whole number of grams from 1 to 70000: '{weightText}'.");

        return new EasyPostSettings(SecretSetting.Read(configuration, ApiKeySetting), apiBase, new EasyPostOptions(from, weight));
    }
}
