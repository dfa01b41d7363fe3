namespace Serverless.Shop.Benchmarks;

/// <summary>
/// One kind of request a shopper makes, and how many Cosmos DB calls it may cost. <paramref name="NextPath"/> picks the
/// next request's path (relative to the shop's root) with the caller's random source. <paramref name="ReadsCategorySet"/>
/// says the request looks its category up in the cached category set, which costs one call more when the cache has expired.
/// </summary>
public sealed record Scenario(string Name, int CosmosCallBudget, bool ReadsCategorySet, Func<Random, string> NextPath)
{
    /// <summary>The scenarios' names, for the command line (the paths are only built when a request is sent).</summary>
    public static readonly IReadOnlyList<string> Names = All(new BenchmarkCatalog([], [], [])).Select(s => s.Name).ToList();

    public static IReadOnlyList<Scenario> All(BenchmarkCatalog catalog)
    {
        T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
        return
        [
            new("product-by-id", 1, false, r => $"api/products/{Pick(r, catalog.Products).Id}"),
            new("product-by-slug", 1, false, r => $"api/products/by-slug/{Pick(r, catalog.Products).Slug}"),
            new("category-page", 1, true, r => $"api/products?category={Pick(r, catalog.TopLevelCategories).Id}&pageSize=24"),
            new("filtered-listing", 1, false, r => $"api/products?tag={Pick(r, catalog.Tags)}&minPrice=10&maxPrice=60&sort=price-asc&pageSize=24"),
            new("product-with-rating", 1, false, r => $"api/products/{Pick(r, catalog.ReviewedProductIds)}"),
            // One query, plus one data-key read per author on the page whose key the instance has not cached (a minute).
            // The storefront's product page: the product by slug, breadcrumbs from the cached category set.
            new("product-page", 1, true, r => $"api/storefront/products/{Pick(r, catalog.Products).Slug}"),
            new("review-page", 1 + ReviewSeeding.PageSize, false, r => $"api/products/{Pick(r, catalog.ReviewedProductIds)}/reviews?sort={Pick(r, ReviewSeeding.Sorts)}&pageSize={ReviewSeeding.PageSize}"),
        ];
    }
}
