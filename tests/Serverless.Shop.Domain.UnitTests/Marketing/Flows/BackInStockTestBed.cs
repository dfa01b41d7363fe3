using System.Runtime.CompilerServices;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Inventory;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Storefront;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Inventory;
using Serverless.Shop.Domain.UnitTests.Marketing.Audiences;
using Serverless.Shop.Domain.UnitTests.Marketing.Campaigns;
using AudienceProfiles = Serverless.Shop.Domain.UnitTests.Marketing.Audiences.InMemoryProfiles;
using ErasingVault = Serverless.Shop.Domain.UnitTests.Marketing.Audiences.IndexingVault;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// Back-in-stock requests in memory with the Cosmos DB store's rules: one per SKU and address (a second add keeps the
/// first), every write a new version, an update only over the version read. <see cref="BeforeNextUpdate"/> lets a test
/// act (another run, say) between the flow's read and its next write.
/// </summary>
internal sealed class InMemoryBackInStockRequests : IBackInStockRequests
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Sku, string Key), Versioned<BackInStockRequest>> _items = new();
    private int _version;

    public Action? BeforeNextUpdate { get; set; }

    public IReadOnlyList<BackInStockRequest> All
    {
        get { lock (_lock) return [.. _items.Values.Select(v => v.Value)]; }
    }

    public BackInStockRequest? Find(string sku, string key)
    {
        lock (_lock) return _items.GetValueOrDefault((sku, key))?.Value;
    }

    /// <summary>Writes the request as it is (a test's set-up, or another run's write): a new version.</summary>
    public void Put(BackInStockRequest request)
    {
        lock (_lock) _items[(request.Sku, request.Key)] = new(request, $"v{++_version}");
    }

    public Task<DateTimeOffset> AddAsync(BackInStockRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_items.TryGetValue((request.Sku, request.Key), out var existing)) return Task.FromResult(existing.Value.ExpiresAt);
            _items[(request.Sku, request.Key)] = new(request, $"v{++_version}");
            return Task.FromResult(request.ExpiresAt);
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<Versioned<BackInStockRequest>>> PagesAsync(int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        List<Versioned<BackInStockRequest>> all;
        lock (_lock) all = [.. _items.Values.OrderBy(v => v.Value.RequestedAt)];
        foreach (var page in all.Chunk(pageSize))
        {
            await Task.Yield();
            yield return page;
        }
    }

    public Task<string?> TryUpdateAsync(Versioned<BackInStockRequest> request, BackInStockRequest changed, CancellationToken ct)
    {
        var hook = BeforeNextUpdate;
        BeforeNextUpdate = null;
        hook?.Invoke();
        lock (_lock)
        {
            var id = (request.Value.Sku, request.Value.Key);
            if (!_items.TryGetValue(id, out var current) || current.Version != request.Version) return Task.FromResult<string?>(null);
            var stored = _items[id] = new(changed, $"v{++_version}");
            return Task.FromResult<string?>(stored.Version);
        }
    }

    public Task DeleteAsync(string sku, string key, CancellationToken ct)
    {
        lock (_lock) _items.Remove((sku, key));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BackInStockRequest>> ListByCustomerAsync(string customerId, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<BackInStockRequest>>([.. _items.Values.Select(v => v.Value).Where(r => r.CustomerId == customerId)]);
    }
}

/// <summary>Stock reads, counted: the flow must read each SKU once per run.</summary>
internal sealed class CountingInventory(InMemoryInventoryStore inner) : IInventoryStore
{
    public List<IReadOnlyCollection<string>> ManyReads { get; } = [];

    public Task<Versioned<StockItem>?> FindAsync(string sku, CancellationToken ct) => throw new InvalidOperationException("Stock is read in batches.");

