using System.Net;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Catalog;

/// <summary>
/// Products in the <c>products</c> container (partition key /id, so a product read is one point read).
/// Cosmos DB enforces uniqueness only inside a logical partition, so each slug is claimed by a small document whose id
/// is the slug itself: creating it fails with 409 when another product holds the slug. A product keeps the claims of
/// its former slugs (<see cref="Product.FormerSlugs"/>), so an old address can only ever lead to the product that had it.
/// </summary>
public sealed class CosmosProductStore(ShopContainers containers, TimeProvider clock) : IProductStore
{
    private Container Products => containers.Products;

    public async Task<Versioned<Product>?> FindByIdAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await Products.ReadItemAsync<ProductDocument>(id, new PartitionKey(id), cancellationToken: ct);
            return response.Resource.Type == ProductDocument.Kind ? new(response.Resource.Product!, response.ETag) : null;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<Versioned<Product>>> FindManyByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        // One ReadMany (point reads by id and partition key, which is the id); slug claims never share a product's id,
        // but the type check keeps a stray document from being read as a product.
        var items = ids.Distinct(StringComparer.Ordinal).Select(id => (id, new PartitionKey(id))).ToList();
        var response = await Products.ReadManyItemsAsync<ProductDocument>(items, cancellationToken: ct);
        return response.Where(d => d.Type == ProductDocument.Kind && d.Product is not null).Select(d => new Versioned<Product>(d.Product!, d.ETag!)).ToList();
    }

    public async Task<Versioned<Product>?> FindBySlugAsync(string slug, CancellationToken ct)
    {
        // One query, not claim-then-read: it keeps a slug lookup at one Cosmos DB call (docs/benchmarks.md). A former
        // slug finds the product too (the storefront answers 301 to the current one); claims keep both unique.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND (c.slug = @slug OR ARRAY_CONTAINS(c.formerSlugs, @slug))")
            .WithParameter("@type", ProductDocument.Kind).WithParameter("@slug", slug);
        using var feed = Products.GetItemQueryIterator<ProductDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1 });
        while (feed.HasMoreResults)
        {
            var page = await feed.ReadNextAsync(ct);
            if (page.FirstOrDefault() is { } doc) return new(doc.Product!, doc.ETag!);
        }
        return null;
    }

    public async Task<Page<Product>> ListAsync(ProductFilter filter, PageRequest page, CancellationToken ct)
    {
        var query = ProductQueryBuilder.Build(filter);
        using var feed = Products.GetItemQueryIterator<Product>(query, page.ContinuationToken,
            new QueryRequestOptions { MaxItemCount = page.Size });
        try
        {
            var response = await feed.ReadNextAsync(ct);
            return new Page<Product>(response.ToList(), response.ContinuationToken);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.BadRequest) && page.ContinuationToken is not null)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token this API issued for this listing.");
        }
    }

    public async Task<string> CreateAsync(Product product, CancellationToken ct)
    {
        await ClaimSlugAsync(product.Slug, product.Id, ct);
        try
        {
            var response = await Products.CreateItemAsync(ProductDocument.From(product), new PartitionKey(product.Id), cancellationToken: ct);
            return response.ETag;
        }
        catch
        {
            await ReleaseSlugAsync(product.Slug, product.Id);
            throw;
        }
    }

    public async Task<string> ReplaceAsync(Product product, Versioned<Product> previous, CancellationToken ct)
    {
        var slugChanged = previous.Value.Slug != product.Slug;
        if (slugChanged) await ClaimSlugAsync(product.Slug, product.Id, ct);
        try
        {
            var response = await Products.ReplaceItemAsync(ProductDocument.From(product), product.Id, new PartitionKey(product.Id),
                new ItemRequestOptions { IfMatchEtag = previous.Version }, ct);
            // The previous slug is now a former slug and keeps its claim; only slugs the product no longer lists are released.
            foreach (var dropped in SlugsOf(previous.Value).Except(SlugsOf(product), StringComparer.Ordinal))
                await ReleaseSlugAsync(dropped, product.Id);
            return response.ETag;
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            if (slugChanged) await ReleaseSlugAsync(product.Slug, product.Id);
            throw new StaleVersionException("Product");
        }
    }

    public async Task DeleteAsync(Product product, string expectedVersion, CancellationToken ct)
    {
        try
        {
            await Products.DeleteItemAsync<ProductDocument>(product.Id, new PartitionKey(product.Id), new ItemRequestOptions { IfMatchEtag = expectedVersion }, ct);
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.PreconditionFailed))
        {
            throw new StaleVersionException("Product");
        }
        catch (CosmosException e) when (e.Is(HttpStatusCode.NotFound))
        {
            throw new ResourceNotFoundException("Product", product.Id);
        }
        foreach (var slug in SlugsOf(product)) await ReleaseSlugAsync(slug, product.Id);
    }

    private static IEnumerable<string> SlugsOf(Product product) => product.FormerSlugs.Prepend(product.Slug);

    private Task ClaimSlugAsync(string slug, string productId, CancellationToken ct) =>
        UniqueClaims.ClaimAsync(Products, SlugClaim.For(slug, productId, clock.GetUtcNow()),
            async (owner, token) => (await FindByIdAsync(owner, token))?.Value is { } holder && SlugsOf(holder).Contains(slug, StringComparer.Ordinal),
            owner => new DuplicateResourceException("slug", $"The slug '{slug}' is already used by product {owner}."), clock, ct);

    private Task ReleaseSlugAsync(string slug, string productId) => UniqueClaims.ReleaseAsync<SlugClaim>(Products, SlugClaim.IdFor(slug), productId);

    private sealed record SlugClaim(string Id, string Type, string ProductId, DateTimeOffset? ClaimedAt) : IUniqueClaim
    {
        [JsonIgnore] public string Owner => ProductId;
        public static string IdFor(string slug) => "slug:" + slug;
        public static SlugClaim For(string slug, string productId, DateTimeOffset at) => new(IdFor(slug), "slug", productId, at);
    }
}

