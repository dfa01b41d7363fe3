using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Catalog;

/// <summary>The category tree and the collections: creating, changing, deleting, reading.</summary>
public sealed class ManageTaxonomy(ITaxonomyStore taxonomy, IProductStore products)
{
    public async Task<Versioned<Category>> CreateCategoryAsync(CategoryInput input, CancellationToken ct)
    {
        var category = TaxonomyRules.BuildCategory(input, Ids.New("cat"), await taxonomy.GetCategoriesAsync(ct, fresh: true), null);
        return new(category, await taxonomy.SaveCategoryAsync(category, null, ct));
    }

    public async Task<Versioned<Category>> ReplaceCategoryAsync(string id, CategoryInput input, string? expectedVersion, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var current = await taxonomy.FindCategoryAsync(id, ct) ?? throw new ResourceNotFoundException("Category", id);
        var category = TaxonomyRules.BuildCategory(input, id, await taxonomy.GetCategoriesAsync(ct, fresh: true), current.Value);
        return new(category, await taxonomy.SaveCategoryAsync(category, expectedVersion, ct));
    }

    public async Task DeleteCategoryAsync(string id, string? expectedVersion, CancellationToken ct)
    {
        var current = await taxonomy.FindCategoryAsync(id, ct) ?? throw new ResourceNotFoundException("Category", id);
        var all = await taxonomy.GetCategoriesAsync(ct, fresh: true);
        if (all.Values.Any(c => c.ParentId == id))
            throw new BusinessRuleViolationException("The category has subcategories; delete or keep them first.");
        var inUse = await products.ListAsync(new ProductFilter { CategoryId = id }, new PageRequest(1, null), ct);
        if (inUse.Items.Count > 0)
            throw new BusinessRuleViolationException("Products are still in this category; take them out first.");
        await taxonomy.DeleteCategoryAsync(id, expectedVersion ?? current.Version, ct);
    }

    public async Task<IReadOnlyList<Category>> ListCategoriesAsync(CancellationToken ct) =>
        (await taxonomy.GetCategoriesAsync(ct)).Values.OrderBy(c => c.Path.Count).ThenBy(c => c.SortOrder).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();

    public async Task<Versioned<Category>> GetCategoryAsync(string id, CancellationToken ct) =>
        (Ids.IsWellFormed(id) ? await taxonomy.FindCategoryAsync(id, ct) : null) ?? throw new ResourceNotFoundException("Category", id);

    public async Task<Versioned<Collection>> CreateCollectionAsync(CollectionInput input, CancellationToken ct)
    {
        var collection = TaxonomyRules.BuildCollection(input, Ids.New("col"), await taxonomy.GetCollectionsAsync(ct, fresh: true), await taxonomy.GetCategoriesAsync(ct, fresh: true));
        return new(collection, await taxonomy.SaveCollectionAsync(collection, null, ct));
    }

    public async Task<Versioned<Collection>> ReplaceCollectionAsync(string id, CollectionInput input, string? expectedVersion, CancellationToken ct)
    {
        if (expectedVersion is null) throw new VersionRequiredException();
        var current = await taxonomy.FindCollectionAsync(id, ct) ?? throw new ResourceNotFoundException("Collection", id);
        if (input.Type is not null && input.Type != current.Value.Type)
            throw ValidationFailedException.For("type", "a collection keeps its type; create a new collection instead.");
        var collection = TaxonomyRules.BuildCollection(input with { Type = current.Value.Type }, id,
            await taxonomy.GetCollectionsAsync(ct, fresh: true), await taxonomy.GetCategoriesAsync(ct, fresh: true));
        return new(collection, await taxonomy.SaveCollectionAsync(collection, expectedVersion, ct));
    }

    public async Task DeleteCollectionAsync(string id, string? expectedVersion, CancellationToken ct)
    {
        var current = await taxonomy.FindCollectionAsync(id, ct) ?? throw new ResourceNotFoundException("Collection", id);
        if (current.Value.Type == CollectionType.Manual)
        {
            var inUse = await products.ListAsync(new ProductFilter { CollectionId = id }, new PageRequest(1, null), ct);
            if (inUse.Items.Count > 0) throw new BusinessRuleViolationException("Products are still in this collection; take them out first.");
        }
        await taxonomy.DeleteCollectionAsync(id, expectedVersion ?? current.Version, ct);
    }

    public async Task<IReadOnlyList<Collection>> ListCollectionsAsync(CancellationToken ct) =>
        (await taxonomy.GetCollectionsAsync(ct)).Values.OrderBy(c => c.Title, StringComparer.Ordinal).ToList();

    public async Task<Versioned<Collection>> GetCollectionAsync(string id, CancellationToken ct) =>
        (Ids.IsWellFormed(id) ? await taxonomy.FindCollectionAsync(id, ct) : null) ?? throw new ResourceNotFoundException("Collection", id);
}
