using System.Net;
using System.Runtime.CompilerServices;
using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;

namespace Serverless.Shop.Infrastructure.Common;

public sealed record CosmosOptions(string? ConnectionString, string? AccountEndpoint, string DatabaseName, bool CreateIfNotExists, bool CountCalls)
{
    public static CosmosOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cosmos");
        var options = new CosmosOptions(
            section["ConnectionString"], section["AccountEndpoint"], section["DatabaseName"] ?? "shop",
            section.GetValue("CreateIfNotExists", false), section.GetValue("CountCalls", false));
        if (options.ConnectionString is null && options.AccountEndpoint is null)
            throw new InvalidOperationException("Set Cosmos:AccountEndpoint (managed identity) or Cosmos:ConnectionString (emulator). See docs/configuration.md.");
        return options;
    }
}

/// <summary>The shop's containers, their partition keys, and how to create them where Bicep does not (the local emulators).</summary>
public sealed class ShopContainers
{
    public static readonly IReadOnlyList<(string Name, string PartitionKey, int? DefaultTtlSeconds)> Definitions =
    [
        ("products", "/id", null),
        ("taxonomy", "/kind", null),
        ("inventory", "/sku", null),
        ("idempotency", "/id", (int)TimeSpan.FromHours(24).TotalSeconds),
        // -1: TTL is on but each cart sets its own (the inactivity window, renewed on every change).
        ("carts", "/id", -1),
        ("promotions", "/id", null),
        ("coupon-usage", "/code", null),
        ("orders", "/id", null),
        ("webhook-events", "/id", (int)TimeSpan.FromDays(30).TotalSeconds),
        // One document: the managed tax rate table, read whole by pricing and written whole (docs/pricing.md#tax).
        ("tax-rates", "/id", null),
    ];

    public ShopContainers(CosmosClient client, CosmosOptions options)
    {
        var database = client.GetDatabase(options.DatabaseName);
        Products = database.GetContainer("products");
        Taxonomy = database.GetContainer("taxonomy");
        Inventory = database.GetContainer("inventory");
        Idempotency = database.GetContainer("idempotency");
        Carts = database.GetContainer("carts");
        Promotions = database.GetContainer("promotions");
        CouponUsage = database.GetContainer("coupon-usage");
        Orders = database.GetContainer("orders");
        WebhookEvents = database.GetContainer("webhook-events");
        TaxRates = database.GetContainer("tax-rates");
        Client = client;
    }

    public CosmosClient Client { get; }
    public Container Products { get; }
    public Container Taxonomy { get; }
    public Container Inventory { get; }
    public Container Idempotency { get; }
    public Container Carts { get; }
    public Container Promotions { get; }
    public Container CouponUsage { get; }
    public Container Orders { get; }
    public Container WebhookEvents { get; }
    public Container TaxRates { get; }

    /// <summary>Creates the database and containers. Only for emulators: in Azure they come from Bicep and the app's identity may not create them.</summary>
    public static async Task CreateIfNotExistsAsync(CosmosClient client, string databaseName, CancellationToken ct)
    {
        var database = (await client.CreateDatabaseIfNotExistsAsync(databaseName, cancellationToken: ct)).Database;
        foreach (var (name, partitionKey, ttl) in Definitions)
            await database.CreateContainerIfNotExistsAsync(new ContainerProperties(name, partitionKey) { DefaultTimeToLive = ttl }, cancellationToken: ct);
    }

    public static CosmosClient CreateClient(CosmosOptions options, TokenCredential credential, CosmosCallCounter counter)
    {
        var clientOptions = new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = ShopJson.Options,
            ApplicationName = "serverless-shop",
            CustomHandlers = { counter },
        };
        if (options.ConnectionString is not null)
        {
            // Emulators speak only the gateway protocol, on the one endpoint they listen on.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            return new CosmosClient(options.ConnectionString, clientOptions);
        }
        return new CosmosClient(options.AccountEndpoint, credential, clientOptions);
    }
}

/// <summary>
/// Counts the requests the SDK sends to Cosmos DB, per HTTP request of the shop (an async-local scope), because
/// request units are what users pay for. Benchmarks and tests read the count from the X-Cosmos-Calls response header.
/// </summary>
public sealed class CosmosCallCounter : RequestHandler
{
    private static readonly AsyncLocal<StrongBox<int>?> Current = new();
    private static long _total;

    public static StrongBox<int> BeginScope() => Current.Value = new StrongBox<int>(0);

    /// <summary>Every call of the process, background work included (orchestrations, queues): the checkout benchmark reads its growth.</summary>
    public static long Total => Interlocked.Read(ref _total);

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _total);
        if (Current.Value is { } box) Interlocked.Increment(ref box.Value);
        return base.SendAsync(request, cancellationToken);
    }
}

internal static class CosmosErrors
{
    public static bool Is(this CosmosException e, HttpStatusCode status) => e.StatusCode == status;
}