/// <summary>How a product is stored: the product itself, plus the fields queries need at the top level.</summary>
internal sealed record ProductDocument
{
    public const string Kind = "product";

    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? Slug { get; init; }

    /// <summary>The product's former slugs, beside <see cref="Slug"/> so one query finds a product by either.</summary>
    public IReadOnlyList<string>? FormerSlugs { get; init; }

    /// <summary>Lower-case name, for case-insensitive search and sorting.</summary>
    public string? NameKey { get; init; }

    public Product? Product { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public static ProductDocument From(Product p) => new() { Id = p.Id, Type = Kind, Slug = p.Slug, FormerSlugs = p.FormerSlugs, NameKey = p.Name.ToLowerInvariant(), Product = p };
}

/// <summary>Translates a <see cref="ProductFilter"/> to one parameterised Cosmos DB SQL query.</summary>
internal static class ProductQueryBuilder
{
    public static QueryDefinition Build(ProductFilter f)
    {
        var where = new List<string> { "c.type = 'product'" };
        var parameters = new Dictionary<string, object>();
        string Param(object value)
        {
            var name = "@p" + parameters.Count;
            parameters[name] = value;
            return name;
        }

        if (f.Status is { } status) where.Add($"c.product.status = {Param(JsonName(status))}");
        if (f.CategoryId is not null) where.Add($"ARRAY_CONTAINS(c.product.categoryPath, {Param(f.CategoryId)})");
        if (f.Tag is not null) where.Add($"ARRAY_CONTAINS(c.product.tags, {Param(f.Tag)})");
        if (f.CollectionId is not null) where.Add($"ARRAY_CONTAINS(c.product.collectionIds, {Param(f.CollectionId)})");
        if (f.MinPrice is not null) where.Add($"c.product.priceRange.min >= {Param(f.MinPrice.Value)}");
        if (f.MaxPrice is not null) where.Add($"c.product.priceRange.min <= {Param(f.MaxPrice.Value)}");
        foreach (var facet in f.Facets) where.Add($"ARRAY_CONTAINS(c.product.facets, {Param(facet)})");
        if (f.NameContains is not null) where.Add($"CONTAINS(c.nameKey, {Param(f.NameContains)})");

        if (f.Rules.Count > 0)
        {
            var rules = f.Rules.Select(r => r switch
            {
                { Field: RuleField.Tag } => $"ARRAY_CONTAINS(c.product.tags, {Param(r.Value.Trim().ToLowerInvariant())})",
                { Field: RuleField.Category } => $"ARRAY_CONTAINS(c.product.categoryPath, {Param(r.Value)})",
                { Field: RuleField.Price, Operator: RuleOperator.LessThan } => $"c.product.priceRange.min < {Param(decimal.Parse(r.Value, System.Globalization.CultureInfo.InvariantCulture))}",
                { Field: RuleField.Price } => $"c.product.priceRange.min > {Param(decimal.Parse(r.Value, System.Globalization.CultureInfo.InvariantCulture))}",
                { Field: RuleField.Attribute } => $"ARRAY_CONTAINS(c.product.facets, {Param(ProductRules.Facet(r.AttributeName!, r.Value))})",
                _ => $"CONTAINS(c.nameKey, {Param(r.Value.Trim().ToLowerInvariant())})",
            });
            where.Add("(" + string.Join(f.MatchAllRules ? " AND " : " OR ", rules) + ")");
        }

        var orderBy = f.Sort switch
        {
            ProductSort.PriceAscending => "c.product.priceRange.min ASC",
            ProductSort.PriceDescending => "c.product.priceRange.min DESC",
            ProductSort.Name => "c.nameKey ASC",
            _ => "c.product.createdAt DESC",
        };
        var sql = new StringBuilder("SELECT VALUE c.product FROM c WHERE ").AppendJoin(" AND ", where).Append(" ORDER BY ").Append(orderBy).ToString();
        var query = new QueryDefinition(sql);
        foreach (var (name, value) in parameters) query = query.WithParameter(name, value);
        return query;
    }

    private static string JsonName<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonSerializer.Serialize(value, ShopJson.Options).Trim('"');
}
