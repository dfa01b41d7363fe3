using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Storefront;

public static class StorefrontRegistration
{
    public const string PublicBaseUrlSetting = "Storefront:PublicBaseUrl";
    public const string ApiBaseUrlSetting = "Storefront:ApiBaseUrl";
    public const string ShopNameSetting = "Storefront:ShopName";
    public const string FrontDoorEndpointSetting = "Storefront:FrontDoor:EndpointResourceId";
    public const string FrontDoorManagementUrlSetting = "Storefront:FrontDoor:ManagementUrl";
    public const string DefaultShopName = "Serverless.Shop";

    /// <summary>
    /// The storefront: its settings, the page renderer, the sitemap files in Blob Storage, the CDN purge (Front Door),
    /// the use cases, and notices of catalog changes (the product and taxonomy stores are wrapped, so it must come after
    /// them). In Azure a missing public address or Front Door endpoint stops the app at startup
    /// (<see cref="ThrowIfNotConfigured"/>), shows in /api/health, and makes the routes that need it answer 503; only
    /// the local host supplies its own address and a recording purge (StorefrontNotConfiguredTests).
    /// </summary>
    public static IServiceCollection AddShopStorefront(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReadSite(configuration));
        var frontDoor = ReadFrontDoor(configuration);
        if (frontDoor is not null)
            services.AddSingleton<ICdnPurge>(sp => new FrontDoorCdnPurge(new HttpClient(), sp.GetRequiredService<TokenCredential>(), frontDoor,
                ThirdPartyResilience.Create(FrontDoorCdnPurge.ServiceName, ThirdPartyResilienceOptions.Default,
                    sp.GetRequiredService<ILogger<FrontDoorCdnPurge>>(), sp.GetRequiredService<TimeProvider>())));
        else
            services.AddSingleton<ICdnPurge>(new CdnNotConfigured());

        services.AddSingleton<IStorefrontPageRenderer, ScribanPageRenderer>();
        services.AddSingleton<ISitemapFiles>(sp => configuration["Media:ConnectionString"] is { Length: > 0 } connectionString
            ? new BlobSitemapFiles(new BlobServiceClient(connectionString), createContainerIfMissing: true)
            : new BlobSitemapFiles(new BlobServiceClient(new Uri(configuration["Media:BlobServiceUri"]!), sp.GetRequiredService<TokenCredential>()), createContainerIfMissing: false));
        services.AddSingleton<ReadStorefrontPages>();
        services.AddSingleton<AuditCatalogSeo>();
        services.AddSingleton<PublishSitemaps>();
        services.AddSingleton<RefreshStorefront>();

        services.AddSingleton<StorefrontChangeNotices>();
        Decorate<IProductStore>(services, (sp, inner) => new ProductStoreWithStorefrontNotices(inner, sp.GetRequiredService<StorefrontChangeNotices>()));
        Decorate<ITaxonomyStore>(services, (sp, inner) => new TaxonomyStoreWithStorefrontNotices(inner, sp.GetRequiredService<StorefrontChangeNotices>()));

        services.AddHealthChecks().Add(new HealthCheckRegistration("storefront",
            sp => new StorefrontHealthCheck(sp), null, null, TimeSpan.FromSeconds(5)));
        return services;
    }

    /// <summary>What is missing for the storefront, or null when it is configured.</summary>
    public static string? Problem(IServiceProvider services)
    {
        var problems = new List<string>();
        try { _ = services.GetRequiredService<StorefrontSite>().Settings; }
        catch (NotConfiguredException e) { problems.Add(e.Message); }
        if (services.GetRequiredService<ICdnPurge>() is CdnNotConfigured not) problems.Add(not.Message);
        return problems.Count == 0 ? null : string.Join(" ", problems);
    }

    /// <summary>Called by the function app at startup (Program.cs): a storefront without its settings stops the app, naming them.</summary>
    public static void ThrowIfNotConfigured(IServiceProvider services)
    {
        if (Problem(services) is { } problem) throw new InvalidOperationException(problem);
    }

    /// <exception cref="InvalidOperationException">A setting is present but not understood.</exception>
    public static StorefrontSite ReadSite(IConfiguration configuration)
    {
        var publicBase = AbsoluteUrl(configuration, PublicBaseUrlSetting);
        var apiBase = AbsoluteUrl(configuration, ApiBaseUrlSetting)
            ?? (Value(configuration, "WEBSITE_HOSTNAME") is { } host ? new Uri($"https://{host}/api") : null);
        var name = Value(configuration, ShopNameSetting) ?? DefaultShopName;
        if (publicBase is null)
            return StorefrontSite.NotConfigured($"{PublicBaseUrlSetting} is not set: the storefront's public address (the Front Door endpoint), which canonical URLs and sitemaps name. See docs/configuration.md.");
        if (apiBase is null)
            return StorefrontSite.NotConfigured($"{ApiBaseUrlSetting} is not set (nor WEBSITE_HOSTNAME): the API the storefront's pages call. See docs/configuration.md.");
        return new StorefrontSite(new StorefrontSettings(publicBase, name, apiBase));
    }

    private static FrontDoorSettings? ReadFrontDoor(IConfiguration configuration)
    {
        if (Value(configuration, FrontDoorEndpointSetting) is not { } endpoint) return null;
        if (!endpoint.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) || !endpoint.Contains("/afdEndpoints/", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{FrontDoorEndpointSetting} must be the endpoint's resource id (/subscriptions/.../afdEndpoints/<name>), not '{endpoint}'. See docs/configuration.md.");
        return new FrontDoorSettings(endpoint, AbsoluteUrl(configuration, FrontDoorManagementUrlSetting) ?? new Uri("https://management.azure.com/"));
    }

    private static Uri? AbsoluteUrl(IConfiguration configuration, string key) => Value(configuration, key) switch
    {
        null => null,
        var text when Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" => uri,
        var text => throw new InvalidOperationException($"{key} must be an absolute http(s) URL, not '{text}'. See docs/configuration.md."),
    };

    private static string? Value(IConfiguration configuration, string key) =>
        string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

    private static void Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, TService> wrap) where TService : class
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(TService))
            ?? throw new InvalidOperationException($"Register {typeof(TService).Name} before the storefront, which wraps it.");
        services.Remove(original);
        services.AddSingleton(sp => wrap(sp, (TService)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }

    /// <summary>No Front Door endpoint is configured: a purge cannot happen, so it fails loudly (503 on the route that needs it).</summary>
    private sealed class CdnNotConfigured : ICdnPurge
    {
        public string Message => $"{FrontDoorEndpointSetting} is not set: changed pages cannot be purged from the CDN. See docs/configuration.md.";

        public Task PurgeAsync(IReadOnlyCollection<string> paths, CancellationToken ct) => throw new NotConfiguredException(Message);
    }

    private sealed class StorefrontHealthCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(Problem(services) is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy());
    }
}
