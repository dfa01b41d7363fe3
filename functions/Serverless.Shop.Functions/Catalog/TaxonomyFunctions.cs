using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.Functions.Catalog;

public sealed class TaxonomyFunctions(ManageTaxonomy taxonomy)
{
    [Function("ListCategories")]
    [PublicEndpoint]
    [ApiDoc("Categories", "The category tree, parents before children", Response = typeof(IReadOnlyList<Category>))]
    public async Task<IActionResult> ListCategories([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "categories")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await taxonomy.ListCategoriesAsync(ct));

    [Function("GetCategory")]
    [PublicEndpoint]
    [ApiDoc("Categories", "Get a category", Response = typeof(Category))]
    public async Task<IActionResult> GetCategory([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "categories/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await taxonomy.GetCategoryAsync(id, ct));

    [Function("CreateCategory")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Categories", "Create a category", Request = typeof(CategoryInput), Response = typeof(Category), SuccessStatus = 201)]
    public async Task<IActionResult> CreateCategory([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "categories")] HttpRequest req, CancellationToken ct)
    {
        var created = await taxonomy.CreateCategoryAsync(await req.ReadJsonAsync<CategoryInput>(), ct);
        return Api.Created($"/api/categories/{created.Value.Id}", created);
    }

    [Function("ReplaceCategory")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Categories", "Replace a category (If-Match required; the parent cannot change)", Request = typeof(CategoryInput), Response = typeof(Category))]
    public async Task<IActionResult> ReplaceCategory([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "categories/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await taxonomy.ReplaceCategoryAsync(id, await req.ReadJsonAsync<CategoryInput>(), req.IfMatch(), ct));

    [Function("DeleteCategory")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Categories", "Delete an empty category with no subcategories", SuccessStatus = 204)]
    public async Task<IActionResult> DeleteCategory([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "categories/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await taxonomy.DeleteCategoryAsync(id, req.IfMatch(), ct);
        return Api.NoContent();
    }

    [Function("ListCollections")]
    [PublicEndpoint]
    [ApiDoc("Collections", "All collections", Response = typeof(IReadOnlyList<Collection>))]
    public async Task<IActionResult> ListCollections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "collections")] HttpRequest req, CancellationToken ct) =>
        Api.Ok(await taxonomy.ListCollectionsAsync(ct));

    [Function("GetCollection")]
    [PublicEndpoint]
    [ApiDoc("Collections", "Get a collection", Response = typeof(Collection))]
    public async Task<IActionResult> GetCollection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "collections/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await taxonomy.GetCollectionAsync(id, ct));

    [Function("CreateCollection")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Collections", "Create a hand-picked or rule-based collection", Request = typeof(CollectionInput), Response = typeof(Collection), SuccessStatus = 201)]
    public async Task<IActionResult> CreateCollection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "collections")] HttpRequest req, CancellationToken ct)
    {
        var created = await taxonomy.CreateCollectionAsync(await req.ReadJsonAsync<CollectionInput>(), ct);
        return Api.Created($"/api/collections/{created.Value.Id}", created);
    }

    [Function("ReplaceCollection")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Collections", "Replace a collection (If-Match required)", Request = typeof(CollectionInput), Response = typeof(Collection))]
    public async Task<IActionResult> ReplaceCollection([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "collections/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await taxonomy.ReplaceCollectionAsync(id, await req.ReadJsonAsync<CollectionInput>(), req.IfMatch(), ct));

    [Function("DeleteCollection")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Merchandiser)]
    [ApiDoc("Collections", "Delete a collection", SuccessStatus = 204)]
    public async Task<IActionResult> DeleteCollection([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "collections/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await taxonomy.DeleteCollectionAsync(id, req.IfMatch(), ct);
        return Api.NoContent();
    }
}
