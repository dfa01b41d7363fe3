using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Attribution;
using Serverless.Shop.Domain.Marketing.Feeds;
using Serverless.Shop.Functions;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Attribution;
using Serverless.Shop.Infrastructure.Marketing.Feeds;
using Serverless.Shop.Infrastructure.Storefront;

namespace Serverless.Shop.IntegrationTests.Marketing;

/// <summary>
/// The function app's own registrations (what runs in Azure, without the local host's wiring) on the local shop's
/// emulators: without their settings the feeds and Meta's Conversions API say so and do nothing; no simulator stands in.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class FeedsNotConfiguredTests(LocalShopFixture fixture)
{
    private ServiceProvider FunctionApp(params (string Key, string? Value)[] settings) =>
        new ServiceCollection().AddLogging().AddShop(new ConfigurationBuilder()
            .AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>())
            .AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => s.Value))
            .Build()).BuildServiceProvider();

    [Fact]
    public async Task Without_the_storefront_and_cdn_addresses_no_feed_is_made_and_health_names_both_settings()
    {
        await using var app = FunctionApp((StorefrontRegistration.PublicBaseUrlSetting, null), (FeedsRegistration.PublicBaseUrlSetting, null));

        var health = await app.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name is "ads-feeds" or "storefront");
        health.Entries["ads-feeds"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["ads-feeds"].Description.ShouldNotBeNull().ShouldContain(FeedsRegistration.PublicBaseUrlSetting);
        health.Entries["storefront"].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["storefront"].Description.ShouldNotBeNull().ShouldContain(StorefrontRegistration.PublicBaseUrlSetting);

        var e = await Should.ThrowAsync<NotConfiguredException>(() => app.GetRequiredService<GenerateProductFeeds>().RunAsync("staff", CancellationToken.None));
        e.Message.ShouldContain(StorefrontRegistration.PublicBaseUrlSetting, customMessage: "feed items link to the storefront's product pages");
    }

    [Fact]
    public async Task Without_the_cdn_address_nothing_is_published()
    {
        await using var app = FunctionApp((FeedsRegistration.PublicBaseUrlSetting, null));
        var e = await Should.ThrowAsync<NotConfiguredException>(() => app.GetRequiredService<IFeedPublisher>().PublishAsync("google.xml", [1], "application/xml", CancellationToken.None));
        e.Message.ShouldContain(FeedsRegistration.PublicBaseUrlSetting);
    }

    [Fact]
    public async Task Without_a_pixel_id_the_function_app_sends_no_conversion_and_says_it_is_off()
    {
        await using var app = FunctionApp();
        app.GetServices<IConversionsApi>().ShouldBeEmpty("the function app registers no recorder: only the local host does");
        var health = await app.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "meta-conversions");
        health.Entries["meta-conversions"].Description.ShouldNotBeNull().ShouldStartWith("off");
    }

    [Fact]
    public async Task With_a_pixel_id_the_access_token_is_a_required_secret_and_an_unresolved_one_refuses_to_send()
    {
        await using var app = FunctionApp((AttributionRegistration.MetaPixelSetting, "123456789012345"),
            (AttributionRegistration.MetaAccessTokenSetting, "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/meta-conversions-access-token)"));

        var meta = app.GetServices<IConversionsApi>().ShouldHaveSingleItem().ShouldBeOfType<MetaConversionsApi>();
        app.GetRequiredService<RequiredSecrets>().Unresolved.Select(s => s.Key).ShouldContain(AttributionRegistration.MetaAccessTokenSetting);
        var purchase = new PurchaseConversion("SS-TEST-0001", DateTimeOffset.UtcNow, new Money(10m, "EUR"), "a@example.com", ["SKU"], 1, "IwAR-x", DateTimeOffset.UtcNow, null);
        await Should.ThrowAsync<NotConfiguredException>(() => meta.SendAsync(purchase, CancellationToken.None));
    }

    [Fact]
    public void A_pixel_id_that_is_not_a_number_stops_the_app_naming_the_setting()
    {
        var e = Should.Throw<InvalidOperationException>(() => FunctionApp((AttributionRegistration.MetaPixelSetting, "my-pixel")));
        e.Message.ShouldContain(AttributionRegistration.MetaPixelSetting);
    }
}
