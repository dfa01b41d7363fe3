using System.Net;
using System.Runtime.CompilerServices;
using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;

namespace Serverless.Shop.Infrastructure.Common;

/// <param name="ApplicationRegion">
/// The one region this app writes to and reads from first (<c>Cosmos:ApplicationRegion</c>, a Cosmos DB region name
/// such as <c>Sweden Central</c>; <c>swedencentral</c> is accepted too). Required for every account but the local
/// emulator: stock, coupon limits, unique claims, idempotency keys and the webhook inbox rely on conditional writes
/// that hold only within one region, so two instances writing to two regions could both take the last unit. The
/// account's other regions are the failover. Null only with the emulator.
/// </param>
public sealed record CosmosOptions(string? ConnectionString, string? AccountEndpoint, string DatabaseName, bool CreateIfNotExists, bool CountCalls, string? ApplicationRegion = null)
{
    public const string ApplicationRegionSetting = "Cosmos:ApplicationRegion";

    /// <exception cref="InvalidOperationException">A setting is missing or not understood; the message names it.</exception>
    public static CosmosOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cosmos");
        string? Value(string key) => string.IsNullOrWhiteSpace(section[key]) ? null : section[key]!.Trim();
        var options = new CosmosOptions(
            Value("ConnectionString"), Value("AccountEndpoint"), Value("DatabaseName") ?? "shop",
            section.GetValue("CreateIfNotExists", false), section.GetValue("CountCalls", false));
        if (options.ConnectionString is null && options.AccountEndpoint is null)
            throw new InvalidOperationException("Set Cosmos:AccountEndpoint (managed identity) or Cosmos:ConnectionString (emulator). See docs/configuration.md.");

        if (Value("ApplicationRegion") is { } configured)
            return options with
            {
                ApplicationRegion = CosmosRegions.Find(configured) ?? throw new InvalidOperationException(
                    $"{ApplicationRegionSetting} '{configured}' is not a Cosmos DB region name (such as 'Sweden Central' or 'swedencentral'). See docs/configuration.md."),
            };
        if (!options.IsLocalEmulator)
            throw new InvalidOperationException(
                $"{ApplicationRegionSetting} is required for a Cosmos DB account: the one region every instance writes to (Bicep sets the primary location). " +
                "Conditional writes hold only within one region, so the shop never lets the SDK pick one. See docs/configuration.md.");
        return options;
    }

    /// <summary>A connection string to an emulator on this machine: the only account that needs no write region.</summary>
    public bool IsLocalEmulator => AccountEndpoint is null && ConnectionString is not null && EndpointOf(ConnectionString) is { IsLoopback: true };

    private static Uri? EndpointOf(string connectionString)
    {
        var endpoint = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0].Equals("AccountEndpoint", StringComparison.OrdinalIgnoreCase))?[1];
        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri : null;
    }
}

/// <summary>Cosmos DB region names as the SDK knows them (<see cref="Regions"/>), found from either spelling.</summary>
public static class CosmosRegions
{
    private static readonly IReadOnlyDictionary<string, string> ByCompactName = typeof(Regions)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .DistinctBy(Compact)
        .ToDictionary(Compact, name => name);

    /// <summary>"Sweden Central" for "Sweden Central", "swedencentral" or "SWEDEN central"; null for a name the SDK does not know.</summary>
    public static string? Find(string name) => ByCompactName.GetValueOrDefault(Compact(name));

    /// <summary>Whether the account's write regions (as Cosmos DB names them) include <paramref name="region"/>.</summary>
    public static bool IsAmong(string region, IEnumerable<string> accountRegions) =>
        accountRegions.Any(r => Compact(r) == Compact(region));

