using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Infrastructure.Storefront;

namespace Serverless.Shop.LocalHost;

/// <summary>
/// The storefront on the local host, and only here: without a CDN the pages' public address is this host's
/// /api/storefront (as it listens, so a free port works), the API is this host's /api, and purges are recorded
/// (<see cref="LocalRecordingCdnPurge"/>, also appended to cdn-purges.log in the data directory) instead of sent.
/// </summary>
internal static class LocalStorefront
{
    public static IServiceCollection AddLocalStorefront(this IServiceCollection services, IConfiguration configuration, string? dataDirectory, string routePrefix)
    {
        services.Replace(ServiceDescriptor.Singleton(sp => configuration[StorefrontRegistration.PublicBaseUrlSetting] is { Length: > 0 }
            ? StorefrontRegistration.ReadSite(configuration)
            : new StorefrontSite(() =>
            {
                var address = sp.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
                var root = address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/');
                var name = configuration[StorefrontRegistration.ShopNameSetting] is { Length: > 0 } n ? n : StorefrontRegistration.DefaultShopName;
                return new StorefrontSettings(new Uri($"{root}/{routePrefix}/storefront/"), name, new Uri($"{root}/{routePrefix}/"));
            })));
        var purges = new LocalRecordingCdnPurge(dataDirectory is null ? null : Path.Combine(dataDirectory, "cdn-purges.log"));
        services.AddSingleton(purges);
        services.Replace(ServiceDescriptor.Singleton<ICdnPurge>(purges));
        return services;
    }
}