    public Task<IReadOnlyList<Versioned<StockItem>>> FindManyAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        ManyReads.Add([.. skus]);
        return inner.FindManyAsync(skus, ct);
    }

    public Task<string> SaveAsync(StockItem item, string? expectedVersion, CancellationToken ct) => inner.SaveAsync(item, expectedVersion, ct);
    public Task<IReadOnlyList<string>> ListWarehouseNamesAsync(CancellationToken ct) => inner.ListWarehouseNamesAsync(ct);
    public Task<Page<StockItem>> ListAsync(PageRequest page, CancellationToken ct) => inner.ListAsync(page, ct);
    public Task<Page<StockAdjustment>> ListAdjustmentsAsync(string sku, PageRequest page, CancellationToken ct) => inner.ListAdjustmentsAsync(sku, page, ct);
}

/// <summary>The back-in-stock flow and the request use case over in-memory fakes, sharing one clock.</summary>
internal sealed class BackInStockTestBed
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public BackInStockTestBed()
    {
        Inventory = new CountingInventory(Stock);
        var emails = new FlowEmails(new CampaignContentSource(Products, new FakePersonalization()), new FakeUnsubscribeLinks(), Email, Counters, Storefront);
        Flow = new NotifyBackInStock(Requests, Inventory, Products, Suppressions, new FlowSettingsReader(Settings, [NotifyBackInStock.Definition]), emails, Storefront, Clock);
        Ask = new AskBackInStock(Products, Inventory, Requests, Profiles, Vault, Clock);
    }

    public MovableClock Clock { get; } = new(Start);
    public InMemoryBackInStockRequests Requests { get; } = new();
    public InMemoryInventoryStore Stock { get; } = new();
    public CountingInventory Inventory { get; }
    public InMemoryProductStore Products { get; } = new();
    public InMemorySuppressions Suppressions { get; } = new();
    public InMemoryFlowSettingsStore Settings { get; } = new();
    public AudienceProfiles Profiles { get; } = new();
    public ErasingVault Vault { get; } = new();
    public RecordingEmailSender Email { get; } = new();
    public InMemoryCounters Counters { get; } = new();
    public StorefrontSite Storefront { get; set; } = new(new StorefrontSettings(new Uri("https://shop.test/"), "Test shop", new Uri("https://shop.test/api/")));
    public NotifyBackInStock Flow { get; }
    public AskBackInStock Ask { get; }

    /// <summary>An active product (a mug) with one variant per SKU, stored.</summary>
    public Product Product(string id, params string[] skus)
    {
        var product = CatalogExamples.ExistingMug(id, images: 1) with
        {
            Variants = [.. skus.Select(s => new ProductVariant(s, null, new Dictionary<string, string>(), new Money(12.50m, "EUR"), null))],
        };
        Products.Add(product);
        return product;
    }

    public void SetStock(string sku, int units)
    {
        var current = Stock.Current(sku);
        var item = (current?.Value ?? StockItem.Empty(sku)) with { OnHand = new Dictionary<string, int> { ["main"] = units } };
        Stock.SaveAsync(item, current?.Version, default).GetAwaiter().GetResult();
    }

    public async Task SwitchOnAsync(TimeSpan delay, FlowMessage? message = null, bool enabled = true)
    {
        var current = await Settings.FindAsync(NotifyBackInStock.FlowId, default);
        await Settings.SaveAsync(NotifyBackInStock.Definition.Defaults with { Enabled = enabled, Steps = [new FlowStep(delay, message ?? NotifyBackInStock.DefaultMessage)] }, current?.Version, default);
    }

    /// <summary>A stored request from <paramref name="email"/> for <paramref name="sku"/> of <paramref name="productId"/>, made now.</summary>
    public BackInStockRequest Request(string productId, string sku, string email, string? customerId = null)
    {
        var now = Clock.GetUtcNow();
        var request = new BackInStockRequest
        {
            Sku = sku, ProductId = productId, Key = ErasingVault.Index(email), Email = email, DataOwnerId = "bis_" + Guid.NewGuid().ToString("N"),
            CustomerId = customerId, RequestedAt = now, ExpiresAt = now + NotifyBackInStock.Retention,
        };
        Requests.Put(request);
        return request;
    }

    public IReadOnlyList<EmailMessage> MailsTo(string email) => [.. Email.Sent.Where(m => m.To.Contains(email))];

    public Task<BackInStockRun> RunAsync() => Flow.RunAsync(CancellationToken.None);
}
