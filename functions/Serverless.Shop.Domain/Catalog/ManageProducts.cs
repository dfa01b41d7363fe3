using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>Creating, replacing and deleting products (merchandisers and admins).</summary>
public sealed class ManageProducts(IProductStore products, ITaxonomyStore taxonomy, IProductImageStorage images, ShopSettings settings, TimeProvider clock)
{
    public async Task<Versioned<Product>> CreateAsync(ProductInput input, CancellationToken ct)
    {
        var (categories, manualCollections) = await LoadTaxonomyAsync(ct);
        var product = ProductRules.Build(input, Ids.New("prod"), null, categories, manualCollections, settings.Currency, clock.GetUtcNow());
        var version = await products.CreateAsync(product, ct);
        return new Versioned<Product>(product, version);
    }

    public async Task<Versioned<Product>> ReplaceAsync(string id, ProductInput input, string? expectedVersion, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var current = await products.FindByIdAsync(id, ct) ?? throw new ResourceNotFoundException("Product", id);
        if (current.Version != expectedVersion) throw new StaleVersionException("Product");
        var (categories, manualCollections) = await LoadTaxonomyAsync(ct);
        var product = ProductRules.Build(input, id, current.Value, categories, manualCollections, settings.Currency, clock.GetUtcNow());
        var version = await products.ReplaceAsync(product, current, ct);
        return new Versioned<Product>(product, version);
    }

    /// <summary>Deletes the product, then its images. Stock records stay: they are the audit trail of what was held.</summary>
    public async Task DeleteAsync(string id, string? expectedVersion, CancellationToken ct)
    {
        var current = await products.FindByIdAsync(id, ct) ?? throw new ResourceNotFoundException("Product", id);
        if (expectedVersion is not null && current.Version != expectedVersion) throw new StaleVersionException("Product");
        await products.DeleteAsync(current.Value, current.Version, ct);
        await images.DeleteAllAsync(id, ct);
    }

    private async Task<(IReadOnlyDictionary<string, Category>, IReadOnlySet<string>)> LoadTaxonomyAsync(CancellationToken ct)
    {
        var categories = taxonomy.GetCategoriesAsync(ct, fresh: true);
        var collections = taxonomy.GetCollectionsAsync(ct, fresh: true);
        await Task.WhenAll(categories, collections);
        var manual = collections.Result.Values.Where(c => c.Type == CollectionType.Manual).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return (categories.Result, manual);
    }
}

/// <summary>
/// What shoppers and staff read: one product, or a filtered, sorted page of them. Shoppers see a product's flash sales
/// only while they are live; staff see the scheduled ones too (<see cref="Marketing.FlashSales.FlashSaleOffers"/>).
/// </summary>
public sealed class BrowseCatalog(IProductStore products, ITaxonomyStore taxonomy, TimeProvider clock)
{
    public async Task<Versioned<Product>> GetByIdAsync(string id, Actor actor, CancellationToken ct)
    {
        var found = Ids.IsWellFormed(id) ? await products.FindByIdAsync(id, ct) : null;
        return VisibleOrNotFound(found, id, actor);
    }

    public async Task<Versioned<Product>> GetBySlugAsync(string slug, Actor actor, CancellationToken ct)
    {
        var found = Slug.IsValid(slug) ? await products.FindBySlugAsync(slug, ct) : null;
        return VisibleOrNotFound(found, slug, actor);
    }

    public async Task<Page<Product>> ListAsync(ProductListingQuery query, Actor actor, CancellationToken ct)
    {
        var (filter, page) = await ListingParser.ParseAsync(query, actor, taxonomy, ct);
        var listed = await products.ListAsync(filter, page, ct);
        if (actor.CanSeeUnpublishedCatalog) return listed;
        var now = clock.GetUtcNow();
        return listed with { Items = listed.Items.Select(p => Marketing.FlashSales.FlashSaleOffers.AsShopperSeesAt(p, now)).ToList() };
    }

    // Shoppers get 404 for drafts and archived products, so unpublished products cannot be discovered by id.
    private Versioned<Product> VisibleOrNotFound(Versioned<Product>? found, string key, Actor actor)
    {
        if (found is null || !(found.Value.IsVisibleToShoppers || actor.CanSeeUnpublishedCatalog)) throw new ResourceNotFoundException("Product", key);
        return actor.CanSeeUnpublishedCatalog ? found : found with { Value = Marketing.FlashSales.FlashSaleOffers.AsShopperSeesAt(found.Value, clock.GetUtcNow()) };
    }
}
