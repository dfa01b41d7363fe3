using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Shipping;
using Serverless.Shop.Functions;
using Serverless.Shop.Infrastructure.Shipping;
using Serverless.Shop.IntegrationTests.Checkout;
using Serverless.Shop.LocalHost.Simulators;
using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Shipping;

/// <summary>A local shop whose carrier is what the function app registers in Azure without <c>Shipping:Carrier:Provider</c>: none.</summary>
public sealed class NoCarrierFixture : LocalShopFixture
{
    protected override Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureShop => builder =>
    {
        builder.Services.RemoveAll<ICarrier>();
        builder.Services.AddSingleton<ICarrier>(new MissingCarrier(ShippingSettings.NoCarrierProblem));
    };
}

[CollectionDefinition(Name)]
public sealed class NoCarrierCollection : ICollectionFixture<NoCarrierFixture>
{
    public const string Name = "local shop without a carrier";
}

/// <summary>In Azure no simulator stands in for a carrier: with none configured the app says so and refuses to sell what it cannot ship.</summary>
[Collection(NoCarrierCollection.Name)]
public sealed class CarrierNotConfiguredTests(NoCarrierFixture fixture)
{
    private readonly CheckoutShopper _shop = new(fixture);

    private ServiceProvider FunctionApp(params (string Key, string? Value)[] settings) =>
        new ServiceCollection().AddLogging().AddShop(new ConfigurationBuilder()
            .AddConfiguration(fixture.Shop.Services.GetRequiredService<IConfiguration>())
            .AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => s.Value))
            .Build()).BuildServiceProvider();

    [Fact]
    public async Task The_function_app_without_a_carrier_has_no_simulator_and_reports_the_missing_setting_in_health()
    {
        await using var functionApp = FunctionApp();

        var carriers = functionApp.GetServices<ICarrier>().ToList();
        var health = await functionApp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == ShippingRegistration.HealthCheckName);

        carriers.ShouldHaveSingleItem().ShouldBeOfType<MissingCarrier>();
        functionApp.GetServices<ITrackingWebhookReader>().ShouldBeEmpty("no carrier, so no webhook is accepted");
        health.Entries[ShippingRegistration.HealthCheckName].Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries[ShippingRegistration.HealthCheckName].Description.ShouldNotBeNull().ShouldContain(ShippingSettings.ProviderSetting);
    }

    [Fact]
    public async Task The_function_app_with_easypost_ships_with_it_and_requires_its_key_and_webhook_secret()
    {
        await using var functionApp = FunctionApp(
            (ShippingSettings.ProviderSetting, "easypost"), (EasyPostSettings.ApiKeySetting, "EZAK_a_key_of_some_length"),
            (ShippingSettings.WebhookSecretSetting, "an-easypost-webhook-secret"),
            ("Shipping:Carrier:ShipFrom:Name", "Warehouse"), ("Shipping:Carrier:ShipFrom:Line1", "Industrieweg 1"), ("Shipping:Carrier:ShipFrom:City", "Utrecht"),
            ("Shipping:Carrier:ShipFrom:PostalCode", "3542 AD"), ("Shipping:Carrier:ShipFrom:Country", "NL"));

        var health = await functionApp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == ShippingRegistration.HealthCheckName);

        functionApp.GetServices<ICarrier>().ShouldHaveSingleItem().ShouldBeOfType<EasyPostCarrier>();
        functionApp.GetServices<ITrackingWebhookReader>().ShouldHaveSingleItem().ShouldBeOfType<EasyPostWebhookReader>();
        health.Entries[ShippingRegistration.HealthCheckName].Status.ShouldBe(HealthStatus.Healthy);
        var required = functionApp.GetRequiredService<Infrastructure.Common.RequiredSecrets>().All.Select(s => s.Key).ToList();
        required.ShouldContain(EasyPostSettings.ApiKeySetting);
        required.ShouldContain(ShippingSettings.WebhookSecretSetting);
        Should.NotThrow(() => MissingCarrier.EnsureOneIsConfigured(functionApp.GetServices<ICarrier>()));
    }

    [Fact]
    public void Easypost_without_where_parcels_leave_from_stops_the_app_at_startup_naming_the_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ShippingSettings.ProviderSetting] = "easypost", ["Shipping:Carrier:ApiBase"] = "ftp://nowhere", ["Shipping:Carrier:ParcelWeightGramsPerUnit"] = "heavy",
        }).Build();

        var message = Should.Throw<InvalidOperationException>(() => ShippingSettings.Read(configuration)).Message;

        message.ShouldContain("Shipping:Carrier:ShipFrom");
        message.ShouldContain("Shipping:Carrier:ApiBase");
        message.ShouldContain("Shipping:Carrier:ParcelWeightGramsPerUnit");
    }

    [Fact]
    public void The_simulator_and_its_failure_markers_are_not_in_the_function_app_s_assemblies()
    {
        var functionAppAssemblies = new[] { typeof(ShippingRegistration).Assembly, typeof(ShopServices).Assembly, typeof(ICarrier).Assembly };

        functionAppAssemblies.SelectMany(a => a.GetTypes()).Where(t => typeof(ICarrier).IsAssignableFrom(t) && t.IsClass)
            .Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal)
            .ShouldBe([typeof(MissingCarrier).FullName!, typeof(EasyPostCarrier).FullName!]); // the real carrier and the stand-in for none: no simulator
        typeof(LocalCarrierSimulator).Assembly.ShouldNotBeOneOf(functionAppAssemblies);
    }

    [Fact]
    public async Task Checkout_is_refused_with_503_naming_the_setting_and_reserves_nothing()
    {
        var mug = await _shop.ProductInStockAsync(3);
        var cart = await _shop.CartWithAsync(mug, 2);

        var refused = await _shop.CheckoutAsync(cart, CheckoutShopper.Checkout(cart));

        var problem = await ShouldBeProblem(refused.Response, HttpStatusCode.ServiceUnavailable);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain(ShippingSettings.ProviderSetting);
        (await _shop.StockAsync(mug.Sku)).GetProperty("available").GetInt32().ShouldBe(3, "nothing was reserved");
    }

    [Fact]
    public async Task Health_over_http_names_the_carrier_as_unhealthy()
    {
        var response = await fixture.Client().GetAsync("api/health");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var carrier = (await response.JsonAsync()).GetProperty("dependencies").GetProperty(ShippingRegistration.HealthCheckName);
        carrier.GetProperty("status").GetString().ShouldBe("unhealthy");
        carrier.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain(ShippingSettings.ProviderSetting);
    }

    [Fact]
    public void A_missing_carrier_refuses_every_call_and_a_real_one_lets_checkout_through()
    {
        var missing = new MissingCarrier("set it");

        Should.Throw<NotConfiguredException>(() => MissingCarrier.EnsureOneIsConfigured([missing])).Message.ShouldBe("set it");
        Should.Throw<NotConfiguredException>(() => MissingCarrier.EnsureOneIsConfigured([]));
        Should.Throw<NotConfiguredException>(() => missing.CreateShipmentAsync(null!, CancellationToken.None));
        Should.Throw<NotConfiguredException>(() => missing.CancelShipmentAsync("s", "k", CancellationToken.None));
        var simulator = new LocalCarrierSimulator(null!, new LocalCarrierOptions("not-used-here-at-all", "http://localhost"), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LocalCarrierSimulator>.Instance);
        Should.NotThrow(() => MissingCarrier.EnsureOneIsConfigured([missing, simulator]));
    }
}
