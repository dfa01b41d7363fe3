using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Infrastructure.Storefront;

namespace Serverless.Shop.IntegrationTests.Adapters.Storefront;

/// <summary>How the function app reads the storefront's settings: in Azure nothing is defaulted that would point pages or purges somewhere wrong.</summary>
public sealed class StorefrontSettingsTests
{
    private static IServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Azure.Core.TokenCredential>(new Azure.Identity.DefaultAzureCredential());
        // The stores the storefront wraps; these tests never call them.
        services.AddSingleton<IProductStore>(_ => throw new InvalidOperationException("not used"));
        services.AddSingleton<ITaxonomyStore>(_ => throw new InvalidOperationException("not used"));
        services.AddShopStorefront(configuration);
        return services.BuildServiceProvider();
    }

    private const string Endpoint = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cdn/profiles/p/afdEndpoints/e";

    [Fact]
    public void Without_a_public_address_or_front_door_endpoint_the_app_refuses_to_start_naming_both()
    {
        var services = Services();

        var failure = Should.Throw<InvalidOperationException>(() => StorefrontRegistration.ThrowIfNotConfigured(services));

        failure.Message.ShouldContain(StorefrontRegistration.PublicBaseUrlSetting);
        failure.Message.ShouldContain(StorefrontRegistration.FrontDoorEndpointSetting);
        Should.Throw<NotConfiguredException>(() => services.GetRequiredService<StorefrontSite>().Settings);
        Should.Throw<NotConfiguredException>(() => services.GetRequiredService<ICdnPurge>().PurgeAsync(["/"], default));
    }

    [Fact]
    public void With_its_settings_the_storefront_starts_and_purges_through_front_door()
    {
        var services = Services((StorefrontRegistration.PublicBaseUrlSetting, "https://shop.example.com"), ("WEBSITE_HOSTNAME", "func-shop.azurewebsites.net"),
            (StorefrontRegistration.FrontDoorEndpointSetting, Endpoint));

        StorefrontRegistration.Problem(services).ShouldBeNull();
        var site = services.GetRequiredService<StorefrontSite>().Settings;
        site.UrlOf("/products/mug").ShouldBe(new Uri("https://shop.example.com/products/mug"));
        site.Api.ShouldBe("https://func-shop.azurewebsites.net/api");
        site.ShopName.ShouldBe(StorefrontRegistration.DefaultShopName);
        services.GetRequiredService<ICdnPurge>().ShouldBeOfType<FrontDoorCdnPurge>();
    }

    [Theory]
    [InlineData(StorefrontRegistration.PublicBaseUrlSetting, "shop.example.com")]
    [InlineData(StorefrontRegistration.ApiBaseUrlSetting, "ftp://api.example.com")]
    [InlineData(StorefrontRegistration.FrontDoorEndpointSetting, "afd-shop")]
    public void A_setting_that_is_not_understood_stops_the_app_naming_it(string key, string value)
    {
        var failure = Should.Throw<InvalidOperationException>(() => Services((key, value), (StorefrontRegistration.PublicBaseUrlSetting == key ? "x" : StorefrontRegistration.PublicBaseUrlSetting, "https://shop.example.com")));

        failure.Message.ShouldContain(key);
    }
}
