using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>
/// Products in memory, with the store's contract: versions change on every write and a replace of an outdated version
/// is refused with <see cref="StaleVersionException"/>. Listings are recorded so tests can read the filter that was asked for.
/// </summary>
internal sealed class InMemoryProductStore : IProductStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Versioned<Product>> _products = new(StringComparer.Ordinal);
    private readonly List<(ProductFilter Filter, PageRequest Page)> _listings = [];
    private int _lastVersion;

    public int Creates { get; private set; }
    public int Replaces { get; private set; }

    /// <summary>When set, every replace fails with this exception (the database is down, say).</summary>
    public Exception? ReplaceFailure { get; set; }

    public IReadOnlyList<(ProductFilter Filter, PageRequest Page)> Listings { get { lock (_lock) return _listings.ToList(); } }

    public ProductFilter LastFilter => Listings.ShouldHaveSingleItem().Filter;

    public IReadOnlyList<Product> ListingResult { get; set; } = [];

    public Versioned<Product> Add(Product product)
    {
        lock (_lock) return _products[product.Id] = new Versioned<Product>(product, NextVersion());
    }

    public Versioned<Product>? Current(string id)
    {
        lock (_lock) return _products.GetValueOrDefault(id);
    }

    public Task<Versioned<Product>?> FindByIdAsync(string id, CancellationToken ct) => Task.FromResult(Current(id));

    /// <summary>How many times <see cref="FindManyByIdsAsync"/> was called, so tests can check a use case reads its products in one call.</summary>
    public int ManyReads { get; private set; }

    public Task<IReadOnlyList<Versioned<Product>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        lock (_lock)
        {
            ManyReads++;
            IReadOnlyList<Versioned<Product>> found = ids.Distinct(StringComparer.Ordinal).Select(id => _products.GetValueOrDefault(id)).OfType<Versioned<Product>>().ToList();
            return Task.FromResult(found);
        }
    }

    public Task<Versioned<Product>?> FindBySlugAsync(string slug, CancellationToken ct)
    {
        // As the Cosmos DB store: the current slug, or a former one (the storefront redirects it).
        lock (_lock) return Task.FromResult(_products.Values.FirstOrDefault(p => p.Value.Slug == slug || p.Value.FormerSlugs.Contains(slug)));
    }

    public Task<Page<Product>> ListAsync(ProductFilter filter, PageRequest page, CancellationToken ct)
    {
        lock (_lock) _listings.Add((filter, page));
        return Task.FromResult(new Page<Product>(ListingResult, null));
    }

    public Task<string> CreateAsync(Product product, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_products.Values.Any(p => p.Value.Slug == product.Slug))
                throw new DuplicateResourceException("slug", $"Another product already uses '{product.Slug}'.");
            Creates++;
            return Task.FromResult((_products[product.Id] = new Versioned<Product>(product, NextVersion())).Version);
        }
    }

    public Task<string> ReplaceAsync(Product product, Versioned<Product> previous, CancellationToken ct)
    {
        if (ReplaceFailure is not null) throw ReplaceFailure;
        lock (_lock)
        {
            if (!_products.TryGetValue(product.Id, out var stored) || stored.Version != previous.Version)
                throw new StaleVersionException("Product");
            Replaces++;
            return Task.FromResult((_products[product.Id] = new Versioned<Product>(product, NextVersion())).Version);
        }
    }

    public Task DeleteAsync(Product product, string expectedVersion, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_products.TryGetValue(product.Id, out var stored) || stored.Version != expectedVersion)
                throw new StaleVersionException("Product");
            _products.Remove(product.Id);
        }
        return Task.CompletedTask;
    }

    private string NextVersion() => $"\"v{++_lastVersion}\"";
}
