using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Serverless.Shop.Infrastructure.Administration;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>
/// Every instance writes Cosmos DB in one configured region (Cosmos:ApplicationRegion), because the shop's conditional
/// writes hold only within one region. Only the local emulator goes without one.
/// </summary>
public sealed class CosmosWriteRegionTests
{
    private const string EmulatorConnectionString = "AccountEndpoint=http://127.0.0.1:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;";

    private static readonly Dictionary<string, string?> Azure = new()
    {
        ["Cosmos:AccountEndpoint"] = "https://shop.documents.azure.com:443/",
        ["Cosmos:DatabaseName"] = "shop",
        ["Cosmos:ApplicationRegion"] = "swedencentral",
        ["Media:BlobServiceUri"] = "https://media.blob.core.windows.net",
        ["Media:PublicBaseUrl"] = "https://shop.azureedge.net/product-images",
        ["AzureWebJobsStorage:accountName"] = "hoststorage",
        ["AzureWebJobsStorage:credential"] = "managedidentity",
        ["ServiceBus:FullyQualifiedNamespace"] = "shop.servicebus.windows.net",
        ["ServiceBus:TopicName"] = "shop-events",
        ["Email:Provider"] = "SendGrid",
        ["Email:SendGridApiKey"] = "SG.secret-value",
        ["Email:From"] = "shop@example.com",
        ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
    };

    [Fact]
    public async Task The_registered_client_writes_in_the_configured_region()
    {
        await using var services = BuildInfrastructure(Azure);

        var client = services.GetRequiredService<CosmosClient>();

        // Bicep passes the location as ARM spells it; the client gets the name Cosmos DB uses.
        client.ClientOptions.ApplicationRegion.ShouldBe(Regions.SwedenCentral);
        client.ClientOptions.LimitToEndpoint.ShouldBeFalse();
        client.ClientOptions.ApplicationPreferredRegions.ShouldBeNull();
    }

    [Fact]
    public void An_account_without_a_write_region_stops_the_app_at_startup()
    {
        var settings = new Dictionary<string, string?>(Azure) { ["Cosmos:ApplicationRegion"] = null };

        var error = Should.Throw<InvalidOperationException>(() => BuildInfrastructure(settings));

        error.Message.ShouldContain("Cosmos:ApplicationRegion is required");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_write_region_counts_as_missing(string blank)
    {
        var error = Should.Throw<InvalidOperationException>(() => Options(new() { ["Cosmos:AccountEndpoint"] = "https://shop.documents.azure.com:443/", ["Cosmos:ApplicationRegion"] = blank }));

        error.Message.ShouldContain("Cosmos:ApplicationRegion is required");
    }

    [Fact]
    public void A_connection_string_to_an_account_in_azure_needs_a_write_region_too()
    {
        var error = Should.Throw<InvalidOperationException>(() => Options(new() { ["Cosmos:ConnectionString"] = "AccountEndpoint=https://shop.documents.azure.com:443/;AccountKey=a2V5;" }));

        error.Message.ShouldContain("Cosmos:ApplicationRegion is required");
    }

    [Fact]
    public void A_region_cosmos_db_does_not_know_is_refused_by_name()
    {
        var error = Should.Throw<InvalidOperationException>(() => Options(new() { ["Cosmos:AccountEndpoint"] = "https://shop.documents.azure.com:443/", ["Cosmos:ApplicationRegion"] = "Atlantis North" }));

        error.Message.ShouldContain("'Atlantis North' is not a Cosmos DB region name");
    }

    [Theory]
    [InlineData("Sweden Central", Regions.SwedenCentral)]
    [InlineData("swedencentral", Regions.SwedenCentral)]
    [InlineData("westus2", Regions.WestUS2)]
    [InlineData(" West Europe ", Regions.WestEurope)]
    public void Both_spellings_of_a_region_name_are_understood(string configured, string expected)
    {
        var options = Options(new() { ["Cosmos:AccountEndpoint"] = "https://shop.documents.azure.com:443/", ["Cosmos:ApplicationRegion"] = configured });

        options.ApplicationRegion.ShouldBe(expected);
        ShopContainers.ClientOptions(options, new CosmosCallCounter()).ApplicationRegion.ShouldBe(expected);
    }

    [Fact]
    public void The_local_emulator_needs_no_region_and_is_reached_on_its_one_endpoint()
    {
        var options = Options(new() { ["Cosmos:ConnectionString"] = EmulatorConnectionString });

        options.IsLocalEmulator.ShouldBeTrue();
        options.ApplicationRegion.ShouldBeNull();
        var clientOptions = ShopContainers.ClientOptions(options, new CosmosCallCounter());
        clientOptions.ApplicationRegion.ShouldBeNull();
        clientOptions.LimitToEndpoint.ShouldBeTrue();
        clientOptions.ConnectionMode.ShouldBe(ConnectionMode.Gateway);
    }

    [Fact]
    public async Task Health_checks_the_write_region_only_where_one_is_configured()
    {
        await using var azure = BuildInfrastructure(Azure);
        await using var local = BuildInfrastructure(new Dictionary<string, string?>(Azure)
        {
            ["Cosmos:AccountEndpoint"] = null, ["Cosmos:ApplicationRegion"] = null, ["Cosmos:ConnectionString"] = EmulatorConnectionString,
        });

        HealthChecks(azure).ShouldContain("cosmos-write-region");
        HealthChecks(local).ShouldNotContain("cosmos-write-region");
    }

    [Fact]
    public void The_health_check_fails_when_the_account_does_not_write_in_the_configured_region()
    {
        Should.NotThrow(() => CosmosWriteRegionNotFoundException.ThrowUnlessAmong(Regions.SwedenCentral, ["Sweden Central", "Norway East"]));

        var error = Should.Throw<CosmosWriteRegionNotFoundException>(() =>
            CosmosWriteRegionNotFoundException.ThrowUnlessAmong(Regions.WestEurope, ["Sweden Central", "Norway East"]));
        error.Message.ShouldBe("Cosmos:ApplicationRegion is 'West Europe', but the account writes in Sweden Central, Norway East.");
    }

    private static CosmosOptions Options(Dictionary<string, string?> settings) =>
        CosmosOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static ServiceProvider BuildInfrastructure(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddShopInfrastructure(configuration).BuildServiceProvider();
    }

    private static List<string> HealthChecks(ServiceProvider services) =>
        services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name).ToList();
}