    private static string Compact(string name) => string.Concat(name.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
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
        // One document per owner of personal data: their wrapped data keys, or the tombstone of an erasure (docs/security.md).
        ("data-keys", "/id", null),
        // One document per customer: their points ledger (docs/loyalty.md).
        ("loyalty", "/id", null),
        // One document per customer: their profile and address book, personal fields sealed (docs/customers.md).
        ("customers", "/id", null),
        // Product reviews by product: a product's reviews are listed and its rating computed in one partition (docs/reviews.md).
        ("reviews", "/productId", null),
        // One document: every warehouse, read whole by stock adjustments and allocation (docs/shipping.md#warehouses-and-stock).
        ("warehouses", "/id", null),
        // One document: the shipping rate table staff edit, read whole (and cached) by every quote (docs/shipping.md#where-the-rules-live).
        ("shipping-rates", "/id", null),
        // Per email address: a newsletter subscription, a suppression entry; per campaign: engagement counters (docs/marketing.md#audiences-and-unsubscribe).
        ("marketing-audiences", "/id", null),
        // Email campaigns and their send claims, by campaign (docs/marketing.md#campaigns).
        ("campaigns", "/campaignId", null),
        // Revenue of paid orders attributed to an email campaign or flow: by campaign or flow id, one document per day (docs/marketing.md#attributed-revenue).
        ("marketing-revenue", "/campaignId", null),
        // Sales rollups: per order what was counted, per dimension and day or month the counters, per customer the first paid order (docs/analytics.md#sales).
        ("analytics-sales", "/period", null),
        // Per sale: the sale, its counters (units per SKU, per buyer) and one hold per order (docs/marketing.md#flash-sales).
        ("flash-sales", "/saleId", null),
        // One document: the last run's report of the ads feeds (docs/marketing.md, "Ads feeds and attribution").
        ("marketing-feeds", "/id", null),
        // The automated flows: their settings, who is in which flow at which step, back-in-stock requests (docs/marketing.md#automated-flows).
        // -1: TTL on, each document sets its own (a back-in-stock request expires when nobody restocks).
        ("marketing-flows", "/id", -1),
        // Shopper behaviour by partition "<kind>|<day>": session trails (expire), folded days, purchases, abandoned carts (docs/analytics.md#behaviour).
        // -1: TTL on, only the session working documents set one.
        ("analytics-behaviour", "/partition", -1),
        // The periodic business reports: one settings document per report, one delivery record per report and period (docs/analytics.md#reports).
        ("analytics-reports", "/id", null),
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
        DataKeys = database.GetContainer("data-keys");
        Loyalty = database.GetContainer("loyalty");
        Customers = database.GetContainer("customers");
        Reviews = database.GetContainer("reviews");
        Warehouses = database.GetContainer("warehouses");
        ShippingRates = database.GetContainer("shipping-rates");
        FlashSales = database.GetContainer("flash-sales");
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
    public Container DataKeys { get; }
    public Container Loyalty { get; }
    public Container Customers { get; }
    public Container Reviews { get; }
    public Container Warehouses { get; }
    public Container ShippingRates { get; }
    public Container FlashSales { get; }

    /// <summary>Creates the database and containers. Only for emulators: in Azure they come from Bicep and the app's identity may not create them.</summary>
    public static async Task CreateIfNotExistsAsync(CosmosClient client, string databaseName, CancellationToken ct)
    {
        var database = (await client.CreateDatabaseIfNotExistsAsync(databaseName, cancellationToken: ct)).Database;
        await Task.WhenAll(Definitions.Select(d =>
            database.CreateContainerIfNotExistsAsync(new ContainerProperties(d.Name, d.PartitionKey) { DefaultTimeToLive = d.DefaultTtlSeconds }, cancellationToken: ct)));
    }

    public static CosmosClient CreateClient(CosmosOptions options, TokenCredential credential, CosmosCallCounter counter)
    {
        var clientOptions = ClientOptions(options, counter);
        return options.ConnectionString is not null
            ? new CosmosClient(options.ConnectionString, clientOptions)
            : new CosmosClient(options.AccountEndpoint, credential, clientOptions);
    }

    public static CosmosClientOptions ClientOptions(CosmosOptions options, CosmosCallCounter counter)
    {
        var clientOptions = new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = ShopJson.Options,
            ApplicationName = "serverless-shop",
            CustomHandlers = { counter },
        };
        if (options.IsLocalEmulator)
        {
            // Emulators speak only the gateway protocol, on the one endpoint they listen on (so no region applies).
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
        }
        else
        {
            // Writes go to this region, never to one the SDK picks; the account's other regions take over if it is lost.
            clientOptions.ApplicationRegion = options.ApplicationRegion
                ?? throw new InvalidOperationException($"{CosmosOptions.ApplicationRegionSetting} is required for a Cosmos DB account that is not the local emulator.");
        }
        return clientOptions;
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
    private static long _conflicts;

    public static StrongBox<int> BeginScope() => Current.Value = new StrongBox<int>(0);

    /// <summary>Every call of the process, background work included (orchestrations, queues): the checkout benchmark reads its growth.</summary>
    public static long Total => Interlocked.Read(ref _total);

    /// <summary>
    /// The calls of <see cref="Total"/> that were conditional writes refused because the document had changed (412).
    /// Each is a race lost to another writer, and is retried after reading the document again; how many happen depends
    /// on timing, so the checkout benchmark reports them beside its budgets rather than in them.
    /// </summary>
    public static long Conflicts => Interlocked.Read(ref _conflicts);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ContainerTally> ByContainer = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ContainerTally>.AlternateLookup<ReadOnlySpan<char>> ByContainerName =
        ByContainer.GetAlternateLookup<ReadOnlySpan<char>>();

    private sealed class ContainerTally
    {
        public long Calls;
        public long Refused;
    }

    /// <summary>
    /// The calls of <see cref="Total"/> to one container, and of those the ones refused with 412: the checkout benchmark
    /// reports the sales rollups' share of a checkout (the order-events queue's reaction) in a row of its own.
    /// </summary>
    public static (long Calls, long Refused) In(string container) =>
        ByContainer.TryGetValue(container, out var tally) ? (Interlocked.Read(ref tally.Calls), Interlocked.Read(ref tally.Refused)) : (0, 0);

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _total);
        if (Current.Value is { } box) Interlocked.Increment(ref box.Value);
        var tally = TallyOf(request.RequestUri);
        if (tally is not null) Interlocked.Increment(ref tally.Calls);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            Interlocked.Increment(ref _conflicts);
            if (tally is not null) Interlocked.Increment(ref tally.Refused);
        }
        return response;
    }

    // A request's address names its container as ".../colls/<name>/..."; found without a string per call (the lookup
    // takes the span), since every Cosmos DB call of the app passes here.
    private static ContainerTally? TallyOf(Uri? address)
    {
        var path = (address?.IsAbsoluteUri == true ? address.AbsolutePath : address?.OriginalString).AsSpan();
        var at = path.IndexOf("colls/", StringComparison.Ordinal);
        if (at < 0) return null;
        var name = path[(at + "colls/".Length)..];
        var end = name.IndexOf('/');
        if (end >= 0) name = name[..end];
        if (ByContainerName.TryGetValue(name, out var tally)) return tally;
        return ByContainer.GetOrAdd(name.ToString(), _ => new ContainerTally());
    }
}

internal static class CosmosErrors
{
    public static bool Is(this CosmosException e, HttpStatusCode status) => e.StatusCode == status;
}
