using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Infrastructure.Shipping;

/// <summary>
/// The shop's default dispatch origin, <c>Shipping:Origin:*</c>: where parcels leave from until warehouses are joined
/// (issue 9 part 1). Latitude and longitude are required (no default: a made-up origin would price every parcel
/// wrongly); the cut-off (HH:mm, default 15:00), time zone (IANA, default Europe/Amsterdam) and holidays (yyyy-MM-dd,
/// comma-separated) are optional.
/// </summary>
public sealed record ShippingOriginSettings(DispatchOrigin? Origin, string? Problem)
{
    public const string LatitudeSetting = "Shipping:Origin:Latitude";
    public const string LongitudeSetting = "Shipping:Origin:Longitude";
    public const string CutOffSetting = "Shipping:Origin:CutOff";
    public const string TimeZoneSetting = "Shipping:Origin:TimeZone";
    public const string HolidaysSetting = "Shipping:Origin:Holidays";
    public const string NameSetting = "Shipping:Origin:Name";

    public static ShippingOriginSettings Read(IConfiguration configuration)
    {
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();
        var problems = new List<string>();
        double? Degrees(string key)
        {
            if (Value(key) is not { } text) { problems.Add($"{key} is not set."); return null; }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            problems.Add($"{key} is not a number of degrees such as 52.09: '{text}'.");
            return null;
        }
        var latitude = Degrees(LatitudeSetting);
        var longitude = Degrees(LongitudeSetting);
        var point = new GeoPoint(latitude ?? 0, longitude ?? 0);
        if (latitude is not null && longitude is not null && !point.IsOnTheGlobe()) problems.Add($"{LatitudeSetting}/{LongitudeSetting} is not a place on earth ({latitude}, {longitude}).");

        var cutOff = new TimeOnly(15, 0);
        if (Value(CutOffSetting) is { } cutOffText && !TimeOnly.TryParseExact(cutOffText, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out cutOff))
            problems.Add($"{CutOffSetting} is not a time such as 15:00: '{cutOffText}'.");
        var timeZone = Value(TimeZoneSetting) ?? "Europe/Amsterdam";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)) problems.Add($"{TimeZoneSetting} is not a time zone such as Europe/Amsterdam: '{timeZone}'.");
        var holidays = new HashSet<DateOnly>();
        foreach (var day in (Value(HolidaysSetting) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) holidays.Add(date);
            else problems.Add($"{HolidaysSetting}: '{day}' is not a date such as 2026-12-25.");
        }
        if (problems.Count > 0)
            return new(null, "Shipping options cannot be quoted (503): the default origin is not configured: " + string.Join(" ", problems) + " See docs/shipping.md.");
        return new(new DispatchOrigin(Value(NameSetting) ?? "default", point, new DispatchCalendar(cutOff, timeZone, [.. holidays.Order()])), null);
    }
}

public static class RatesRegistration
{
    /// <summary>
    /// Fees by distance and weight (<see cref="DistanceShippingRates"/>) over the zones of <c>Shipping:Zones</c> and the
    /// default origin of <c>Shipping:Origin:*</c>. Without an origin, a quote of shipping options answers 503 and
    /// <c>/api/health</c> reports <c>shipping-origin</c> unhealthy; the local host sets one.
    /// </summary>
    public static IServiceCollection AddShopShippingRates(this IServiceCollection services, IConfiguration configuration, ShippingSettings shipping)
    {
        var origin = ShippingOriginSettings.Read(configuration);
        services.AddSingleton(origin);
        // The rate table staff edit (GET/PUT /api/shipping/rates); without a saved one, the defaults from the configured zones.
        services.AddSingleton<IRateTableStore, CosmosRateTableStore>();
        services.AddSingleton(sp => new ManageRateTable(sp.GetRequiredService<IRateTableStore>(), shipping.Zones, sp.GetRequiredService<ShopSettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new DistanceShippingRates(
            sp.GetRequiredService<ManageRateTable>(), new ZoneShippingRates(shipping.Zones, sp.GetRequiredService<ShopSettings>()),
            sp.GetRequiredService<IGeocoder>(),
            origin.Origin,
            sp.GetRequiredService<IProductStore>(), sp.GetRequiredService<IWarehouseStore>(), sp.GetServices<ICarrier>(),
            sp.GetRequiredService<ShopSettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<QuoteShippingOptions>();
        services.AddHealthChecks().Add(new HealthCheckRegistration("shipping-origin", _ => new ShippingOriginHealthCheck(origin), null, null));
        return services;
    }
}

/// <summary>/api/health: unhealthy while the default origin is missing or malformed.</summary>
public sealed class ShippingOriginHealthCheck(ShippingOriginSettings origin) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(origin.Problem is { } problem ? new HealthCheckResult(context.Registration.FailureStatus, problem) : HealthCheckResult.Healthy());
}
