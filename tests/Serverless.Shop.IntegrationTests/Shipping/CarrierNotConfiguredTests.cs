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
    public void The_simulator_and_its_failure_markers_are_not_in_the_function_app_s_assemblies()
    {
        var functionAppAssemblies = new[] { typeof(ShippingRegistration).Assembly, typeof(ShopServices).Assembly, typeof(ICarrier).Assembly };

        functionAppAssemblies.SelectMany(a => a.GetTypes()).Where(t => typeof(ICarrier).IsAssignableFrom(t) && t.IsClass)
            .ShouldBe([typeof(MissingCarrier)]);
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
